"""The `pigdata health spread` command: the outbreak spread estimate from an index premises."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pigdata.cli._common import console, open_store, parse_day, principal_for
from pigdata.services.health import spread


def spread_command(
    index: Annotated[str, typer.Option("--index", help="the suspected index premises")],
    date: Annotated[str, typer.Option("--date", help="the index day (YYYY-MM-DD)")],
    until: Annotated[str, typer.Option("--until", help="the end day (YYYY-MM-DD)")],
    runs: Annotated[
        int, typer.Option(min=1, max=spread.MAX_RUNS, help="Monte Carlo runs")
    ] = spread.DEFAULT_RUNS,
    seed: Annotated[int, typer.Option(min=0, help="seed of the random numbers")] = 0,
    method: Annotated[
        spread.SpreadMethod, typer.Option(help="monte_carlo, or exact for tree-like networks")
    ] = spread.SpreadMethod.monte_carlo,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="write the premises as CSV")] = None,
    show: Annotated[int, typer.Option(help="premises to print")] = 30,
    token: Annotated[
        str | None, typer.Option(help="act as this token's principal", envvar="PIGDATA_TOKEN")
    ] = None,
) -> None:
    """Estimate which premises an infection of one premises has likely reached, ranked."""
    first, last = parse_day(date, "--date"), parse_day(until, "--until")
    engine = open_store()
    who = principal_for(engine, token)
    with engine.connect() as conn:
        report = spread.estimate_spread(conn, who, index, first, last, runs, seed, method=method)
    how = "exact" if method is spread.SpreadMethod.exact else f"{runs} runs, seed {seed}"
    title = (
        f"{index} {report.first}…{report.until}, {how}: "
        f"{len(report.premises)} 个场所可能感染 / premises possibly infected"
    )
    table = Table(title=title)
    for header in ("#", "premises", "name", "probability", "± s.e.", "mean day", "expected"):
        table.add_column(header)
    for s in report.premises[:show]:
        table.add_row(
            str(s.rank),
            s.premises,
            s.name or "",
            f"{s.probability:.4f}",
            f"{s.standard_error:.4f}",
            f"{s.mean_day:.1f}",
            s.expected_date.isoformat(),
        )
    console.print(table, markup=False)
    console.print(
        f"rule {report.rule.name} ({report.rule.effective}); {report.movements_used} movements, "
        f"{report.herds_considered} premises at risk",
        markup=False,
    )
    if csv_out is not None:
        csv_out.write_text(spread.spread_csv(report), encoding="utf-8")
        console.print(f"CSV: {csv_out}", markup=False)
