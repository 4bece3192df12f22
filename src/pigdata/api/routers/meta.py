"""The API's front door: an index of links, health, who am I, and token creation."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field

from pigdata import __version__
from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.api.deps import Conn, EngineDep, Who, require_role
from pigdata.store import tables as t

router = APIRouter(tags=["meta"])


@router.get("/")
def index() -> dict[str, Any]:
    """Give the platform's name, version and where to go next."""
    return {
        "name": "pigdata",
        "version": __version__,
        "docs": "/docs",
        "display": "/display",
        "openapi": "/openapi.json",
        "api": "/api/v1",
    }


@router.get("/api/v1")
def api_index() -> dict[str, Any]:
    """Give the main collections of the API."""
    names = (
        "premises",
        "movements",
        "herd-reports",
        "trades",
        "slaughters",
        "price-quotes",
        "outbreak-reports",
        "records",
        "uploads",
        "schemas",
        "regions",
        "stats/overview",
        "ledger/head",
        "me",
    )
    return {"links": {name: f"/api/v1/{name}" for name in names}}


@router.get("/api/v1/health")
def health(conn: Conn) -> dict[str, Any]:
    """Tell whether the node can read its store, and the ledger size."""
    size = conn.execute(sa.select(t.ledger_head.c.size)).scalar()
    return {"status": "ok", "ledger_size": int(size or 0)}


class PrincipalOut(BaseModel):
    name: str
    role: Role
    scope: str | None


@router.get("/api/v1/me", response_model=PrincipalOut)
def me(who: Who) -> PrincipalOut:
    """Give the role and scope of the token sent (anonymous public without one)."""
    return PrincipalOut(name=who.name, role=who.role, scope=who.scope)


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    role: Role
    scope: str | None = Field(default=None, description="division code or premises code")


class TokenOut(PrincipalOut):
    token: str = Field(description="shown once; only its hash is stored")


@router.post("/api/v1/tokens", response_model=TokenOut, status_code=201)
def post_token(request: TokenRequest, engine: EngineDep, who: Who) -> TokenOut:
    """Create a token (admins only)."""
    require_role(who, Role.admin)
    issued = create_token(engine, request.name, request.role, request.scope)
    p = issued.principal
    return TokenOut(name=p.name, role=p.role, scope=p.scope, token=issued.secret)
