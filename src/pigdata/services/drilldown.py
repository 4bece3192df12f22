"""Public aggregates of a region for drilling down: its parts and its months.

A region is a division code of any level, or `NATION` for the whole country. Only sums and
counts leave this module: no premises is named, so anyone may see them (as the overview).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import region_prefix
from pigdata.domain import regions
from pigdata.store import tables as t

NATION = regions.NATION
# Prefecture-level rows that stand for no prefecture (docs/regions.md): a drill-down goes
# through them straight to their counties.
PSEUDO_PREFECTURES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
STOCK = ("breeding_sows", "replacement_gilts", "boars", "piglets", "finishers")


@dataclass(frozen=True, slots=True)
class Area:
    """One part of a region with its farms, their sow capacity and the latest month's herd."""

    code: str
    name: str
    level: str
    farms: int
    capacity_sows: int
    reporting_farms: int
    breeding_sows: int
    inventory: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A region's parts; `month` is the latest month any farm in the region reported."""

    region: str
    name: str
    level: str
    month: str | None
    areas: list[Area]


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """A month of a region: herd sums of the farms that reported, and head slaughtered."""

    month: str
    reporting_farms: int
    breeding_sows: int
    inventory: int
    sold_for_slaughter: int
    slaughtered: int


def _describe(region: str) -> tuple[str, str, str]:
    """Give the name, level and code prefix of a region (the nation has the empty prefix)."""
    if region == NATION:
        return "中华人民共和国", "nation", ""
    division = regions.require(region)
    return regions.full_name(region), division.level.value, region_prefix(region)


def drill_children(region: str) -> list[regions.Division]:
    """Give the parts a drill-down shows: the children, with pseudo-prefectures opened up."""
    if region == NATION:
        return regions.divisions(regions.Level.PROVINCE)
    found: list[regions.Division] = []
    for child in regions.children(region):
        if child.level is regions.Level.PREFECTURE and child.name in PSEUDO_PREFECTURES:
            found.extend(regions.children(child.code))
        else:
            found.append(child)
    return found


def _farms_in(prefix: str) -> sa.ColumnElement[bool]:
    p = t.premises
    return sa.and_(p.c.premises_type == "farm", p.c.township.startswith(prefix))


def latest_month(conn: Connection, prefix: str) -> str | None:
    """Give the latest month a farm inside the prefix reported its herd."""
    h, p = t.herd_reports, t.premises
    query = sa.select(sa.func.max(h.c.month)).join(p, p.c.code == h.c.premises)
    return conn.execute(query.where(_farms_in(prefix))).scalar()


def _bucket_sums(
    conn: Connection, prefix: str, width: int, month: str | None
) -> dict[str, list[int]]:
    """Give, per township-code prefix of `width`, [farms, capacity, reporting, sows, stock]."""
    p, h = t.premises, t.herd_reports
    bucket = sa.func.substr(p.c.township, 1, width)
    sums: dict[str, list[int]] = {}
    farms = sa.select(bucket, sa.func.count(), sa.func.sum(p.c.capacity_sows))
    for key, count, capacity in conn.execute(farms.where(_farms_in(prefix)).group_by(bucket)):
        sums[key] = [int(count), int(capacity or 0), 0, 0, 0]
    if month is None:
        return sums
    herd = (
        sa.select(bucket, sa.func.count(), sa.func.sum(h.c.breeding_sows))
        .add_columns(sa.func.sum(sum((h.c[n] for n in STOCK[1:]), h.c[STOCK[0]])))
        .join(p, p.c.code == h.c.premises)
        .where(_farms_in(prefix), h.c.month == month)
        .group_by(bucket)
    )
    for key, reporting, sows, stock in conn.execute(herd):
        sums.setdefault(key, [0, 0, 0, 0, 0])[2:] = [int(reporting), int(sows), int(stock)]
    return sums


def region_breakdown(conn: Connection, region: str) -> Breakdown:
    """Give each part of a region with its farms and the region's latest month's herd."""
    name, level, prefix = _describe(region)
    parts = drill_children(region)
    month = latest_month(conn, prefix)
    prefixes = {region_prefix(d.code): d for d in parts}
    width = max((len(k) for k in prefixes), default=len(prefix))
    totals = {d.code: [0, 0, 0, 0, 0] for d in parts}
    lengths = sorted({len(k) for k in prefixes})
    for key, sums in _bucket_sums(conn, prefix, width, month).items():
        part = next((prefixes[key[:n]] for n in lengths if key[:n] in prefixes), None)
        if part is not None:  # a premises of an unknown township belongs to no part
            totals[part.code] = [a + b for a, b in zip(totals[part.code], sums, strict=True)]
    areas = [Area(d.code, d.name, d.level.value, *totals[d.code]) for d in parts]
    return Breakdown(region, name, level, month, areas)


def _month_of(column: sa.ColumnElement[object]) -> sa.ColumnElement[str]:
    # Dates are ISO text on SQLite and DATE on PostgreSQL; both cast to 'YYYY-MM-DD'.
    return sa.func.substr(sa.cast(column, sa.String), 1, 7)


def region_history(conn: Connection, region: str) -> list[MonthFigures]:
    """Give a region's herd and slaughter month by month, oldest first."""
    _, _, prefix = _describe(region)
    h, p, s = t.herd_reports, t.premises, t.slaughters
    herd = (
        sa.select(h.c.month, sa.func.count(), sa.func.sum(h.c.breeding_sows))
        .add_columns(sa.func.sum(sum((h.c[n] for n in STOCK[1:]), h.c[STOCK[0]])))
        .add_columns(sa.func.sum(h.c.sold_for_slaughter))
        .join(p, p.c.code == h.c.premises)
        .where(_farms_in(prefix))
        .group_by(h.c.month)
    )
    rows = {m: [int(v or 0) for v in rest] for m, *rest in conn.execute(herd)}
    month = _month_of(s.c.date)
    killed = (
        sa.select(month, sa.func.sum(s.c.head_count))
        .join(p, p.c.code == s.c.slaughterhouse)
        .where(p.c.township.startswith(prefix))
        .group_by(month)
    )
    slaughtered = {str(m): int(n or 0) for m, n in conn.execute(killed)}
    months = []
    for m in sorted(rows.keys() | slaughtered.keys()):
        reporting, sows, stock, sold = rows.get(m, [0, 0, 0, 0])
        months.append(MonthFigures(m, reporting, sows, stock, sold, slaughtered.get(m, 0)))
    return months
