"""Sums of a region's farms' herd reports by (part, month), read from the kept summaries.

Down to a county, the sums come from `herd_month_sums` (a few hundred rows per region and
period, kept by the projection) less the reports of the region's non-farm premises (few,
read from `herd_reports`), which gives exactly the aggregate of the farms' reports. A
township is not in the summary (its farms are known only through the premises table), so
township figures are summed from the reports themselves; a township is small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.services.regional import NON_FARM_TYPES, farm_reports, township_in
from pigdata.store import tables as t

Sums = dict[tuple[str, str], dict[str, int]]


@dataclass(frozen=True, slots=True)
class _Query:
    prefix: str
    first: str
    last: str
    part_len: int | None
    names: tuple[str, ...]


def _part(column: sa.ColumnElement[str], part_len: int | None) -> sa.ColumnElement[str]:
    return sa.func.substr(column, 1, part_len) if part_len else sa.literal("")


def _collect(conn: Connection, query: sa.Select[Any], names: tuple[str, ...]) -> Sums:
    found: Sums = {}
    for part, month, reporting, *values in conn.execute(query):
        counts = {"reporting": int(reporting)}
        counts.update((n, int(v or 0)) for n, v in zip(names, values, strict=True))
        found[(str(part), str(month))] = counts
    return found


def _report_sums(
    conn: Connection,
    part: sa.ColumnElement[str],
    joined: bool,
    where: sa.ColumnElement[bool],
    names: tuple[str, ...],
) -> Sums:
    h, p = t.herd_reports, t.premises
    query = (
        sa.select(part, h.c.month, sa.func.count(), *(sa.func.sum(h.c[n]) for n in names))
        .select_from(h.join(p, p.c.code == h.c.premises) if joined else h)
        .where(where)
        .group_by(part, h.c.month)
    )
    return _collect(conn, query, names)


def _from_reports(conn: Connection, q: _Query) -> Sums:
    h, p = t.herd_reports, t.premises
    by_township = q.part_len is not None and q.part_len > 6
    part = _part(p.c.township if by_township else h.c.premises, q.part_len)
    where = farm_reports(conn, q.prefix, q.first, q.last)
    return _report_sums(conn, part, by_township, where, q.names)


def _non_farm(conn: Connection, q: _Query) -> Sums:
    # The reports the summary holds but the farms' figures leave out: the same premises
    # farm_reports excludes (non-farm premises of the region's townships).
    h, p = t.herd_reports, t.premises
    where = sa.and_(
        p.c.premises_type.in_(NON_FARM_TYPES),
        township_in(p.c.township, q.prefix),
        township_in(h.c.premises, q.prefix),
        h.c.month >= q.first,
        h.c.month <= q.last,
    )
    return _report_sums(conn, _part(h.c.premises, q.part_len), True, where, q.names)


def farm_sums(
    conn: Connection,
    prefix: str,
    first: str,
    last: str,
    part_len: int | None,
    names: tuple[str, ...],
) -> Sums:
    """Give the number of farm reports ('reporting') and the sums of the named counts by
    (part, month), months first to last; part is the code's first part_len digits ('' when
    not split). Pairs without a farm report are left out."""
    if len(prefix) > 6 or (part_len is not None and part_len > 6):
        return _from_reports(conn, _Query(prefix, first, last, part_len, names))
    s = t.herd_month_sums
    part = _part(s.c.county, part_len)
    query = (
        sa.select(part, s.c.month, sa.func.sum(s.c.reports), *(sa.func.sum(s.c[n]) for n in names))
        .where(township_in(s.c.county, prefix), s.c.month >= first, s.c.month <= last)
        .group_by(part, s.c.month)
    )
    sums = _collect(conn, query, names)
    taken_out = _non_farm(conn, _Query(prefix, first, last, part_len, names))
    for key, taken in taken_out.items():
        counts = sums[key]
        for name, value in taken.items():
            counts[name] -= value
        if counts["reporting"] == 0:
            del sums[key]
    return sums
