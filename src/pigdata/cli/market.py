"""Market commands: price warnings, price index, forecasts and their backtest, outlook."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from pigdata.cli._common import console, open_store
from pigdata.cli._common import parse_day as bounded_day
from pigdata.domain.records import PriceItem
from pigdata.domain.regions import NATION
from pigdata.services.market.backtest import backtest_prices
from pigdata.services.market.forecast import forecast_prices
from pigdata.services.market.outlook import backtest_outlook, supply_outlook
from pigdata.services.market.price_index import price_index
from pigdata.services.market.warnings import price_warnings

market_app = typer.Typer(help="Market services / 市场服务", no_args_is_help=True)

Region = Annotated[str, typer.Option(help="division code; 100000 is the nation")]
Start = Annotated[str | None, typer.Option(help="first day, YYYY-MM-DD")]
End = Annotated[str | None, typer.Option(help="last day, YYYY-MM-DD")]


def parse_day(text: str | None, name: str) -> date | None:
    """Give a day from YYYY-MM-DD, or exit with a message naming the option."""
    return None if text is None else bounded_day(text, f"--{name}")


def _level(level: int | None) -> str:
    return "-" if level is None else f"{level} 级 / level {level}"


@market_app.command("warnings")
def warnings_command(
    region: Region = NATION, start: Start = None, end: End = None, all_weeks: bool = False
) -> None:
    """Print the hog–grain ratio warnings (and the retail upside) with their alerts."""
    engine = open_store()
    with engine.connect() as conn:
        found = price_warnings(conn, region, parse_day(start, "start"), parse_day(end, "end"))
    for rules in found.rules:
        console.print(f"{rules.name}, from {rules.effective}: {rules.source}", markup=False)
    if found.corn_region and found.corn_region != region:
        console.print(f"corn price of {found.corn_region} / 玉米价格取自 {found.corn_region}")
    if all_weeks:
        weeks = Table("week 周", "hog 生猪", "corn 玉米", "ratio 猪粮比", "level 预警")
        for r in found.ratio:
            weeks.add_row(
                r.week.isoformat(),
                f"{r.hog:.2f}",
                f"{r.corn:.3f}",
                f"{r.ratio:.2f}",
                _level(r.level),
            )
        console.print(weeks)
    alerts = Table("week 周", "side 方向", "event 事件", "level 预警", "before 之前", "value 数值")
    for a in found.alerts:
        alerts.add_row(
            a.week.isoformat(),
            a.side,
            a.event,
            _level(a.level),
            _level(a.previous),
            f"{a.value:.2f}" if a.side == "downside" else f"{a.value:+.1%}",
        )
    console.print(alerts)
    if not found.ratio:
        console.print("no weeks with both hog and corn prices / 没有同时有生猪和玉米价格的周")


@market_app.command("index")
def index_command(
    region: Region = NATION,
    item: Annotated[PriceItem, typer.Option(help="what is priced")] = PriceItem.live_hog,
    base_start: Annotated[str | None, typer.Option(help="base period's first day")] = None,
    base_end: Annotated[str | None, typer.Option(help="base period's last day")] = None,
) -> None:
    """Print the weekly price index of an item in a region (base period = 100)."""
    engine = open_store()
    with engine.connect() as conn:
        found = price_index(
            conn,
            region,
            item.value,
            parse_day(base_start, "base-start"),
            parse_day(base_end, "base-end"),
        )
    title = f"{found.item} {found.region} base {found.base_start}–{found.base_end} = 100"
    table = Table("week 周", "index 指数", "price 价格 yuan/kg", "points 采价点", title=title)
    for w in found.weeks:
        table.add_row(
            w.week.isoformat(),
            "-" if w.index is None else f"{w.index:.1f}",
            "-" if w.price is None else f"{w.price:.2f}",
            str(w.points),
        )
    console.print(table)


Item = Annotated[PriceItem, typer.Option(help="what is priced")]


@market_app.command("forecast")
def forecast_command(
    region: Region = NATION,
    item: Item = PriceItem.live_hog,
    horizon: Annotated[int, typer.Option(min=1, max=26, help="weeks ahead")] = 26,
    level: Annotated[float, typer.Option(min=0.5, max=0.99, help="interval level")] = 0.8,
) -> None:
    """Print the weekly price forecast with prediction intervals."""
    engine = open_store()
    with engine.connect() as conn:
        found = forecast_prices(conn, region, item.value, horizon, level)
    signal = found.supply_signal or "none / 无"
    title = f"{found.item} {found.region} from {found.origin}; {found.model}; supply: {signal}"
    table = Table("week 周", "h", "forecast 预测", f"{found.level:.0%} interval 区间", title=title)
    for w in found.weeks:
        table.add_row(
            w.week.isoformat(), str(w.horizon), f"{w.mean:.2f}", f"{w.lower:.2f}–{w.upper:.2f}"
        )
    console.print(table)


@market_app.command("backtest")
def backtest_command(
    region: Region = NATION,
    item: Item = PriceItem.live_hog,
    step: Annotated[int, typer.Option(min=1, max=52, help="weeks between origins")] = 4,
) -> None:
    """Print the rolling-origin backtest: MAPE per horizon against naive and seasonal naive."""
    engine = open_store()
    with engine.connect() as conn:
        found = backtest_prices(conn, region, item.value, step=step)
    title = (
        f"{found.item} {found.region}: {found.origins} origins {found.first_origin} – "
        f"{found.last_origin}, every {found.step_weeks} weeks; history from "
        f"{found.history_start}; supply signal {'yes' if found.supply_signal else 'no'}"
    )
    table = Table(
        "h (weeks)",
        "forecasts",
        "model MAPE %",
        "naive %",
        "seasonal naive %",
        f"{found.level:.0%} coverage",
        "best",
        title=title,
    )
    for s in found.horizons:
        best = min(
            ("model", s.model),
            ("naive", s.naive),
            ("seasonal naive", s.seasonal_naive),
            key=lambda pair: pair[1],
        )[0]
        table.add_row(
            str(s.horizon),
            str(s.forecasts),
            f"{s.model:.2f}",
            f"{s.naive:.2f}",
            f"{s.seasonal_naive:.2f}",
            f"{s.coverage:.0%}",
            best,
        )
    console.print(table)


Months = Annotated[int, typer.Option(min=1, max=10, help="months ahead")]


@market_app.command("outlook")
def outlook_command(
    region: Annotated[str, typer.Option(help="division code")] = "500153",
    months: Months = 10,
    origin: Annotated[str | None, typer.Option(help="origin month YYYY-MM")] = None,
) -> None:
    """Print expected market hogs per month ahead (and what happened, where reported)."""
    engine = open_store()
    with engine.connect() as conn:
        found = supply_outlook(conn, region, months, origin)
    r = found.ratios
    console.print(
        f"{found.region} from {found.origin}: survival {r.survival:.3f}, farrowing rate "
        f"{r.farrowing_rate:.3f}, born alive per litter {r.born_alive_per_litter:.2f}, "
        f"farrowings per sow and month {r.farrowings_per_sow_month:.3f}"
    )
    table = Table("month 月份", "expected 预计出栏", "basis 依据", "reported 实际出栏")
    for m in found.months:
        table.add_row(
            m.month, f"{m.expected:,.0f}", m.basis, "-" if m.actual is None else f"{m.actual:,}"
        )
    console.print(table)


@market_app.command("outlook-backtest")
def outlook_backtest_command(
    region: Annotated[str, typer.Option(help="division code")] = "500153", months: Months = 10
) -> None:
    """Print the outlook's error per month ahead against the hogs later reported sold."""
    engine = open_store()
    with engine.connect() as conn:
        found = backtest_outlook(conn, region, months)
    title = f"{found.region}: {found.origins} origins {found.first_origin} – {found.last_origin}"
    table = Table("months ahead", "forecasts", "outlook MAPE %", "naive MAPE %", title=title)
    for s in found.scores:
        table.add_row(str(s.months_ahead), str(s.forecasts), f"{s.outlook:.2f}", f"{s.naive:.2f}")
    console.print(table)
