"""Node administration: the database schema, API tokens, administrative divisions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from pigdata.access.principal import Role
from pigdata.access.tokens import TokenError, create_token, list_tokens, revoke_token
from pigdata.cli._common import console, fail, open_store
from pigdata.domain import regions

token_app = typer.Typer(help="API tokens / 访问令牌", no_args_is_help=True)
db_app = typer.Typer(help="The store / 数据库", no_args_is_help=True)
regions_app = typer.Typer(help="Administrative divisions / 行政区划", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the current schema (safe to run again)."""
    open_store()
    console.print("database is at the current schema / 数据库结构已是最新")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="a unique name for the token")],
    role: Annotated[Role, typer.Option(help="admin, government, farm or public")],
    scope: Annotated[
        str | None, typer.Option(help="division code (government) or premises code (farm)")
    ] = None,
) -> None:
    """Create an API token; its secret is printed once."""
    engine = open_store()
    try:
        issued = create_token(engine, name, role, scope)
    except TokenError as error:
        raise fail(str(error)) from error
    console.print(f"{issued.principal.submitter} {scope or ''}")
    console.out(issued.secret)


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, scopes; never secrets)."""
    table = Table("name", "role", "scope", "created", "revoked")
    with open_store().connect() as conn:
        for row in list_tokens(conn):
            table.add_row(
                *(row[k] or "" for k in ("name", "role", "scope", "created_at", "revoked_at"))
            )
    console.print(table)


@token_app.command("revoke")
def token_revoke(name: str) -> None:
    """Revoke a token by name."""
    if not revoke_token(open_store(), name):
        raise fail(f"没有名为 {name} 的有效令牌 / no active token named {name}")
    console.print(f"revoked {name}")


@regions_app.command("show")
def regions_show(code: str) -> None:
    """Show a division: name, level, parents and children."""
    try:
        division = regions.require(code)
    except regions.UnknownDivision as error:
        raise fail(str(error)) from error
    console.print(f"{division.code} {regions.full_name(code)} ({division.level.value})")
    for child in regions.children(code):
        console.print(f"  {child.code} {child.name}")
