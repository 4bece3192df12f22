"""A region's weekly price of an item, volume-weighted across its collection points.

Which quotes speak for a region (docs/market.md): its collection points (markets and other
premises inside it) when any quoted the item; else the average published for the region
itself (a quote at its own code); else the averages of the divisions inside it, equally
weighted. Weeks end on Sunday. A point's weekly price is the mean of its quotes that week;
its weight is the head it traded that week (trades at that premises); a week in which no
quoted point traded weighs the points equally. Prices are in yuan/kg (yuan/tonne ÷ 1000);
quotes per head cannot be put per kg and are left out.

A region's collection points are read from their weekly sums by county
(`price_county_weeks`, pigdata.projections.price_weeks): a row per county and week, where a
prefecture has some hundred thousand point-weeks an item. The few published and subdivision
averages are read quote by quote. A period (start, end) takes whole weeks: those whose
Sunday falls in it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from pigdata.access.principal import region_prefix
from pigdata.domain import regions
from pigdata.projections.price_weeks import (
    PER_KG,
    PREMISES_CODE_LENGTH,
    WEEK,
    PointWeek,
    WeekSums,
    week_ending,
    week_sums,
)
from pigdata.store import tables as t

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WeeklyPrices:
    """One item's weekly prices in a region; `weeks` are consecutive Sundays."""

    region: str
    item: str
    source: str  # "collection_points" | "published" | "subdivisions" | "none"
    weeks: tuple[date, ...]
    price: FloatArray  # yuan/kg, NaN in a week without quotes
    points: IntArray  # collection points quoted each week
    volume: IntArray  # head traded at those points each week (0: equal weights)


def code_prefix(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """Give "column begins with prefix" as a range of codes: both backends read it from a
    b-tree index, which they do not for LIKE with a bound pattern."""
    if not prefix:
        return sa.true()
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < after)


class SundayOfWeek(FunctionElement[date]):
    """SQL: the Sunday that ends the week of a date column."""

    type = sa.Date()
    inherit_cache = True


@compiles(SundayOfWeek, "sqlite")
def _sunday_sqlite(element: SundayOfWeek, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0')"


@compiles(SundayOfWeek, "postgresql")
def _sunday_postgresql(element: SundayOfWeek, compiler: SQLCompiler, **kw: Any) -> str:
    day = compiler.process(element.clauses, **kw)
    return f"({day} + (7 - CAST(EXTRACT(ISODOW FROM {day}) AS INTEGER)))"


# --- which quotes speak for the region --------------------------------------------------------


def _quoted(conn: Connection, item: str, where: sa.ColumnElement[bool]) -> bool:
    q = t.price_quotes
    found = conn.execute(
        sa.select(sa.literal(1))
        .where(q.c.item == item, q.c.unit.in_(tuple(PER_KG)), where)
        .limit(1)
    ).first()
    return found is not None


def _source(conn: Connection, region: str, prefix: str, item: str) -> str:
    """Give which quotes of an item speak for the region (see the module's docstring)."""
    q = t.price_quotes
    inside = code_prefix(q.c.location, prefix)
    if _quoted(conn, item, sa.and_(inside, sa.func.length(q.c.location) == PREMISES_CODE_LENGTH)):
        return "collection_points"
    if _quoted(conn, item, q.c.location == region):
        return "published"
    return "subdivisions" if _quoted(conn, item, inside) else "none"


def _of_source(region: str, source: str) -> sa.ColumnElement[bool]:
    q = t.price_quotes
    if source == "collection_points":
        return sa.func.length(q.c.location) == PREMISES_CODE_LENGTH
    if source == "published":
        return q.c.location == region
    return sa.true()


# --- reading the sums -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """The quotes asked for: a region's code prefix, the items with their sources, a period."""

    region: str
    prefix: str
    sources: dict[str, str]
    start: date | None
    end: date | None


Weeks = dict[date, WeekSums]  # one item's weeks with quotes, each with its link's sums


def _county_weeks(conn: Connection, span: _Span, items: list[str]) -> dict[str, Weeks]:
    """Sum the counties' rows of the region; the links look back one calendar week."""
    c = t.price_county_weeks
    names = WeekSums.__slots__
    query = (
        sa.select(c.c.item, c.c.week, *(sa.func.sum(c.c[name]).label(name) for name in names))
        .where(c.c.item.in_(items), code_prefix(c.c.county, span.prefix))
        .group_by(c.c.item, c.c.week)
    )
    if span.start is not None:
        query = query.where(c.c.week >= span.start)
    if span.end is not None:
        query = query.where(c.c.week <= span.end)
    out: dict[str, Weeks] = {item: {} for item in items}
    for row in conn.execute(query):
        out[row.item][_day(row.week)] = WeekSums(
            points=int(row.points),
            plain=float(row.plain),
            head=int(row.head),
            weighted=float(row.weighted),
            pairs=int(row.pairs),
            pair_weight=int(row.pair_weight),
            pair_now=float(row.pair_now),
            pair_then=float(row.pair_then),
            pair_plain_now=float(row.pair_plain_now),
            pair_plain_then=float(row.pair_plain_then),
        )
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _point_rows(conn: Connection, span: _Span) -> dict[str, dict[date, dict[str, PointWeek]]]:
    """Give item → week → location → the point's week, quote by quote (for the few
    published and subdivision averages, and for a link across a week without quotes)."""
    q, tr = t.price_quotes, t.trades
    per_kg = sa.case((q.c.unit == "yuan/tonne", PER_KG["yuan/tonne"]), else_=1.0)
    week = SundayOfWeek(q.c.date)
    chosen = [
        sa.and_(q.c.item == item, _of_source(span.region, source))
        for item, source in span.sources.items()
    ]
    quotes = (
        sa.select(
            q.c.item,
            q.c.location,
            week.label("week"),
            (sa.func.sum(q.c.price * per_kg) / sa.func.count()).label("mean"),
        )
        .where(q.c.unit.in_(tuple(PER_KG)), code_prefix(q.c.location, span.prefix))
        .where(sa.or_(*chosen))
        .group_by(q.c.item, q.c.location, week)
    )
    if span.start is not None:  # from the Monday of the first week whose Sunday is in
        quotes = quotes.where(q.c.date >= week_ending(span.start) - timedelta(days=6))
    if span.end is not None:  # to the last Sunday in
        quotes = quotes.where(q.c.date <= span.end - timedelta(days=(span.end.weekday() + 1) % 7))
    quoted = quotes.cte("quoted")
    traded_week = SundayOfWeek(tr.c.date)
    traded = (
        sa.select(
            tr.c.market, traded_week.label("week"), sa.func.sum(tr.c.head_count).label("head")
        )
        .where(code_prefix(tr.c.market, span.prefix))
        .group_by(tr.c.market, traded_week)
        .cte("traded")
    )
    rows = conn.execute(
        sa.select(
            quoted.c.item,
            quoted.c.location,
            quoted.c.week,
            quoted.c.mean,
            sa.func.coalesce(traded.c.head, 0),
        ).select_from(
            quoted.outerjoin(
                traded,
                sa.and_(traded.c.market == quoted.c.location, traded.c.week == quoted.c.week),
            )
        )
    )
    out: dict[str, dict[date, dict[str, PointWeek]]] = {item: {} for item in span.sources}
    for item, location, day, mean, head in rows:
        out[item].setdefault(_day(day), {})[location] = PointWeek(float(mean), int(head))
    return out


def _linked_in_turn(weeks: dict[date, dict[str, PointWeek]]) -> Weeks:
    """Give each week's sums, its link looking back to the last earlier week with quotes."""
    out: Weeks = {}
    before: dict[str, PointWeek] = {}
    for week in sorted(weeks):
        out[week] = week_sums(weeks[week], before)
        before = weeks[week]
    return out


def _sums(conn: Connection, span: _Span) -> dict[str, Weeks]:
    by_counties = [item for item, s in span.sources.items() if s == "collection_points"]
    by_quotes = {item: s for item, s in span.sources.items() if s in ("published", "subdivisions")}
    found: dict[str, Weeks] = {item: {} for item in span.sources}
    if by_counties:
        found |= _county_weeks(conn, span, by_counties)
    if by_quotes:
        quoted = _point_rows(conn, _Span(span.region, span.prefix, by_quotes, span.start, span.end))
        found |= {item: _linked_in_turn(weeks) for item, weeks in quoted.items()}
    return found


def _gap_link(conn: Connection, span: _Span, item: str, before: date, week: date) -> float:
    """Give the link of a week to an earlier one more than a week back, quote by quote."""
    both = _Span(span.region, span.prefix, {item: span.sources[item]}, before, week)
    weeks = _point_rows(conn, both)[item]
    return week_sums(weeks.get(week, {}), weeks.get(before, {})).link()


@dataclass(frozen=True)
class _Grid:
    """Consecutive Sundays from the first quoted week to the last."""

    weeks: tuple[date, ...]

    @classmethod
    def over(cls, quoted: list[date]) -> _Grid:
        count = (quoted[-1] - quoted[0]).days // 7 + 1
        return cls(tuple(quoted[0] + k * WEEK for k in range(count)))

    def at(self, week: date) -> int:
        return (week - self.weeks[0]).days // 7


def _as_weekly(region: str, item: str, source: str, weeks: Weeks) -> WeeklyPrices:
    if not weeks:
        none = np.zeros(0, dtype=np.int64)
        return WeeklyPrices(region, item, source, (), np.zeros(0), none, none)
    grid = _Grid.over(sorted(weeks))
    price = np.full(len(grid.weeks), np.nan)
    points = np.zeros(len(grid.weeks), dtype=np.int64)
    volume = np.zeros(len(grid.weeks), dtype=np.int64)
    for week, sums in weeks.items():
        k = grid.at(week)
        price[k], points[k], volume[k] = sums.price(), sums.points, sums.head
    return WeeklyPrices(region, item, source, grid.weeks, price, points, volume)


def _span(
    conn: Connection, region: str, items: tuple[str, ...], start: date | None, end: date | None
) -> _Span:
    regions.require(region)
    prefix = region_prefix(region)
    sources = {item: _source(conn, region, prefix, item) for item in items}
    return _Span(region, prefix, sources, start, end)


def weekly_of_items(
    conn: Connection,
    region: str,
    items: tuple[str, ...],
    start: date | None = None,
    end: date | None = None,
) -> dict[str, WeeklyPrices]:
    """Give the weekly prices of several items in a region."""
    span = _span(conn, region, items, start, end)
    found = _sums(conn, span)
    return {item: _as_weekly(region, item, span.sources[item], found[item]) for item in items}


def weekly_prices(
    conn: Connection,
    region: str,
    item: str,
    start: date | None = None,
    end: date | None = None,
) -> WeeklyPrices:
    """Give an item's weekly price in a region (a division code of any level)."""
    return weekly_of_items(conn, region, (item,), start, end)[item]


def weekly_with_links(conn: Connection, region: str, item: str) -> tuple[WeeklyPrices, FloatArray]:
    """Give an item's weekly prices in a region and each week's chain link: the ratio of the
    matched points' volume-weighted prices to those of the last earlier week with quotes
    (docs/methodology/price-index.md); NaN for the first week with quotes, for weeks without,
    and for weeks with no point in common with the week before."""
    span = _span(conn, region, (item,), None, None)
    weeks = _sums(conn, span)[item]
    prices = _as_weekly(region, item, span.sources[item], weeks)
    links = np.full(len(prices.weeks), np.nan)
    quoted = sorted(weeks)
    calendar = span.sources[item] == "collection_points"
    for before, week in itertools.pairwise(quoted):
        if not calendar or week - before == WEEK:
            links[(week - quoted[0]).days // 7] = weeks[week].link()
        else:  # the county sums look back one calendar week; this link looks further
            links[(week - quoted[0]).days // 7] = _gap_link(conn, span, item, before, week)
    return prices, links
