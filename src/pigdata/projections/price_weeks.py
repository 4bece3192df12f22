"""Keeping `price_county_weeks` (the collection points' weekly price sums by county) with
`price_quotes` and `trades`.

A point's weekly price is the mean of its quotes that week and its weight the head it traded
that week (docs/market.md), so a new quote or trade changes its point's mean or weight, not
just a sum. Each batch therefore works the affected county-weeks out again from the quotes
and trades themselves (the weeks it touched, and the week after each, whose link looks back
to it) and replaces their rows. The sums are taken with `math.fsum`, exact whatever the order
of the quotes, so ingest in any batches and `pigdata rebuild` give the very same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.domain.records import PriceItem
from pigdata.store import tables as t

PER_KG = {"yuan/kg": 1.0, "yuan/tonne": 0.001}
PREMISES_CODE_LENGTH = 10
WEEK = timedelta(days=7)
_KEYS_PER_STATEMENT = 300
_WEEKS_PER_PASS = 8  # filling a whole store: weeks worked out per pass, to bound memory

Key = tuple[str, str, date]  # item, county, week (its Sunday)


def week_ending(day: date) -> date:
    """Give the Sunday that ends a day's week."""
    return day + timedelta(days=6 - day.weekday())


@dataclass(frozen=True, slots=True)
class PointWeek:
    """A point's mean price (yuan/kg) and head traded in one week."""

    mean: float
    head: int


@dataclass(frozen=True, slots=True)
class WeekSums:
    """The sums over a set of points in one week, and over those of them also quoted in the
    week the link looks back to."""

    points: int
    plain: float
    head: int
    weighted: float
    pairs: int
    pair_weight: int
    pair_now: float
    pair_then: float
    pair_plain_now: float
    pair_plain_then: float

    def price(self) -> float:
        """Volume-weighted mean price; equal weights when no point traded."""
        return self.weighted / self.head if self.head > 0 else self.plain / self.points

    def link(self) -> float:
        """The chain link to the week looked back to (NaN when no point is in both)."""
        if self.pairs == 0:
            return math.nan
        if self.pair_weight > 0:
            return self.pair_now / self.pair_then
        return self.pair_plain_now / self.pair_plain_then


def week_sums(now: dict[str, PointWeek], then: dict[str, PointWeek]) -> WeekSums:
    """Give the sums of the points quoted this week (`now`, by location) and of their pairs
    with the points quoted in the week looked back to (`then`)."""
    shared = sorted(now.keys() & then.keys())
    weight = {p: now[p].head + then[p].head for p in shared}
    return WeekSums(
        points=len(now),
        plain=math.fsum(p.mean for p in now.values()),
        head=sum(p.head for p in now.values()),
        weighted=math.fsum(p.mean * p.head for p in now.values()),
        pairs=len(shared),
        pair_weight=sum(weight.values()),
        pair_now=math.fsum(weight[p] * now[p].mean for p in shared),
        pair_then=math.fsum(weight[p] * then[p].mean for p in shared),
        pair_plain_now=math.fsum(now[p].mean for p in shared),
        pair_plain_then=math.fsum(then[p].mean for p in shared),
    )


def point_weeks(
    quotes: Iterable[tuple[str, str, date, float, str]], head: dict[tuple[str, date], int]
) -> dict[tuple[str, date], dict[str, PointWeek]]:
    """Give (item, week) → location → the point's week, from quotes (item, location, day,
    price, unit) and the head traded per (location, week)."""
    prices: dict[tuple[str, date, str], list[float]] = {}
    for item, location, day, price, unit in quotes:
        prices.setdefault((item, week_ending(day), location), []).append(price * PER_KG[unit])
    out: dict[tuple[str, date], dict[str, PointWeek]] = {}
    for (item, week, location), said in prices.items():
        mean = math.fsum(said) / len(said)
        out.setdefault((item, week), {})[location] = PointWeek(mean, head.get((location, week), 0))
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _is_point_in(counties: set[str], location: str) -> bool:
    return len(location) == PREMISES_CODE_LENGTH and location[:6] in counties


def _read(conn: Connection, keys: set[Key]) -> dict[tuple[str, date], dict[str, PointWeek]]:
    """Give the point weeks of the keys' counties, in the keys' weeks and the weeks before."""
    q, tr = t.price_quotes, t.trades
    first = min(k[2] for k in keys) - 2 * WEEK + timedelta(days=1)  # Monday of the week before
    last = max(k[2] for k in keys)
    counties = {k[1] for k in keys}
    items = sorted({k[0] for k in keys})
    # The date indexes of both tables serve these; the counties are picked out here.
    quotes = conn.execute(
        sa.select(q.c.item, q.c.location, q.c.date, q.c.price, q.c.unit).where(
            q.c.item.in_(items), q.c.date.between(first, last), q.c.unit.in_(tuple(PER_KG))
        )
    ).all()
    head: dict[tuple[str, date], int] = {}
    for market, day, count in conn.execute(
        sa.select(tr.c.market, tr.c.date, tr.c.head_count).where(tr.c.date.between(first, last))
    ):
        if _is_point_in(counties, market):
            key = (market, week_ending(_day(day)))
            head[key] = head.get(key, 0) + int(count)
    return point_weeks(
        (
            (row.item, row.location, _day(row.date), float(row.price), row.unit)
            for row in quotes
            if _is_point_in(counties, row.location)
        ),
        head,
    )


def refresh(conn: Connection, keys: set[Key], cleared: bool = False) -> None:
    """Work the rows of these county-weeks out again from the quotes and trades (`cleared`:
    the rows are known to be gone already)."""
    if not keys:
        return
    found = _read(conn, keys)
    rows = []
    for item, county, week in sorted(keys):
        now = {p: w for p, w in found.get((item, week), {}).items() if p[:6] == county}
        if not now:
            continue
        then = {p: w for p, w in found.get((item, week - WEEK), {}).items() if p[:6] == county}
        sums = week_sums(now, then)
        rows.append({"item": item, "county": county, "week": week, **_columns(sums)})
    if not cleared:
        _delete(conn, keys)
    if rows:
        conn.execute(t.price_county_weeks.insert(), rows)


def _delete(conn: Connection, keys: set[Key]) -> None:
    # One statement per item and county: each reads the primary key (a list of row values
    # does not on PostgreSQL, which then scans the table once per statement).
    c = t.price_county_weeks
    weeks: dict[tuple[str, str], list[date]] = {}
    for item, county, week in sorted(keys):
        weeks.setdefault((item, county), []).append(week)
    for (item, county), chosen in weeks.items():
        for start in range(0, len(chosen), _KEYS_PER_STATEMENT):
            conn.execute(
                c.delete().where(
                    c.c.item == item,
                    c.c.county == county,
                    c.c.week.in_(chosen[start : start + _KEYS_PER_STATEMENT]),
                )
            )


def _columns(sums: WeekSums) -> dict[str, Any]:
    return {name: getattr(sums, name) for name in WeekSums.__slots__}


def _touched(county: str, week: date, items: Iterable[str]) -> set[Key]:
    # A week's rows, and the next week's, whose link looks back to this one.
    return {(item, county, w) for item in items for w in (week, week + WEEK)}


def quote_keys(rows: Iterable[Mapping[Any, Any]]) -> set[Key]:
    """Give the county-weeks that price-quote rows (as projected) touch."""
    keys: set[Key] = set()
    for row in rows:
        location = row["location"]
        if len(location) == PREMISES_CODE_LENGTH and row["unit"] in PER_KG:
            keys |= _touched(location[:6], week_ending(_day(row["date"])), (row["item"],))
    return keys


def trade_keys(rows: Iterable[Mapping[Any, Any]]) -> set[Key]:
    """Give the county-weeks that trade rows touch: every item's, since the head traded
    weighs the point's price of each."""
    keys: set[Key] = set()
    items = [item.value for item in PriceItem]
    for row in rows:
        market = row["market"]
        if len(market) == PREMISES_CODE_LENGTH:
            keys |= _touched(market[:6], week_ending(_day(row["date"])), items)
    return keys


def keys_of_entry(conn: Connection, seq: int) -> set[Key]:
    """Give the county-weeks an entry's quote or trade rows touch (before they are removed)."""
    q, tr = t.price_quotes, t.trades
    quotes = conn.execute(
        sa.select(q.c.location, q.c.date, q.c.item, q.c.unit).where(q.c.entry_seq == seq)
    ).mappings()
    trades = conn.execute(sa.select(tr.c.market, tr.c.date).where(tr.c.entry_seq == seq)).mappings()
    return quote_keys(quotes) | trade_keys(trades)


def refresh_all(conn: Connection) -> None:
    """Work out every county-week from the quotes and trades (for a store whose quotes were
    loaded before this table was kept, or straight into the table)."""
    q = t.price_quotes
    c = t.price_county_weeks
    conn.execute(c.delete())
    span = conn.execute(sa.select(sa.func.min(q.c.date), sa.func.max(q.c.date))).one()
    if span[0] is None:
        return
    week, last = week_ending(_day(span[0])), week_ending(_day(span[1]))
    while week <= last:
        until = week + (_WEEKS_PER_PASS - 1) * WEEK
        rows = conn.execute(
            sa.select(q.c.location, q.c.date, q.c.item, q.c.unit)
            .where(q.c.date.between(week - timedelta(days=6), until))
            .distinct()
        ).mappings()
        # Only this pass's weeks: the next pass works its own first week out.
        keys = {k for k in quote_keys(rows) if week <= k[2] <= until}
        refresh(conn, keys, cleared=True)
        week = until + WEEK
