"""Aggregates anyone may see: premises by type, the latest month's herd, recent movements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import region_prefix
from pigdata.domain import regions
from pigdata.store import tables as t


@dataclass(frozen=True, slots=True)
class HerdTotals:
    """Sums of one month's herd reports in a region, with how many farms reported."""

    month: str
    reporting_farms: int
    registered_farms: int
    breeding_sows: int
    replacement_gilts: int
    boars: int
    piglets: int
    finishers: int
    sold_for_slaughter: int


@dataclass(frozen=True, slots=True)
class Overview:
    """A region at a glance."""

    region: str
    region_name: str
    ledger_size: int
    premises_by_type: dict[str, int] = field(default_factory=dict)
    latest_herd: HerdTotals | None = None
    movements_last_30_days: int = 0
    head_moved_last_30_days: int = 0


def _premises_in(prefix: str) -> sa.Select[tuple[str]]:
    return sa.select(t.premises.c.code).where(t.premises.c.township.startswith(prefix))


def _latest_herd(conn: Connection, prefix: str, farms: int) -> HerdTotals | None:
    h = t.herd_reports
    inside = h.c.premises.in_(_premises_in(prefix))
    month = conn.execute(sa.select(sa.func.max(h.c.month)).where(inside)).scalar()
    if month is None:
        return None
    names = (
        "breeding_sows",
        "replacement_gilts",
        "boars",
        "piglets",
        "finishers",
        "sold_for_slaughter",
    )
    row = conn.execute(
        sa.select(
            sa.func.count(), *(sa.func.coalesce(sa.func.sum(h.c[n]), 0) for n in names)
        ).where(inside, h.c.month == month)
    ).one()
    return HerdTotals(month, int(row[0]), farms, *(int(v) for v in row[1:]))


def region_overview(conn: Connection, region: str, today: date) -> Overview:
    """Give the aggregates of a region (a division code of any level)."""
    regions.require(region)
    prefix = region_prefix(region)
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
    return Overview(
        region=region,
        region_name=regions.full_name(region),
        ledger_size=int(size),
        premises_by_type=by_type,
        latest_herd=_latest_herd(conn, prefix, int(by_type.get("farm", 0))),
        movements_last_30_days=int(moved[0]),
        head_moved_last_30_days=int(moved[1]),
    )
