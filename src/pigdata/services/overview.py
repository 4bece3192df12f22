"""Aggregates anyone may see: premises by type, the latest month's herd, recent movements.

Counts of premises are published as they are; the herd and the movements are figures of
farms, given under disclosure control to a reader not entitled to the region's records
(`pigdata.services.disclosure`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, region_prefix
from pigdata.domain import regions
from pigdata.services import disclosure
from pigdata.store import tables as t

HERD = ("breeding_sows", "replacement_gilts", "boars", "piglets", "finishers", "sold_for_slaughter")


@dataclass(frozen=True, slots=True)
class HerdTotals:
    """Sums of one month's herd reports in a region, with how many farms reported."""

    month: str
    reporting_farms: int
    registered_farms: int
    breeding_sows: int | None  # None: withheld
    replacement_gilts: int | None
    boars: int | None
    piglets: int | None
    finishers: int | None
    sold_for_slaughter: int | None
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks


@dataclass(frozen=True, slots=True)
class Overview:
    """A region at a glance."""

    region: str
    region_name: str
    ledger_size: int
    premises_by_type: dict[str, int] = field(default_factory=dict)
    latest_herd: HerdTotals | None = None
    movements_last_30_days: int | None = 0  # None: withheld
    head_moved_last_30_days: int | None = 0
    withheld: dict[str, str] = field(default_factory=dict)  # the movements' figures


def _premises_in(prefix: str) -> sa.Select[tuple[str]]:
    return sa.select(t.premises.c.code).where(t.premises.c.township.startswith(prefix))


def _latest_herd(conn: Connection, prefix: str, farms: int, exact: bool) -> HerdTotals | None:
    h = t.herd_reports
    inside = h.c.premises.in_(_premises_in(prefix))
    month = conn.execute(sa.select(sa.func.max(h.c.month)).where(inside)).scalar()
    if month is None:
        return None
    row = conn.execute(
        sa.select(
            sa.func.count(),
            *(sa.func.coalesce(sa.func.sum(h.c[n]), 0) for n in HERD),
            *(sa.func.max(h.c[n]) for n in HERD),
        ).where(inside, h.c.month == month)
    ).one()
    count, sums, tops = row[0], row[1 : 1 + len(HERD)], row[1 + len(HERD) :]
    withheld: disclosure.Withheld = {}
    if not exact:
        cells = {
            n: disclosure.cell(count, v, top) for n, v, top in zip(HERD, sums, tops, strict=True)
        }
        withheld = disclosure.judge(cells)
    sows, gilts, boars, piglets, finishers, sold = (
        disclosure.shown(int(v), n, withheld) for n, v in zip(HERD, sums, strict=True)
    )
    return HerdTotals(
        month,
        int(count),
        farms,
        sows,
        gilts,
        boars,
        piglets,
        finishers,
        sold,
        dict(sorted(withheld.items())),
    )


def _movement_cells(conn: Connection, prefix: str, since: date) -> disclosure.Cells:
    """Give the cells of the recent movements by the region's premises named in them (the
    origin when inside, else the destination): premises, movements and head."""
    m = t.movements
    inside = _premises_in(prefix)
    party = sa.case((m.c.origin.in_(inside), m.c.origin), else_=m.c.destination).label("party")
    by_party = (
        sa.select(
            party,
            sa.func.count().label("movements"),
            sa.func.sum(m.c.head_count).label("head"),
        )
        .where(m.c.issue_date > since, sa.or_(m.c.origin.in_(inside), m.c.destination.in_(inside)))
        .group_by(party)
        .subquery()
    )
    # Without keys the grouped query gives one row, the whole region's.
    return {
        name: disclosure.group_cells(conn, by_party, (), value)[()]
        for name, value in (
            ("movements_last_30_days", "movements"),
            ("head_moved_last_30_days", "head"),
        )
    }


def region_overview(conn: Connection, who: Principal, region: str, today: date) -> Overview:
    """Give the aggregates of a region (a division code of any level)."""
    regions.require(region)
    prefix = region_prefix(region)
    exact = disclosure.exact_for(who, prefix)
    p = t.premises
    by_type = {
        str(kind): int(count)
        for kind, count in conn.execute(
            sa.select(p.c.premises_type, sa.func.count())
            .where(p.c.township.startswith(prefix))
            .group_by(p.c.premises_type)
            .order_by(p.c.premises_type)
        )
    }
    m = t.movements
    since = today - timedelta(days=30)
    moved = conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(m.c.head_count), 0)).where(
            m.c.issue_date > since,
            sa.or_(m.c.origin.in_(_premises_in(prefix)), m.c.destination.in_(_premises_in(prefix))),
        )
    ).one()
    size = conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0
    withheld = {} if exact else disclosure.judge(_movement_cells(conn, prefix, since))
    return Overview(
        region=region,
        region_name=regions.full_name(region),
        ledger_size=int(size),
        premises_by_type=by_type,
        latest_herd=_latest_herd(conn, prefix, int(by_type.get("farm", 0)), exact),
        movements_last_30_days=disclosure.shown(int(moved[0]), "movements_last_30_days", withheld),
        head_moved_last_30_days=disclosure.shown(
            int(moved[1]), "head_moved_last_30_days", withheld
        ),
        withheld=withheld,
    )
