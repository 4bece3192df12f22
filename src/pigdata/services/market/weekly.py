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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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


def _sunday(days: IntArray) -> IntArray:
    # Days count from 1970-01-01, a Thursday: (days + 3) % 7 is the weekday, Monday 0.
    return days + 6 - (days + 3) % 7


def _epoch_days(values: list[Any]) -> IntArray:
    # ISO text (SQLite) or dates (PostgreSQL) to days since 1970-01-01, in one NumPy pass.
    return np.array(values, dtype="datetime64[D]").astype(np.int64)


@dataclass(frozen=True)
class _Quotes:
    """Quote sums per item, place and day, as columns."""

    locations: npt.NDArray[np.str_]  # sorted, distinct
    item: npt.NDArray[np.str_]  # per row
    place: IntArray  # index into locations, per row
    day: IntArray  # days since 1970-01-01
    total: FloatArray  # sum of prices, yuan/kg
    count: FloatArray

    def of(self, item: str, keep: npt.NDArray[np.bool_] | None = None) -> _Quotes:
        """Give the rows of one item (and of a mask)."""
        rows = self.item == item if keep is None else (self.item == item) & keep
        return _Quotes(
            self.locations,
            self.item[rows],
            self.place[rows],
            self.day[rows],
            self.total[rows],
            self.count[rows],
        )


def _quotes(
    conn: Connection, prefix: str, items: tuple[str, ...], start: date | None, end: date | None
) -> _Quotes | None:
    q = t.price_quotes
    day_text = sa.type_coerce(q.c.date, sa.String)  # skip per-row date objects on SQLite
    query = (
        sa.select(
            q.c.item, q.c.location, day_text, q.c.unit, sa.func.sum(q.c.price), sa.func.count()
        )
        .where(q.c.item.in_(items), q.c.unit.in_(tuple(PER_KG)))
        .where(code_prefix(q.c.location, prefix))
        .group_by(q.c.item, q.c.location, q.c.date, q.c.unit)
    )
    if start is not None:
        query = query.where(q.c.date >= start)
    if end is not None:
        query = query.where(q.c.date <= end)
    rows = conn.execute(query).all()
    if not rows:
        return None
    item, location, day, unit, total, count = (list(c) for c in zip(*rows, strict=True))
    locations, place = np.unique(np.array(location, dtype=np.str_), return_inverse=True)
    per_kg = np.where(np.array(unit, dtype=np.str_) == "yuan/tonne", PER_KG["yuan/tonne"], 1.0)
    return _Quotes(
        locations,
        np.array(item, dtype=np.str_),
        place.astype(np.int64),
        _epoch_days(day),
        np.array(total, dtype=np.float64) * per_kg,
        np.array(count, dtype=np.float64),
    )


def _choose(quotes: _Quotes, region: str) -> tuple[str, npt.NDArray[np.bool_]]:
    """Give which quotes speak for the region (see the module's docstring)."""
    quoted = np.zeros(quotes.locations.size, dtype=np.bool_)
    quoted[quotes.place] = True
    is_point = (np.char.str_len(quotes.locations) == PREMISES_CODE_LENGTH) & quoted
    if is_point.any():
        return "collection_points", is_point[quotes.place]
    own = (quotes.locations == region) & quoted
    if own.any():
        return "published", own[quotes.place]
    return "subdivisions", np.ones(quotes.place.size, dtype=np.bool_)


@dataclass(frozen=True)
class _Trades:
    """Head traded per market and day in a region, as columns."""

    market: npt.NDArray[np.str_]
    sunday: IntArray  # the Sunday ending the trade's week, days since 1970-01-01
    head: FloatArray


def _trades(conn: Connection, prefix: str) -> _Trades:
    tr = t.trades
    # No date condition: with one, the planners read the date index over every market.
    rows = conn.execute(
        sa.select(tr.c.market, sa.type_coerce(tr.c.date, sa.String), sa.func.sum(tr.c.head_count))
        .where(code_prefix(tr.c.market, prefix))
        .group_by(tr.c.market, tr.c.date)
    ).all()
    if not rows:
        return _Trades(np.zeros(0, dtype=np.str_), np.zeros(0, dtype=np.int64), np.zeros(0))
    market, day, head = (list(column) for column in zip(*rows, strict=True))
    return _Trades(
        np.array(market, dtype=np.str_),
        _sunday(_epoch_days(day)),
        np.array(head, dtype=np.float64),
    )


def _add_volumes(
    trades: _Trades, locations: npt.NDArray[np.str_], first: int, volume: FloatArray
) -> None:
    """Add the head traded at each location and week (rows from the Sunday `first`)."""
    if trades.market.size == 0:
        return
    at = np.clip(np.searchsorted(locations, trades.market), 0, locations.size - 1)
    week = (trades.sunday - first) // 7
    keep = (locations[at] == trades.market) & (week >= 0) & (week < volume.shape[0])
    np.add.at(volume, (week[keep], at[keep]), trades.head[keep])


@dataclass(frozen=True)
class PointPrices:
    """Each collection point's mean price (NaN: no quote) and head traded, week by week."""

    source: str
    weeks: tuple[date, ...]
    locations: tuple[str, ...]
    mean: FloatArray  # weeks × locations, yuan/kg
    volume: FloatArray  # weeks × locations, head traded (0 where not quoted)


NO_POINTS = PointPrices("none", (), (), np.zeros((0, 0)), np.zeros((0, 0)))


def _points(quotes: _Quotes, region: str, trades: Callable[[], _Trades]) -> PointPrices:
    if quotes.place.size == 0:
        return NO_POINTS
    source, keep = _choose(quotes, region)
    used = np.unique(quotes.place[keep])
    locations = quotes.locations[used]
    place = np.searchsorted(used, quotes.place[keep])
    sunday = _sunday(quotes.day[keep])
    first, last = int(sunday.min()), int(sunday.max())
    n_weeks = (last - first) // 7 + 1
    cell = ((sunday - first) // 7) * locations.size + place
    shape = (n_weeks, locations.size)
    sums = np.bincount(cell, quotes.total[keep], n_weeks * locations.size).reshape(shape)
    counts = np.bincount(cell, quotes.count[keep], n_weeks * locations.size).reshape(shape)
    quoted = counts > 0
    mean = np.full(shape, np.nan)
    np.divide(sums, counts, out=mean, where=quoted)
    volume = np.zeros(shape)
    if source == "collection_points":
        _add_volumes(trades(), locations, first, volume)
    days = first + 7 * np.arange(n_weeks)
    weeks = tuple(np.array(days, dtype="datetime64[D]").astype(date).tolist())
    return PointPrices(
        source, weeks, tuple(locations.tolist()), mean, np.where(quoted, volume, 0.0)
    )


def points_of_items(
    conn: Connection,
    region: str,
    items: tuple[str, ...],
    start: date | None = None,
    end: date | None = None,
) -> dict[str, PointPrices]:
    """Give the weekly prices and volumes of the points that speak for a region, for each
    of several items, from one query of quotes and at most one of trades."""
    regions.require(region)
    prefix = region_prefix(region)
    quotes = _quotes(conn, prefix, items, start, end)
    if quotes is None:
        return dict.fromkeys(items, NO_POINTS)
    fetched: list[_Trades] = []

    def trades() -> _Trades:
        if not fetched:
            fetched.append(_trades(conn, prefix))
        return fetched[0]

    return {item: _points(quotes.of(item), region, trades) for item in items}


def point_prices(
    conn: Connection,
    region: str,
    item: str,
    start: date | None = None,
    end: date | None = None,
) -> PointPrices:
    """Give the weekly prices and volumes of the points that speak for a region."""
    return points_of_items(conn, region, (item,), start, end)[item]


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


def as_weekly(region: str, item: str, points: PointPrices) -> WeeklyPrices:
    """Give the region's weekly price from its points' prices and volumes."""
    return WeeklyPrices(
        region,
        item,
        points.source,
        points.weeks,
        weighted_mean(points.mean, points.volume),
        (~np.isnan(points.mean)).sum(axis=1).astype(np.int64),
        points.volume.sum(axis=1).astype(np.int64),
    )


def weekly_prices(
    conn: Connection,
    region: str,
    item: str,
    start: date | None = None,
    end: date | None = None,
) -> WeeklyPrices:
    """Give an item's weekly price in a region (a division code of any level)."""
    return as_weekly(region, item, point_prices(conn, region, item, start, end))
