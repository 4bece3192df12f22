"""A region's weekly price of an item, volume-weighted across its collection points.

Which quotes speak for a region (docs/market.md): its collection points (markets and other
premises inside it) when any quoted the item; else the average published for the region
itself (a quote at its own code); else the averages of the divisions inside it, equally
weighted. Weeks end on Sunday. A point's weekly price is the mean of its quotes that week;
its weight is the head it traded that week (trades at that premises); a week in which no
quoted point traded weighs the points equally. Prices are in yuan/kg (yuan/tonne ÷ 1000);
quotes per head cannot be put per kg and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import region_prefix
from pigdata.domain import regions
from pigdata.store import tables as t

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
PER_KG = {"yuan/kg": 1.0, "yuan/tonne": 0.001}
PREMISES_CODE_LENGTH = 10
QuoteRow = tuple[str, date, str, float, int]  # location, day, unit, sum of prices, quotes


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


def week_ending(day: date) -> date:
    """Give the Sunday that ends a day's week."""
    return day + timedelta(days=6 - day.weekday())


def _ordinal_sunday(ordinals: IntArray) -> IntArray:
    # date(1, 1, 1) is a Monday with ordinal 1, so (ordinal - 1) % 7 is the weekday.
    return ordinals + (6 - (ordinals - 1) % 7)


def _quotes(
    conn: Connection, prefix: str, item: str, start: date | None, end: date | None
) -> list[QuoteRow]:
    q = t.price_quotes
    query = (
        sa.select(q.c.location, q.c.date, q.c.unit, sa.func.sum(q.c.price), sa.func.count())
        .where(q.c.item == item, q.c.unit.in_(tuple(PER_KG)))
        .group_by(q.c.location, q.c.date, q.c.unit)
    )
    query = query.where(code_prefix(q.c.location, prefix))
    if start is not None:
        query = query.where(q.c.date >= start)
    if end is not None:
        query = query.where(q.c.date <= end)
    return [(str(a), b, str(c), float(d), int(e)) for a, b, c, d, e in conn.execute(query)]


def _choose(rows: list[QuoteRow], region: str) -> tuple[str, list[QuoteRow]]:
    points = [r for r in rows if len(r[0]) == PREMISES_CODE_LENGTH]
    if points:
        return "collection_points", points
    own = [r for r in rows if r[0] == region]
    if own:
        return "published", own
    return ("subdivisions", rows) if rows else ("none", [])


def _volumes(conn: Connection, prefix: str, first: int, last: int) -> dict[tuple[str, int], int]:
    tr = t.trades
    rows = conn.execute(
        sa.select(tr.c.market, tr.c.date, sa.func.sum(tr.c.head_count))
        .where(
            code_prefix(tr.c.market, prefix),
            tr.c.date >= date.fromordinal(first - 6),
            tr.c.date <= date.fromordinal(last),
        )
        .group_by(tr.c.market, tr.c.date)
    )
    out: dict[tuple[str, int], int] = {}
    for market, day, head in rows:
        key = (str(market), week_ending(day).toordinal())
        out[key] = out.get(key, 0) + int(head)
    return out


@dataclass(frozen=True)
class PointPrices:
    """Each collection point's mean price (NaN: no quote) and head traded, week by week."""

    source: str
    weeks: tuple[date, ...]
    locations: tuple[str, ...]
    mean: FloatArray  # weeks × locations, yuan/kg
    volume: FloatArray  # weeks × locations, head traded (0 where not quoted)


def point_prices(
    conn: Connection,
    region: str,
    item: str,
    start: date | None = None,
    end: date | None = None,
) -> PointPrices:
    """Give the weekly prices and volumes of the points that speak for a region."""
    regions.require(region)
    prefix = region_prefix(region)
    source, rows = _choose(_quotes(conn, prefix, item, start, end), region)
    if not rows:
        return PointPrices(source, (), (), np.zeros((0, 0)), np.zeros((0, 0)))
    locations = sorted({r[0] for r in rows})
    where = {code: i for i, code in enumerate(locations)}
    loc = np.array([where[r[0]] for r in rows], dtype=np.int64)
    sunday = _ordinal_sunday(np.array([r[1].toordinal() for r in rows], dtype=np.int64))
    per_kg = np.array([PER_KG[r[2]] for r in rows])
    total = np.array([r[3] for r in rows]) * per_kg
    count = np.array([r[4] for r in rows], dtype=np.float64)
    first, last = int(sunday.min()), int(sunday.max())
    n_weeks = (last - first) // 7 + 1
    cell = ((sunday - first) // 7) * len(locations) + loc
    shape = (n_weeks, len(locations))
    sums = np.bincount(cell, total, n_weeks * len(locations)).reshape(shape)
    counts = np.bincount(cell, count, n_weeks * len(locations)).reshape(shape)
    quoted = counts > 0
    mean = np.full(shape, np.nan)
    np.divide(sums, counts, out=mean, where=quoted)
    volume = np.zeros(shape)
    if source == "collection_points":
        for (market, sun), head in _volumes(conn, prefix, first, last).items():
            if market in where and first <= sun <= last:
                volume[(sun - first) // 7, where[market]] = head
    weeks = tuple(date.fromordinal(first + 7 * k) for k in range(n_weeks))
    return PointPrices(source, weeks, tuple(locations), mean, np.where(quoted, volume, 0.0))


def weighted_mean(mean: FloatArray, volume: FloatArray) -> FloatArray:
    """Give each row's volume-weighted mean over its quoted points (equal weights in a row
    without volume; NaN in a row without quotes)."""
    quoted = ~np.isnan(mean)
    traded = volume.sum(axis=1)
    weights = np.where(traded[:, None] > 0, volume, quoted.astype(np.float64))
    weight_sum = weights.sum(axis=1)
    out = np.full(mean.shape[0], np.nan)
    np.divide(
        (weights * np.where(quoted, mean, 0.0)).sum(axis=1),
        weight_sum,
        out=out,
        where=weight_sum > 0,
    )
    return out


def weekly_prices(
    conn: Connection,
    region: str,
    item: str,
    start: date | None = None,
    end: date | None = None,
) -> WeeklyPrices:
    """Give an item's weekly price in a region (a division code of any level)."""
    points = point_prices(conn, region, item, start, end)
    return WeeklyPrices(
        region,
        item,
        points.source,
        points.weeks,
        weighted_mean(points.mean, points.volume),
        (~np.isnan(points.mean)).sum(axis=1).astype(np.int64),
        points.volume.sum(axis=1).astype(np.int64),
    )
