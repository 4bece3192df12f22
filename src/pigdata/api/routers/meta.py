"""The API's front door: an index of links, health, who am I, and tokens (create, rotate)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field

from pigdata import __version__
from pigdata.access.principal import Role
from pigdata.access.tokens import MAX_GRACE, IssuedToken, create_token, expiry, rotate_token
from pigdata.api.deps import Conn, EngineDep, SettingsDep, Who, require_role
from pigdata.api.json_body import JsonBodyRoute
from pigdata.api.openapi import problems
from pigdata.config import Settings
from pigdata.store import tables as t

router = APIRouter(tags=["meta"], route_class=JsonBodyRoute)


class FrontDoor(BaseModel):
    """The platform's name and version, and where its documents and collections are."""

    name: str
    version: str
    docs: str
    display: str
    openapi: str
    api: str


@router.get("/")
def index() -> FrontDoor:
    """Give the platform's name, version and where to go next."""
    return FrontDoor(
        name="pigdata",
        version=__version__,
        docs="/docs",
        display="/display",
        openapi="/openapi.json",
        api="/api/v1",
    )


class Links(BaseModel):
    links: dict[str, str] = Field(description="each collection's path, by name")


@router.get("/api/v1")
def api_index() -> Links:
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
    return Links(links={name: f"/api/v1/{name}" for name in names})


class Health(BaseModel):
    status: Literal["ok"]
    ledger_size: int


@router.get("/api/v1/health")
def health(conn: Conn) -> Health:
    """Tell whether the node can read its store, and the ledger size."""
    size = conn.execute(sa.select(t.ledger_head.c.size)).scalar()
    return Health(status="ok", ledger_size=int(size or 0))


class PrincipalOut(BaseModel):
    name: str
    role: Role
    scope: str | None


@router.get("/api/v1/me", response_model=PrincipalOut)
def me(who: Who) -> PrincipalOut:
    """Give the role and scope of the token sent (anonymous public without one)."""
    return PrincipalOut(name=who.name, role=who.role, scope=who.scope)


class TokenLifetime(BaseModel):
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="lifetime; the node's default without either"
    )
    expires_at: datetime | None = Field(default=None, description="RFC 3339; UTC if no offset")

    def ends(self, settings: Settings) -> datetime:
        lifetime = None if self.expires_in_days is None else timedelta(days=self.expires_in_days)
        return expiry(lifetime, at=self.expires_at, default_days=settings.token_lifetime_days)


class TokenRequest(TokenLifetime):
    name: str = Field(min_length=1, max_length=120)
    role: Role
    scope: str | None = Field(default=None, description="division code or premises code")


class TokenOut(PrincipalOut):
    token: str = Field(description="shown once; only its hash is stored")
    expires_at: datetime | None


@router.post("/api/v1/tokens", response_model=TokenOut, status_code=201)
def post_token(
    request: TokenRequest, engine: EngineDep, settings: SettingsDep, who: Who
) -> TokenOut:
    """Create a token (admins only); it expires after `expires_in_days`, at `expires_at`, or
    after the node's default lifetime."""
    require_role(who, Role.admin)
    issued = create_token(
        engine, request.name, request.role, request.scope, expires_at=request.ends(settings)
    )
    return _token_out(issued)


class RotateRequest(TokenLifetime):
    grace_minutes: int = Field(
        default=0, ge=0, le=MAX_GRACE // timedelta(minutes=1), description="old secret kept"
    )


@router.post("/api/v1/tokens/{name}/rotate", response_model=TokenOut, responses=problems(404))
def rotate(
    name: str, request: RotateRequest, engine: EngineDep, settings: SettingsDep, who: Who
) -> TokenOut:
    """Give a token a new secret and expiry (admins only); its old secret is refused at once,
    or after `grace_minutes`."""
    require_role(who, Role.admin)
    issued = rotate_token(
        engine,
        name,
        expires_at=request.ends(settings),
        grace=timedelta(minutes=request.grace_minutes),
    )
    return _token_out(issued)


def _token_out(issued: IssuedToken) -> TokenOut:
    p = issued.principal
    return TokenOut(
        name=p.name, role=p.role, scope=p.scope, token=issued.secret, expires_at=issued.expires_at
    )
