"""What the sub-commands share: the consoles, the store, progress bars, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import TypeVar

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal
from pigdata.access.tokens import authenticate
from pigdata.config import Settings, get_settings
from pigdata.domain.issues import issues_from_validation
from pigdata.domain.records import BoundedDay, Month
from pigdata.errors import PigdataError
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

T = TypeVar("T")

console = Console()
err = Console(stderr=True)


def open_store(settings: Settings | None = None) -> Engine:
    """Give an engine on the configured database, brought to the current schema."""
    engine = make_engine((settings or get_settings()).database_url)
    upgrade(engine)
    return engine


def report_error(error: PigdataError) -> int:
    """Print an error of the platform on stderr, with its rule; give the exit status."""
    err.print(f"[red]{escape(error.message)}[/red] [dim]\\[{escape(error.rule)}][/dim]")
    return 1


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error on stderr and give the exit to raise."""
    err.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(code)


_DAY: TypeAdapter[date] = TypeAdapter(BoundedDay)
_MONTH: TypeAdapter[str] = TypeAdapter(Month)


def parse_day(text: str, option: str) -> date:
    """Give a day from YYYY-MM-DD inside the platform's date range, or exit naming the option."""
    return _parsed(_DAY, text, option)


def parse_month(text: str, option: str) -> str:
    """Give a month YYYY-MM inside the platform's date range, or exit naming the option."""
    return _parsed(_MONTH, text, option)


def _parsed(adapter: TypeAdapter[T], text: str, option: str) -> T:
    try:
        return adapter.validate_python(text)
    except ValidationError as error:
        issue = issues_from_validation(error)[0]
        raise fail(f"{option} {text}: {issue.zh} / {issue.en} [{issue.rule}]") from error


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """Show a progress bar (on stderr, so stdout stays for data); give how to advance it."""
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield partial(progress.advance, task)


def principal_for(engine: Engine, token: str | None) -> Principal:
    """Give the principal of a token, or the node's operator (admin) without one."""
    if token is None:
        return ADMIN  # whoever runs the node's own command line is its operator
    with engine.connect() as conn:
        return authenticate(conn, token)  # an unknown, revoked or expired one raises
