"""price_county_weeks: the collection points' weekly price sums by county, kept by the
price-quote and trade projections

Revision ID: 0009_price_weeks
Revises: 0008_svcperf
Create Date: 2026-12-04 19:50:00.000000
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_price_weeks"
down_revision = "0008_svcperf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_county_weeks",
        sa.Column("item", sa.String(length=20), nullable=False),
        sa.Column("county", sa.String(length=6), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("plain", sa.Float(), nullable=False),
        sa.Column("head", sa.BigInteger(), nullable=False),
        sa.Column("weighted", sa.Float(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("pair_weight", sa.BigInteger(), nullable=False),
        sa.Column("pair_now", sa.Float(), nullable=False),
        sa.Column("pair_then", sa.Float(), nullable=False),
        sa.Column("pair_plain_now", sa.Float(), nullable=False),
        sa.Column("pair_plain_then", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("item", "county", "week", name=op.f("pk_price_county_weeks")),
    )
    # Stores made before this revision: the sums of the quotes and trades already projected.
    _fill(op.get_bind())


def downgrade() -> None:
    op.drop_table("price_county_weeks")


# The sums as `pigdata.projections.price_weeks` worked them out when this revision was
# written, kept here so that a later change to the projection code cannot change what this
# revision puts in a store (the audit then holds the rows to the projection of that day).
# A point's weekly price is the mean of its quotes that week (yuan/kg), its weight the head it
# traded that week; `math.fsum` makes the sums exact whatever the order of the rows.
PER_KG = {"yuan/kg": 1.0, "yuan/tonne": 0.001}
POINT_CODE_LENGTH = 10  # a collection point is a premises; its county is the code's first 6
WEEK = timedelta(days=7)
WEEKS_PER_PASS = 8  # weeks worked out per pass, to bound memory

_quotes = sa.table(
    "price_quotes",
    sa.column("item", sa.String),
    sa.column("location", sa.String),
    sa.column("date", sa.Date),
    sa.column("price", sa.Float),
    sa.column("unit", sa.String),
)
_trades = sa.table(
    "trades",
    sa.column("market", sa.String),
    sa.column("date", sa.Date),
    sa.column("head_count", sa.Integer),
)
_weeks = sa.table(
    "price_county_weeks",
    sa.column("item", sa.String),
    sa.column("county", sa.String),
    sa.column("week", sa.Date),
    *(sa.column(name, sa.Integer) for name in ("points", "head", "pairs", "pair_weight")),
    *(sa.column(name, sa.Float) for name in ("plain", "weighted", "pair_now", "pair_then")),
    *(sa.column(name, sa.Float) for name in ("pair_plain_now", "pair_plain_then")),
)

PointWeeks = dict[tuple[str, date], dict[str, tuple[float, int]]]  # (item, week) → point → …


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _week_ending(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def _fill(conn: sa.Connection) -> None:
    span = conn.execute(sa.select(sa.func.min(_quotes.c.date), sa.func.max(_quotes.c.date))).one()
    if span[0] is None:
        return
    week, last = _week_ending(_day(span[0])), _week_ending(_day(span[1]))
    while week <= last:
        until = week + (WEEKS_PER_PASS - 1) * WEEK
        found = _point_weeks(conn, week - WEEK - timedelta(days=6), until)
        rows = [
            row
            for (item, day), points in sorted(found.items())
            if week <= day <= until
            for row in _county_rows(item, day, points, found.get((item, day - WEEK), {}))
        ]
        if rows:
            conn.execute(_weeks.insert(), rows)
        week = until + WEEK


def _point_weeks(conn: sa.Connection, first: date, last: date) -> PointWeeks:
    """Give every point's mean price and head traded in each week of first … last."""
    head: dict[tuple[str, date], int] = defaultdict(int)
    for market, day, count in conn.execute(
        sa.select(_trades.c.market, _trades.c.date, _trades.c.head_count).where(
            _trades.c.date.between(first, last)
        )
    ):
        if len(market) == POINT_CODE_LENGTH:
            head[(market, _week_ending(_day(day)))] += int(count)
    prices: dict[tuple[str, date, str], list[float]] = defaultdict(list)
    for item, location, day, price, unit in conn.execute(
        sa.select(
            _quotes.c.item, _quotes.c.location, _quotes.c.date, _quotes.c.price, _quotes.c.unit
        ).where(_quotes.c.date.between(first, last), _quotes.c.unit.in_(tuple(PER_KG)))
    ):
        if len(location) == POINT_CODE_LENGTH:
            prices[(item, _week_ending(_day(day)), location)].append(float(price) * PER_KG[unit])
    out: PointWeeks = defaultdict(dict)
    for (item, week, location), said in prices.items():
        out[(item, week)][location] = (math.fsum(said) / len(said), head.get((location, week), 0))
    return out


def _county_rows(
    item: str, week: date, now: dict[str, tuple[float, int]], then: dict[str, tuple[float, int]]
) -> list[dict[str, Any]]:
    """Give one week's row for each county quoted in it."""
    counties = sorted({point[:6] for point in now})
    return [
        {
            "item": item,
            "county": county,
            "week": week,
            **_sums(
                {p: w for p, w in now.items() if p[:6] == county},
                {p: w for p, w in then.items() if p[:6] == county},
            ),
        }
        for county in counties
    ]


def _sums(now: dict[str, tuple[float, int]], then: dict[str, tuple[float, int]]) -> dict[str, Any]:
    """The sums over the points quoted this week, and over those also quoted the week before."""
    shared = sorted(now.keys() & then.keys())
    weight = {p: now[p][1] + then[p][1] for p in shared}
    return {
        "points": len(now),
        "plain": math.fsum(mean for mean, _ in now.values()),
        "head": sum(head for _, head in now.values()),
        "weighted": math.fsum(mean * head for mean, head in now.values()),
        "pairs": len(shared),
        "pair_weight": sum(weight.values()),
        "pair_now": math.fsum(weight[p] * now[p][0] for p in shared),
        "pair_then": math.fsum(weight[p] * then[p][0] for p in shared),
        "pair_plain_now": math.fsum(now[p][0] for p in shared),
        "pair_plain_then": math.fsum(then[p][0] for p in shared),
    }
