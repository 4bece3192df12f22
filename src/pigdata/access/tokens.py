"""API tokens: created once and shown once, stored only as their SHA-256, each with a lifetime.

A token expires (`expires_at`; null only for tokens made before lifetimes existed, which
never expire) and can be rotated: a new secret for the same name, role and scope, the old
one refused at once or after a short grace so that a deployment can switch over.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata import errors
from pigdata.access.principal import Principal, Role
from pigdata.config import TOKEN_LIFETIME_DAYS
from pigdata.domain import regions
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

TOKEN_PREFIX = "pgd_"
NAME_MAX = 120  # the width of api_tokens.name
MAX_LIFETIME = timedelta(days=3650)
MAX_GRACE = timedelta(days=7)  # long enough to redeploy a client, short enough to matter


class TokenError(errors.InvalidInput):
    """A token that cannot be created or rotated as asked (bad name, role, scope or lifetime)."""

    rule = "token.request"


class TokenRefused(errors.Unauthorized):
    """A request's token that does not let it in: unknown, revoked or expired."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token as created or rotated: the secret is shown this once and never stored."""

    principal: Principal
    secret: str
    expires_at: datetime | None


def now_utc() -> datetime:
    """Give the current time in UTC (the clock that token lifetimes are reckoned on)."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """Give a moment as the RFC 3339 UTC text the token table holds."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _digest(secret: str) -> bytes:
    # Tokens are 256 random bits, so a plain SHA-256 is as good as a slow password hash.
    return hashlib.sha256(secret.encode()).digest()


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def clean_name(name: str) -> str:
    """Give a token's name without surrounding blanks; refuse an empty or unprintable one."""
    cleaned = name.strip()
    if not cleaned:
        raise TokenError("令牌名称不能为空", "a token's name must not be empty", rule="token.name")
    if len(cleaned) > NAME_MAX or not cleaned.isprintable():
        raise TokenError(
            f"令牌名称须为不超过 {NAME_MAX} 个可打印字符",
            f"a token's name must be at most {NAME_MAX} printable characters",
            rule="token.name",
        )
    return cleaned


def _check_scope(conn: Connection, role: Role, scope: str | None) -> None:
    rule = "token.scope"
    if role in (Role.admin, Role.public):
        if scope:
            raise TokenError(f"{role} 令牌没有范围", f"a {role} token takes no scope", rule=rule)
        return
    if not scope:
        raise TokenError(f"{role} 令牌需要范围", f"a {role} token needs a scope", rule=rule)
    if role is Role.government and regions.lookup(scope) is None:
        raise TokenError(
            f"行政区划代码 {scope} 不存在", f"division code {scope} does not exist", rule=rule
        )
    if role is Role.farm:
        found = conn.execute(sa.select(t.premises.c.code).where(t.premises.c.code == scope))
        if found.first() is None:
            raise TokenError(
                f"场所 {scope} 未备案", f"premises {scope} is not registered", rule=rule
            )


def expiry(
    lifetime: timedelta | None = None,
    *,
    at: datetime | None = None,
    default_days: int = TOKEN_LIFETIME_DAYS,
    now: datetime | None = None,
) -> datetime:
    """Give when a new secret expires: at a moment, after a lifetime, or after the default
    (the node's `token_lifetime_days`, passed by the API and the CLI).

    The moment must lie in the future and no further than `MAX_LIFETIME` ahead.
    """
    start = now or now_utc()
    if at is not None and lifetime is not None:
        raise TokenError(
            "到期时间与有效期只能给出一个",
            "give either an expiry time or a lifetime, not both",
            rule="token.expiry",
        )
    if at is not None:
        ends = at if at.tzinfo else at.replace(tzinfo=UTC)
    else:
        ends = start + (lifetime if lifetime is not None else timedelta(days=default_days))
    if not start < ends <= start + MAX_LIFETIME:
        raise TokenError(
            f"到期时间 {stamp(ends)} 须在现在之后、{MAX_LIFETIME.days} 天以内",
            f"the expiry {stamp(ends)} must be after now and within {MAX_LIFETIME.days} days",
            rule="token.expiry",
        )
    return ends


def create_token(
    engine: Engine,
    name: str,
    role: Role,
    scope: str | None = None,
    *,
    expires_at: datetime | None = None,
    replace: bool = False,
) -> IssuedToken:
    """Create a token for a role (and its region or premises) and give its secret once.

    Without `expires_at` it lives the default lifetime. With `replace`, a token of the same
    name is deleted first (used for the demo's tokens).
    """
    name = clean_name(name)
    expires_at = expiry(at=expires_at)
    secret = _new_secret()
    with write_transaction(engine) as conn:
        _check_scope(conn, role, scope)
        if replace:
            conn.execute(t.api_tokens.delete().where(t.api_tokens.c.name == name))
        taken = conn.execute(sa.select(t.api_tokens.c.id).where(t.api_tokens.c.name == name))
        if taken.first() is not None:
            raise TokenError(
                f"令牌名称 {name} 已存在", f"a token named {name} exists", rule="token.name"
            )
        conn.execute(
            t.api_tokens.insert().values(
                name=name,
                role=role.value,
                scope=scope,
                token_hash=_digest(secret),
                created_at=stamp(now_utc()),
                expires_at=stamp(expires_at),
            )
        )
    return IssuedToken(Principal(name, role, scope), secret, expires_at)


def rotate_token(
    engine: Engine,
    name: str,
    *,
    expires_at: datetime | None = None,
    grace: timedelta = timedelta(0),
) -> IssuedToken:
    """Give a token a new secret and expiry, keeping its name, role and scope.

    The old secret is refused from now on, or from `grace` on (at most `MAX_GRACE`, and never
    beyond the old secret's own expiry). Only the secret replaced last is kept.
    """
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise TokenError(
            f"宽限期须在 0 到 {MAX_GRACE.days} 天之间",
            f"the grace must be between 0 and {MAX_GRACE.days} days",
            rule="token.grace",
        )
    expires_at = expiry(at=expires_at)
    k = t.api_tokens
    secret = _new_secret()
    now = now_utc()
    with write_transaction(engine) as conn:
        row = conn.execute(
            sa.select(k.c.role, k.c.scope, k.c.token_hash, k.c.expires_at).where(
                k.c.name == name, k.c.revoked_at.is_(None)
            )
        ).first()
        if row is None:
            raise errors.NotFound(
                f"没有名为 {name} 的有效令牌", f"no active token named {name}", rule="token.exists"
            )
        old_expiry = _moment(row.expires_at)
        until = now + grace
        if old_expiry is not None:
            until = min(until, old_expiry)
        conn.execute(
            k.update()
            .where(k.c.name == name)
            .values(
                token_hash=_digest(secret),
                expires_at=stamp(expires_at),
                previous_hash=row.token_hash if until > now else None,
                previous_until=stamp(until) if until > now else None,
                rotated_at=stamp(now),
            )
        )
    return IssuedToken(Principal(name, Role(row.role), row.scope), secret, expires_at)


def authenticate(conn: Connection, secret: str) -> Principal:
    """Give the principal a token speaks for; refuse one unknown, revoked or expired."""
    k = t.api_tokens
    digest = _digest(secret)
    columns = (k.c.name, k.c.role, k.c.scope, k.c.expires_at, k.c.previous_until)
    row = conn.execute(sa.select(*columns, sa.true()).where(k.c.token_hash == digest)).first()
    if row is None:  # perhaps the secret a rotation replaced, still in its grace
        row = conn.execute(
            sa.select(*columns, sa.false()).where(k.c.previous_hash == digest)
        ).first()
    revoked = (
        row is not None
        and conn.execute(sa.select(k.c.revoked_at).where(k.c.name == row.name)).scalar()
    )
    if row is None or revoked:
        raise TokenRefused("令牌无效或已撤销", "the token is unknown or revoked")
    current = row[5]
    ends = _moment(row.expires_at if current else row.previous_until)
    if ends is not None and ends <= now_utc():
        what_en = "expired" if current else "was replaced by a rotation"
        what_zh = "已过期" if current else "已被轮换替代"
        raise TokenRefused(
            f"令牌 {row.name} 于 {stamp(ends)} {what_zh}，请使用新令牌",
            f"the token {row.name} {what_en} at {stamp(ends)}; use a new one",
            rule="access.token_expired",
        )
    return Principal(row.name, Role(row.role), row.scope)


def revoke_token(engine: Engine, name: str) -> bool:
    """Revoke a token by name; give whether one was revoked."""
    k = t.api_tokens
    with write_transaction(engine) as conn:
        result = conn.execute(
            k.update()
            .where(k.c.name == name, k.c.revoked_at.is_(None))
            .values(revoked_at=stamp(now_utc()))
        )
    return bool(result.rowcount)


def list_tokens(conn: Connection) -> list[dict[str, Any]]:
    """Give every token's name, role, scope and dates (never a secret)."""
    k = t.api_tokens
    query = sa.select(
        k.c.name,
        k.c.role,
        k.c.scope,
        k.c.created_at,
        k.c.expires_at,
        k.c.rotated_at,
        k.c.revoked_at,
    )
    return [dict(row._mapping) for row in conn.execute(query.order_by(k.c.id))]
