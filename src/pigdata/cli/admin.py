"""Node administration: the database schema, API tokens, administrative divisions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pigdata.access.principal import Role
from pigdata.access.tokens import (
    MAX_GRACE,
    IssuedToken,
    create_token,
    expiry,
    list_tokens,
    revoke_token,
    rotate_token,
    stamp,
)
from pigdata.cli._common import console, fail, open_store
from pigdata.config import get_settings
from pigdata.domain import regions

token_app = typer.Typer(help="API tokens / 访问令牌", no_args_is_help=True)
db_app = typer.Typer(help="The store / 数据库", no_args_is_help=True)
regions_app = typer.Typer(help="Administrative divisions / 行政区划", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the current schema (safe to run again)."""
    open_store()
    console.print("database is at the current schema / 数据库结构已是最新")


ExpiresIn = Annotated[
    int | None,
    typer.Option(
        "--expires-in", min=1, max=3650, help="days the secret lives (default: the node's)"
    ),
]
Expires = Annotated[
    datetime | None,
    typer.Option(
        "--expires",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
        help="when the secret stops working (UTC; a date alone means 00:00 UTC of that day)",
    ),
]


def _ends(expires_in: int | None, expires: datetime | None) -> datetime:
    lifetime = None if expires_in is None else timedelta(days=expires_in)
    return expiry(lifetime, at=expires, default_days=get_settings().token_lifetime_days)


def _print_issued(issued: IssuedToken) -> None:
    who = issued.principal
    until = stamp(issued.expires_at) if issued.expires_at else "never"
    console.print(f"{escape(who.submitter)} {who.scope or ''} expires {until}")
    console.out(issued.secret)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="a unique name for the token")],
    role: Annotated[Role, typer.Option(help="admin, government, farm or public")],
    scope: Annotated[
        str | None, typer.Option(help="division code (government) or premises code (farm)")
    ] = None,
    expires_in: ExpiresIn = None,
    expires: Expires = None,
) -> None:
    """Create an API token; its secret is printed once (last line), its expiry above it."""
    ends = _ends(expires_in, expires)
    _print_issued(create_token(open_store(), name, role, scope, expires_at=ends))


@token_app.command("rotate")
def token_rotate(
    name: str,
    expires_in: ExpiresIn = None,
    expires: Expires = None,
    grace: Annotated[
        int,
        typer.Option(
            min=0,
            max=MAX_GRACE // timedelta(minutes=1),
            help="minutes the old secret still works (default: refused at once)",
        ),
    ] = 0,
) -> None:
    """Give a token a new secret (same name, role, scope) and expiry; the new secret is printed
    once."""
    ends = _ends(expires_in, expires)
    issued = rotate_token(open_store(), name, expires_at=ends, grace=timedelta(minutes=grace))
    _print_issued(issued)


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, scopes, dates; never secrets). No expiry means never."""
    columns = ("name", "role", "scope", "created_at", "expires_at", "rotated_at", "revoked_at")
    table = Table("name", "role", "scope", "created", "expires", "rotated", "revoked")
    with open_store().connect() as conn:
        for row in list_tokens(conn):
            cells = {k: escape(row[k] or "") for k in columns}
            cells["expires_at"] = cells["expires_at"] or "never"
            table.add_row(*cells.values())
    console.print(table)


@token_app.command("revoke")
def token_revoke(name: str) -> None:
    """Revoke a token by name."""
    if not revoke_token(open_store(), name):
        raise fail(f"没有名为 {name} 的有效令牌 / no active token named {name}")
    console.print(f"revoked {escape(name)}")


@regions_app.command("show")
def regions_show(code: str) -> None:
    """Show a division: name, level, parents and children."""
    division = regions.require(code)
    console.print(f"{division.code} {regions.full_name(code)} ({division.level.value})")
    for child in regions.children(code):
        console.print(f"  {child.code} {child.name}")
