"""Personal data commands: erasing one person's value on request."""

from __future__ import annotations

from typing import Annotated

import typer

from pigdata.access.principal import ADMIN
from pigdata.cli._common import console, open_store
from pigdata.config import get_settings
from pigdata.services import personal

personal_app = typer.Typer(
    help="Personal data kept beside the ledger (PIPL).", no_args_is_help=True
)


def erase(
    field: Annotated[str, typer.Option("--field", help=f"one of: {', '.join(personal.FIELDS)}")],
    value: Annotated[str, typer.Option("--value", help="the person's value, as stored")],
) -> None:
    """Erase every stored instance of a person's value of a personal field. The entries keep
    their commitments: the ledger, its checkpoints and every proof stay valid."""
    engine = open_store(get_settings())
    done = personal.erase(engine, ADMIN, field, value)
    console.print(
        f"已删除 {done.values_erased} 个值 / erased {done.values_erased} value(s) of {done.field}",
        markup=False,
    )


personal_app.command()(erase)
