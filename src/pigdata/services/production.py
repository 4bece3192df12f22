"""Production statistics: a region's herd inventory and flows by month, from herd reports.

Every figure is the sum over the farms that reported for the month; beside it stands the
completeness: the share of the farms registered (open) in the region during the month that
reported. A missing report is not guessed: a month with half the farms reporting shows half
the herd and a completeness of 50 %. A reader not entitled to the region's records gets
the figures under disclosure control (`pigdata.services.disclosure`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal
from pigdata.domain import regions
from pigdata.services import disclosure
from pigdata.services.herd_totals import Sums, farm_sums
from pigdata.services.regional import (
    InvalidQuery,
    Region,
    month_bounds,
    month_range,
    parse_month,
    registered_on,
    resolve,
    township_in,
)
from pigdata.store import tables as t

INVENTORY = ("breeding_sows", "replacement_gilts", "boars", "piglets", "finishers")
FLOWS = ("farrowings", "born_alive", "weaned", "deaths", "sold_for_slaughter", "moved_in",
         "moved_out")  # fmt: skip
MAX_MONTHS = 120


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One region's herd in one month."""

    month: str
    registered_farms: int
    reporting_farms: int
    completeness_pct: float | None  # None when no farm was registered
    inventory: dict[str, int | None] = field(default_factory=dict)  # None: withheld
    flows: dict[str, int | None] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks

    @property
    def total_inventory(self) -> int | None:
        """Give all pigs on hand at the end of the month (None when a part is withheld)."""
        values = list(self.inventory.values())
        return None if None in values else sum(v for v in values if v is not None)


@dataclass(frozen=True, slots=True)
class RegionProduction:
    """A region's monthly figures (and, when asked, those of each division inside it)."""

    region: str
    region_name: str
    months: list[MonthFigures]
    parts: dict[str, list[MonthFigures]] = field(default_factory=dict)
    part_names: dict[str, str] = field(default_factory=dict)


def _check_period(first: str, last: str) -> list[str]:
    parse_month(first, "from")
    parse_month(last, "to")
    months = month_range(first, last)
    if not months or len(months) > MAX_MONTHS:
        raise InvalidQuery(
            f"from/to: 期间须为 1 至 {MAX_MONTHS} 个月 / from/to: the period must span 1 to "
            f"{MAX_MONTHS} months"
        )
    return months


def _reported(conn: Connection, prefix: str, first: str, last: str, part_len: int | None) -> Sums:
    """Give the farms reporting and the sums of their reports by (part, month)."""
    return farm_sums(conn, prefix, first, last, part_len, (*INVENTORY, *FLOWS))


def registered_farms(
    conn: Connection, prefix: str, months: list[str], part_len: int | None
) -> dict[tuple[str, str], int]:
    """Give the farms registered in each (part, month), in one pass over the region's farms."""
    p = t.premises
    part = sa.func.substr(p.c.township, 1, part_len) if part_len else sa.literal("")
    columns = [sa.func.sum(sa.case((registered_on(*month_bounds(m)), 1), else_=0)) for m in months]
    query = (
        sa.select(part.label("part"), *columns)
        .where(p.c.premises_type == "farm", township_in(p.c.township, prefix))
        .group_by(part)
    )
    counts: dict[tuple[str, str], int] = {}
    for key, *values in conn.execute(query):
        for month, value in zip(months, values, strict=True):
            counts[(str(key), month)] = int(value or 0)
    return counts


def _figures(
    month: str,
    registered: int,
    sums: dict[str, int] | None,
    withheld: disclosure.Withheld | None = None,
) -> MonthFigures:
    counts = sums or {}
    reporting = counts.get("reporting", 0)
    hidden = withheld or {}

    def value(name: str) -> int | None:
        return disclosure.shown(counts.get(name, 0), name, hidden)

    share = round(100.0 * reporting / registered, 1) if registered else None
    return MonthFigures(
        month=month,
        registered_farms=registered,
        reporting_farms=reporting,
        completeness_pct=share,
        inventory={n: value(n) for n in INVENTORY},
        flows={n: value(n) for n in FLOWS},
        withheld=dict(sorted(hidden.items())),
    )


Controlled = dict[tuple[str, str], disclosure.Withheld]


def _control(
    conn: Connection, prefix: str, first: str, last: str, part_len: int | None
) -> tuple[dict[tuple[str, str], disclosure.Cells], Controlled]:
    """Give the cells of a reader not entitled to the records, and what they withhold."""
    cells = disclosure.herd_cells(
        conn, prefix, first, last, part_len, disclosure.herd_measures(*INVENTORY, *FLOWS)
    )
    return cells, {key: disclosure.judge(row) for key, row in cells.items()}


def _part_length(region: Region) -> int:
    if not region.prefix:
        return 2
    level = regions.require(region.code).level
    if level is regions.Level.TOWNSHIP:
        raise InvalidQuery("by: 乡镇以下没有更细的区划 / by: a township has no divisions inside it")
    return {2: 4, 4: 6, 6: 9}[len(region.prefix)]


def production_statistics(
    conn: Connection,
    who: Principal,
    region: str,
    first: str,
    last: str,
    by_part: bool = False,
) -> RegionProduction:
    """Give a region's inventory and flows for each month from first to last (YYYY-MM).

    With ``by_part`` the figures of each division one level down (provinces of the nation,
    prefectures of a province, counties of a prefecture, townships of a county) come too.
    A reader not entitled to the region's records gets them under disclosure control.
    """
    place = resolve(region)
    months = _check_period(first, last)
    part_len = _part_length(place) if by_part else None
    exact = disclosure.exact_for(who, place.prefix)
    reported = _reported(conn, place.prefix, first, last, None)
    registered = registered_farms(conn, place.prefix, months, None)
    whole: dict[tuple[str, str], disclosure.Cells] = {}
    hidden: Controlled = {}
    if not exact:
        whole, hidden = _control(conn, place.prefix, first, last, None)
    figures = [
        _figures(m, registered.get(("", m), 0), reported.get(("", m)), hidden.get(("", m)))
        for m in months
    ]
    result = RegionProduction(place.code, place.name, figures)
    if part_len is None:
        return result
    part_reports = _reported(conn, place.prefix, first, last, part_len)
    part_registered = registered_farms(conn, place.prefix, months, part_len)
    codes = sorted({key for key, _ in part_registered} | {key for key, _ in part_reports})
    part_hidden: Controlled = {}
    if not exact:
        part_cells, part_hidden = _control(conn, place.prefix, first, last, part_len)
        for m in months:
            keys = [(c, m) for c in codes if (c, m) in part_cells]
            disclosure.protect_parts(
                whole.get(("", m), {}),
                {k: part_cells[k] for k in keys},
                {k: part_hidden[k] for k in keys},
            )
    for code in codes:
        full = code if len(code) == 9 else code.ljust(6, "0")
        result.parts[full] = [
            _figures(
                m,
                part_registered.get((code, m), 0),
                part_reports.get((code, m)),
                part_hidden.get((code, m)),
            )
            for m in months
        ]
        division = regions.lookup(full)
        result.part_names[full] = division.name if division else full
    return result
