"""API tokens: created once and shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata.access.principal import Principal, Role
from pigdata.domain import regions
from pigdata.ingest.uploads import utc_now
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

TOKEN_PREFIX = "pgd_"


class TokenError(ValueError):
    """A token that cannot be created as asked (bad role, scope or name)."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token as created: the secret is shown this once and never stored."""

    principal: Principal
    secret: str


def _digest(secret: str) -> bytes:
    # Tokens are 256 random bits, so a plain SHA-256 is as good as a slow password hash.
    return hashlib.sha256(secret.encode()).digest()


def _check_scope(conn: Connection, role: Role, scope: str | None) -> None:
    if role in (Role.admin, Role.public):
        if scope:
            raise TokenError(f"{role} 令牌没有范围 / a {role} token takes no scope")
        return
    if not scope:
        raise TokenError(f"{role} 令牌需要范围 / a {role} token needs a scope")
    if role is Role.government and regions.lookup(scope) is None:
        raise TokenError(f"行政区划代码 {scope} 不存在 / division code {scope} does not exist")
    if role is Role.farm:
        found = conn.execute(sa.select(t.premises.c.code).where(t.premises.c.code == scope))
        if found.first() is None:
            raise TokenError(f"场所 {scope} 未备案 / premises {scope} is not registered")


def create_token(
    engine: Engine, name: str, role: Role, scope: str | None = None, *, replace: bool = False
) -> IssuedToken:
    """Create a token for a role (and its region or premises) and give its secret once.

    With `replace`, a token of the same name is deleted first (used for the demo's tokens).
    """
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction(engine) as conn:
        _check_scope(conn, role, scope)
        if replace:
            conn.execute(t.api_tokens.delete().where(t.api_tokens.c.name == name))
        taken = conn.execute(sa.select(t.api_tokens.c.id).where(t.api_tokens.c.name == name))
        if taken.first() is not None:
            raise TokenError(f"令牌名称 {name} 已存在 / a token named {name} exists")
        conn.execute(
            t.api_tokens.insert().values(
                name=name,
                role=role.value,
                scope=scope,
                token_hash=_digest(secret),
                created_at=utc_now(),
            )
        )
    return IssuedToken(Principal(name, role, scope), secret)


def authenticate(conn: Connection, secret: str) -> Principal | None:
    """Give the principal a token speaks for, or None if it is unknown or revoked."""
    k = t.api_tokens
    row = conn.execute(
        sa.select(k.c.name, k.c.role, k.c.scope).where(
            k.c.token_hash == _digest(secret), k.c.revoked_at.is_(None)
        )
    ).first()
    return None if row is None else Principal(row.name, Role(row.role), row.scope)


def revoke_token(engine: Engine, name: str) -> bool:
    """Revoke a token by name; give whether one was revoked."""
    k = t.api_tokens
    with write_transaction(engine) as conn:
        result = conn.execute(
            k.update()
            .where(k.c.name == name, k.c.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
    return bool(result.rowcount)


def list_tokens(conn: Connection) -> list[dict[str, Any]]:
    """Give every token's name, role, scope and dates (never a secret)."""
    k = t.api_tokens
    query = sa.select(k.c.name, k.c.role, k.c.scope, k.c.created_at, k.c.revoked_at)
    return [dict(row._mapping) for row in conn.execute(query.order_by(k.c.id))]
