"""Public aggregates of a region for drilling down: its parts and its months.

A region is a division code of any level, or `NATION` for the whole country. Only sums and
counts leave this module: no premises is named, so anyone may see them (as the overview),
under disclosure control for a reader not entitled to the region's records
(`pigdata.services.disclosure`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, region_prefix
from pigdata.domain import regions
from pigdata.domain.disclosure_rules import Cell, merge_all
from pigdata.services import disclosure
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
    capacity_sows: int | None  # None: withheld
    reporting_farms: int
    breeding_sows: int | None
    inventory: int | None
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks


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
    breeding_sows: int | None  # None: withheld
    inventory: int | None
    sold_for_slaughter: int | None
    slaughtered: int | None
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks


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


def _stock() -> sa.ColumnElement[Any]:
    h = t.herd_reports
    return sum((h.c[n] for n in STOCK[1:]), h.c[STOCK[0]])


def _bucket_cells(
    conn: Connection, prefix: str, width: int, month: str | None
) -> dict[str, disclosure.Cells]:
    """Give, per township-code prefix of `width`, the cells of sow places and the herd."""
    p = t.premises
    bucket = sa.func.substr(p.c.township, 1, width)
    places = (
        sa.select(bucket, sa.func.count(), sa.func.sum(p.c.capacity_sows))
        .add_columns(sa.func.max(p.c.capacity_sows))
        .where(_farms_in(prefix))
        .group_by(bucket)
    )
    found = {
        str(key): {"capacity_sows": disclosure.cell(n, total, top)}
        for key, n, total, top in conn.execute(places)
    }
    if month is None:
        return found
    measures = {"breeding_sows": t.herd_reports.c.breeding_sows, "inventory": _stock()}
    for (key, _), cells in disclosure.herd_cells(
        conn, prefix, month, month, width, measures
    ).items():
        found.setdefault(key, {}).update(cells)
    return found


def _area_cells(
    conn: Connection, prefix: str, parts: list[regions.Division], month: str | None
) -> dict[str, disclosure.Cells]:
    """Give each part's cells, merged from the buckets inside it."""
    prefixes = {region_prefix(d.code): d for d in parts}
    width = max((len(k) for k in prefixes), default=len(prefix))
    lengths = sorted({len(k) for k in prefixes})
    gathered: dict[str, dict[str, list[Cell]]] = {d.code: {} for d in parts}
    for key, cells in _bucket_cells(conn, prefix, width, month).items():
        part = next((prefixes[key[:n]] for n in lengths if key[:n] in prefixes), None)
        if part is not None:
            for name, one in cells.items():
                gathered[part.code].setdefault(name, []).append(one)
    return {
        code: {name: merge_all(cells) for name, cells in by_name.items()}
        for code, by_name in gathered.items()
    }


def _controlled_areas(
    conn: Connection, prefix: str, parts: list[regions.Division], month: str | None
) -> dict[str, disclosure.Withheld]:
    """Give what each part withholds from a reader not entitled to the region's records."""
    cells = _area_cells(conn, prefix, parts, month)
    withheld = {code: disclosure.judge(row) for code, row in cells.items()}
    whole = {
        name: merge_all(row[name] for row in cells.values() if name in row)
        for name in ("capacity_sows", "breeding_sows", "inventory")
    }
    disclosure.protect_parts(whole, cells, withheld)
    return withheld


def _area(d: regions.Division, sums: list[int], withheld: disclosure.Withheld) -> Area:
    farms, capacity, reporting, sows, stock = sums
    return Area(
        d.code,
        d.name,
        d.level.value,
        farms,
        disclosure.shown(capacity, "capacity_sows", withheld),
        reporting,
        disclosure.shown(sows, "breeding_sows", withheld),
        disclosure.shown(stock, "inventory", withheld),
        dict(sorted(withheld.items())),
    )


def region_breakdown(conn: Connection, who: Principal, region: str) -> Breakdown:
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
    withheld: dict[str, disclosure.Withheld] = {}
    if not disclosure.exact_for(who, prefix):
        withheld = _controlled_areas(conn, prefix, parts, month)
    areas = [_area(d, totals[d.code], withheld.get(d.code, {})) for d in parts]
    return Breakdown(region, name, level, month, areas)


def _month_of(column: sa.ColumnElement[object]) -> sa.ColumnElement[str]:
    # Dates are ISO text on SQLite and DATE on PostgreSQL; both cast to 'YYYY-MM-DD'.
    return sa.func.substr(sa.cast(column, sa.String), 1, 7)


def _slaughter_cells(conn: Connection, prefix: str) -> dict[str, Cell]:
    """Give the cells of head slaughtered by month: slaughterhouses, head, the largest one's."""
    p, s = t.premises, t.slaughters
    month = _month_of(s.c.date).label("month")
    by_house = (
        sa.select(month, s.c.slaughterhouse, sa.func.sum(s.c.head_count).label("head"))
        .join(p, p.c.code == s.c.slaughterhouse)
        .where(p.c.township.startswith(prefix))
        .group_by(month, s.c.slaughterhouse)
        .subquery()
    )
    cells = disclosure.group_cells(conn, by_house, ("month",), "head")
    return {str(key[0]): one for key, one in cells.items()}


def _controlled_months(conn: Connection, prefix: str) -> dict[str, disclosure.Withheld]:
    """Give what each month withholds from a reader not entitled to the region's records."""
    measures = {
        **disclosure.herd_measures("breeding_sows", "sold_for_slaughter"),
        "inventory": _stock(),
    }
    cells = disclosure.herd_cells(
        conn, prefix, disclosure.FIRST_MONTH, disclosure.LAST_MONTH, None, measures
    )
    withheld = {m: disclosure.judge(row) for (_, m), row in cells.items()}
    for m, one in _slaughter_cells(conn, prefix).items():
        withheld.setdefault(m, {}).update(disclosure.judge({"slaughtered": one}))
    return withheld


def region_history(conn: Connection, who: Principal, region: str) -> list[MonthFigures]:
    """Give a region's herd and slaughter month by month, oldest first."""
    _, _, prefix = _describe(region)
    h, p, s = t.herd_reports, t.premises, t.slaughters
    herd = (
        sa.select(h.c.month, sa.func.count(), sa.func.sum(h.c.breeding_sows))
        .add_columns(sa.func.sum(_stock()))
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
    withheld: dict[str, disclosure.Withheld] = {}
    if not disclosure.exact_for(who, prefix):
        withheld = _controlled_months(conn, prefix)
    months = []
    for m in sorted(rows.keys() | slaughtered.keys()):
        reporting, sows, stock, sold = rows.get(m, [0, 0, 0, 0])
        hidden = withheld.get(m, {})
        months.append(
            MonthFigures(
                m,
                reporting,
                disclosure.shown(sows, "breeding_sows", hidden),
                disclosure.shown(stock, "inventory", hidden),
                disclosure.shown(sold, "sold_for_slaughter", hidden),
                disclosure.shown(slaughtered.get(m, 0), "slaughtered", hidden),
                dict(sorted(hidden.items())),
            )
        )
    return months
