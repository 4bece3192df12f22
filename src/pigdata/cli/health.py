"""Animal-health commands: contact tracing, outbreak zones, plausibility checks, overview."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from pigdata.cli._common import console, fail, open_store, parse_day, parse_month, principal_for
from pigdata.config import get_settings
from pigdata.ingest.pipeline import today_in
from pigdata.services.health import tracing
from pigdata.services.health.contacts import TraceDirection
from pigdata.services.health.overview import health_overview
from pigdata.services.health.plausibility import check_month
from pigdata.services.health.zoning import outbreak_zones, zones_geojson

health_app = typer.Typer(help="动物防疫 / animal health", no_args_is_help=True)

Token = Annotated[
    str | None, typer.Option(help="act as this token's principal", envvar="PIGDATA_TOKEN")
]
Day = Annotated[
    str | None, typer.Option(help="the day (YYYY-MM-DD); default today", show_default=False)
]


def _day(text: str | None, option: str = "--day") -> date:
    if text is None:
        return today_in(get_settings().timezone)
    return parse_day(text, option)


@health_app.command("trace")
def trace_command(
    premises: Annotated[str, typer.Argument(help="the index premises (10-digit code)")],
    direction: Annotated[TraceDirection, typer.Option(help="forward or backward")] = (
        TraceDirection.forward
    ),
    until: Day = None,
    days: Annotated[
        int, typer.Option(min=1, max=tracing.MAX_WINDOW_DAYS, help="window length in days")
    ] = tracing.DEFAULT_WINDOW_DAYS,
    vehicle: Annotated[bool, typer.Option(help="link premises by plate and day")] = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="write the contacts as CSV")] = None,
    show: Annotated[int, typer.Option(help="contacts to print")] = 30,
    token: Token = None,
) -> None:
    """Trace the premises linked to one by time-respecting movements, ranked by risk."""
    engine = open_store()
    who = principal_for(engine, token)
    with engine.connect() as conn:
        report = tracing.trace_contacts(
            conn, who, premises, direction, _day(until, "--until"), days, vehicle
        )
    title = (
        f"{premises} {direction.value} {report.first}…{report.last}: "
        f"{len(report.contacts)} 个接触场所 / premises reached"
    )
    table = Table(title=title)
    for header in ("#", "premises", "name", "depth", "earliest", "latest", "paths", "head"):
        table.add_column(header)
    for c in report.contacts[:show]:
        paths = f"≥{c.paths}" if c.paths_capped else str(c.paths)
        table.add_row(
            str(c.rank),
            c.premises,
            c.name or "",
            str(c.depth),
            c.earliest_contact.isoformat(),
            c.latest_contact.isoformat(),
            paths,
            str(c.head_count),
        )
    console.print(table, markup=False)
    if csv_out is not None:
        csv_out.write_text(tracing.contacts_csv(report), encoding="utf-8")
        console.print(f"CSV: {csv_out}", markup=False)


@health_app.command("zones")
def zones_command(
    outbreak: Annotated[str | None, typer.Option(help="one outbreak by id")] = None,
    day: Day = None,
    geojson: Annotated[Path | None, typer.Option(help="write the zones as GeoJSON")] = None,
    token: Token = None,
) -> None:
    """List the active outbreaks' zones (or one outbreak's) and the premises inside."""
    engine = open_store()
    who = principal_for(engine, token)
    with engine.connect() as conn:
        found = outbreak_zones(conn, who, _day(day), outbreak)
    if outbreak is not None and not found:
        raise fail(f"疫情 {outbreak} 不存在 / outbreak {outbreak} not found")
    for z in found:
        b = z.outbreak
        console.print(
            f"{b.outbreak_id} {b.disease} {b.status} active={z.active} "
            f"points={','.join(b.infected_points)} from={b.zones_from} "
            f"earliest lifting={b.earliest_lifting}",
            markup=False,
        )
        table = Table()
        for header in ("premises", "zone", "km", "infected point"):
            table.add_column(header)
        for p in z.premises:
            table.add_row(p.premises, p.zone, f"{p.distance_km:.3f}", p.infected_point or "—")
        console.print(table, markup=False)
    if not found:
        console.print("无有效疫区 / no active zones")
    if geojson is not None:
        geojson.write_bytes(orjson.dumps(zones_geojson(found)))
        console.print(f"GeoJSON: {geojson}", markup=False)


@health_app.command("plausibility")
def plausibility_command(
    month: Annotated[str, typer.Argument(help="the month, YYYY-MM")],
    token: Token = None,
) -> None:
    """List a month's mismatches between certificates and herd reports, for follow-up."""
    month = parse_month(month, "month")
    engine = open_store()
    who = principal_for(engine, token)
    with engine.connect() as conn:
        found = check_month(conn, who, month)
    table = Table(title=f"{month}: {len(found)} 项不符 / mismatches")
    for header in ("premises", "rule", "reported", "expected", "difference"):
        table.add_column(header)
    for m in found:
        table.add_row(m.premises, m.rule, str(m.reported), str(m.expected), str(m.difference))
    console.print(table, markup=False)


@health_app.command("overview")
def overview_command(day: Day = None, token: Token = None) -> None:
    """Show active zones, premises under restriction and movements blocked in the last week."""
    engine = open_store()
    who = principal_for(engine, token)
    with engine.connect() as conn:
        view = health_overview(conn, who, _day(day))
    console.print(
        f"{view.day}: {len(view.active_zones)} 个有效疫区 / active outbreaks", markup=False
    )
    for z in view.active_zones:
        console.print(
            f"  {z.outbreak_id} {z.disease} points={','.join(z.infected_points)} "
            f"infected zone={z.infected_zone_premises} threatened zone="
            f"{z.threatened_zone_premises} earliest lifting={z.earliest_lifting}",
            markup=False,
        )
    console.print(f"受限场所 / premises under restriction: {view.restricted_premises}")
    blocked = ", ".join(f"{rule} {n}" for rule, n in view.blocked_last_week.items()) or "0"
    console.print(f"近7天拦截调运 / movements blocked in the last week: {blocked}", markup=False)


from pigdata.cli.health_spread import spread_command  # noqa: E402  (its own module)

health_app.command("spread")(spread_command)
