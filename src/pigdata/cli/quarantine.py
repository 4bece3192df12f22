"""Quarantine station commands: register a batch, record tests, release or destroy, list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from pigdata.cli._common import console, open_store, principal_for
from pigdata.config import get_settings
from pigdata.errors import InvalidInput
from pigdata.services import quarantine

quarantine_app = typer.Typer(
    help="进境种猪隔离检疫场 / the import breeding-pig quarantine station", no_args_is_help=True
)

Token = Annotated[
    str | None, typer.Option(help="act as this token's principal", envvar="PIGDATA_TOKEN")
]
Day = Annotated[str, typer.Option("--day", help="the day, YYYY-MM-DD")]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(
            f"日期 {text} 应为 YYYY-MM-DD", f"date {text} must be YYYY-MM-DD", rule="date.format"
        ) from error


def _written(seqs: list[int]) -> None:
    console.print(f"已记入账本 / ledgered: {', '.join(str(s) for s in seqs)}")


@quarantine_app.command("batch")
def batch(path: Path, token: Token = None) -> None:
    """Register an import batch from a JSON object (an import_batch record)."""
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    _written(quarantine.register_batch(engine, settings, who, orjson.loads(path.read_bytes())))


@quarantine_app.command("test")
def test(
    batch_id: str,
    day: Day,
    disease: Annotated[str, typer.Option(help="e.g. african_swine_fever")],
    method: Annotated[str, typer.Option(help="e.g. qPCR")],
    result: Annotated[str, typer.Option(help="positive or negative")],
    station: Annotated[
        str | None, typer.Option(help="the batch's station (default: its own)")
    ] = None,
    samples: Annotated[int, typer.Option(help="animals sampled")] = 1,
    token: Token = None,
) -> None:
    """Record a sample's test result."""
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    if station is None:
        with engine.connect() as conn:
            station = quarantine.batch_station(conn, batch_id)
    record = {
        "batch_id": batch_id,
        "station": station,
        "sample_date": _day(day).isoformat(),
        "disease": disease,
        "method": method,
        "result": result,
        "samples": samples,
    }
    _written(quarantine.record_test(engine, settings, who, record))


def _plan(text: str) -> quarantine.ReleasePlan:
    parts = text.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        raise InvalidInput(
            f"放行去向 {text} 应为 场所编码:头数:检疫证明编号",
            f"release {text} must be FARM:HEAD:CERTIFICATE",
            rule="quarantine.release_option",
        )
    return quarantine.ReleasePlan(parts[0], int(parts[1]), parts[2])


@quarantine_app.command("release")
def release(
    batch_id: str,
    day: Day,
    to: Annotated[list[str], typer.Option("--to", help="FARM:HEAD:CERTIFICATE, repeated")],
    plate: Annotated[str, typer.Option(help="vehicle plate, e.g. 渝A12345")],
    carrier: Annotated[str, typer.Option(help="the carrier")],
    token: Token = None,
) -> None:
    """Release a batch to named farms: the decision and one movement per farm."""
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    seqs = quarantine.release(
        engine,
        settings,
        who,
        batch_id=batch_id,
        day=_day(day),
        plans=[_plan(t) for t in to],
        vehicle_plate=plate,
        carrier=carrier,
    )
    _written(seqs)


@quarantine_app.command("destroy")
def destroy(
    batch_id: str,
    day: Day,
    reason: Annotated[str, typer.Option(help="why the batch is rejected")],
    token: Token = None,
) -> None:
    """Reject a batch and have it destroyed."""
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    _written(
        quarantine.destroy(engine, settings, who, batch_id=batch_id, day=_day(day), reason=reason)
    )


@quarantine_app.command("list")
def list_batches(
    station: Annotated[str | None, typer.Option(help="one station's batches")] = None,
    token: Token = None,
) -> None:
    """List the batches: in isolation with days left and test status, or decided."""
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    with engine.connect() as conn:
        found = quarantine.station_batches(conn, who, quarantine.node_today(settings), station)
    table = Table("batch", "station", "head", "arrival", "days left", "tests", "decision")
    for s in found:
        tests = (
            "positive: " + ", ".join(s.tests.positive)
            if s.tests.positive
            else (f"missing {len(s.tests.missing)}" if s.tests.missing else "complete")
        )
        decision = f"{s.outcome} {s.decided_on} ({s.head_released} head)" if s.outcome else "-"
        table.add_row(
            s.batch_id,
            s.station,
            str(s.head_count),
            str(s.arrival_date),
            str(s.days_left),
            tests,
            decision,
        )
    console.print(table)
