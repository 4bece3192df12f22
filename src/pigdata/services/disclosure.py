"""Disclosure control of aggregates: who sees exact figures, and which cells are withheld.

A reader entitled to the records behind an aggregate (an admin; a government whose region
holds the whole region asked for) sees it exact. Anyone else (the public, a farm, a
government reading beyond its region) sees it under the rule of
`pigdata.domain.disclosure_rules`: a figure resting on too few contributors, or dominated
by its largest one, is given as null and named in the answer's `withheld` with the rule it
breaks. A figure worked out from a withheld one (a ratio, a zone, a total) is withheld too.
Among the parts of a region shown together, a single withheld part could be recovered as the
region's total less the others, so further parts are withheld until the withheld ones
together pass the rule (complementary suppression).

Every aggregate endpoint the public can read goes through the functions here; the cells'
contributors, totals and largest contributions come from the same grouped queries as the
figures (SQL `count`, `sum` and `max`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.domain.disclosure_rules import (
    COMPLEMENTARY,
    DERIVED,
    RULE,
    Cell,
    DisclosureRule,
    merge_all,
    sensitive,
)
from pigdata.domain.regions import NATION
from pigdata.services.regional import farm_reports
from pigdata.store import tables as t

K = TypeVar("K", bound=Hashable)
N = TypeVar("N", int, float)
Withheld = dict[str, str]  # figure name -> the rule it breaks
Cells = dict[str, Cell]

# The grouped queries give each cell its largest contribution only (SQL max).
if RULE.dominance_n != 1:  # pragma: no cover - a rule change must extend the queries first
    raise ValueError("disclosure: the queries give one largest contribution (dominance_n = 1)")

FIRST_MONTH, LAST_MONTH = "1900-01", "9999-12"


def exact_for(who: Principal, prefix: str) -> bool:
    """Tell whether a principal sees a region's aggregates exact (prefix '' is the nation)."""
    if who.role is Role.admin:
        return True
    if who.role is Role.government and who.scope:
        return prefix.startswith(who.region_prefix())
    return False


def view_key(who: Principal, region: str) -> str:
    """Give the part of a kept answer's key that tells exact from controlled answers of a
    region (a division code, or the nation's); the same test as `exact_for`."""
    if who.role is Role.admin:
        return "exact"
    if who.role is Role.government and who.scope and region != NATION:
        return "exact" if region.startswith(who.region_prefix()) else "controlled"
    return "controlled"


def cell(contributors: Any, total: Any, largest: Any) -> Cell:
    """Give a cell from a grouped query's count, sum and max (None as 0)."""
    return Cell(int(contributors or 0), float(total or 0), (float(largest or 0),))


def judge(cells: Mapping[str, Cell], rule: DisclosureRule = RULE) -> Withheld:
    """Give the figures of a row of cells that must be withheld, with their rule."""
    found: Withheld = {}
    for name, one in cells.items():
        broken = sensitive(one, rule)
        if broken is not None:
            found[name] = broken
    return found


def derive(withheld: Withheld, name: str, *inputs: str) -> None:
    """Withhold a figure worked out from others when any of them is withheld."""
    if name not in withheld and any(i in withheld for i in inputs):
        withheld[name] = DERIVED


def shown(value: N, name: str, withheld: Withheld) -> N | None:
    """Give a figure, or None when it is withheld."""
    return None if name in withheld else value


def protect_parts(whole: Cells, parts: Mapping[K, Cells], withheld: Mapping[K, Withheld]) -> None:
    """Withhold further parts so that no withheld part follows from the whole less the rest.

    For each figure whose whole is published, while the withheld parts together would break
    the rule, the shown part with the smallest total is withheld as well (`withheld` is
    updated in place).
    """
    for name, total in whole.items():
        if sensitive(total) is not None:
            continue  # the whole is withheld itself: nothing to subtract from
        while True:
            hidden = [k for k in parts if name in withheld[k] and name in parts[k]]
            if not hidden:
                break
            together = merge_all(parts[k][name] for k in hidden)
            if sensitive(together) is None:
                break
            open_parts = [
                k
                for k in parts
                if name not in withheld[k] and name in parts[k] and parts[k][name].contributors
            ]
            if not open_parts:
                break
            smallest = min(open_parts, key=lambda k: (parts[k][name].total, str(k)))
            withheld[smallest][name] = COMPLEMENTARY


def herd_cells(
    conn: Connection,
    prefix: str,
    first: str,
    last: str,
    part_len: int | None,
    measures: Mapping[str, sa.ColumnElement[Any]],
) -> dict[tuple[str, str], Cells]:
    """Give the cells of farms' herd reports by (part, month): reporting farms, sum and
    largest report of each measure (part is the first part_len digits of the premises code,
    of the township beyond a county, '' when not split)."""
    h, p = t.herd_reports, t.premises
    by_township = part_len is not None and part_len > 6
    source = p.c.township if by_township else h.c.premises
    part = sa.func.substr(source, 1, part_len) if part_len else sa.literal("")
    columns = [agg(e) for e in measures.values() for agg in (sa.func.sum, sa.func.max)]
    query = (
        sa.select(part, h.c.month, sa.func.count(), *columns)
        .select_from(h.join(p, p.c.code == h.c.premises) if by_township else h)
        .where(farm_reports(conn, prefix, first, last))
        .group_by(part, h.c.month)
    )
    found: dict[tuple[str, str], Cells] = {}
    for key, month, count, *values in conn.execute(query):
        found[(str(key), str(month))] = {
            name: cell(count, values[2 * i], values[2 * i + 1]) for i, name in enumerate(measures)
        }
    return found


def herd_measures(*names: str) -> dict[str, sa.ColumnElement[Any]]:
    """Give herd-report columns by name, as measures for `herd_cells`."""
    return {n: t.herd_reports.c[n] for n in names}


def group_cells(
    conn: Connection, contributions: sa.Subquery, keys: tuple[str, ...], value: str
) -> dict[tuple[Any, ...], Cell]:
    """Give a cell per key from a subquery with one row per (key, contributor) and its value."""
    key_columns = [contributions.c[k] for k in keys]
    query = sa.select(
        *key_columns,
        sa.func.count(),
        sa.func.sum(contributions.c[value]),
        sa.func.max(contributions.c[value]),
    ).group_by(*key_columns)
    return {tuple(row[: len(keys)]): cell(*row[len(keys) :]) for row in conn.execute(query)}
