"""The capacity zone of every part of a region in a month, for a map coloured by zone.

One answer for all the parts instead of one capacity request per part: a province's map would
otherwise send one request for each of its dozens of parts. Each part is judged exactly as
`capacity_status` judges it (its own settings, bands and normal holding).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, region_prefix
from pigdata.domain.capacity_zones import Zone
from pigdata.domain.disclosure_rules import COMPLEMENTARY, DERIVED
from pigdata.services import disclosure
from pigdata.services.capacity import capacity_status
from pigdata.services.drilldown import drill_children
from pigdata.services.regional import parse_month, resolve
from pigdata.store import tables as t


@dataclass(frozen=True, slots=True)
class PartZone:
    """A part of a region in a month: its breeding sows against its normal holding."""

    code: str
    name: str
    level: str
    breeding_sows: int | None  # None: withheld
    reporting_farms: int
    ratio_pct: float | None
    zone: Zone | None
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks


@dataclass(frozen=True, slots=True)
class PartsCapacity:
    """The capacity zone of each part of a region in a month (parts as the drill-down's)."""

    region: str
    month: str
    parts: list[PartZone]


def parts_capacity(conn: Connection, who: Principal, region: str, month: str) -> PartsCapacity:
    """Give the capacity zone in a month of each part of a region (100000: each province)."""
    place = resolve(region)
    parse_month(month)
    parts: list[PartZone] = []
    divisions = drill_children(region)
    for division in divisions:
        current = capacity_status(conn, who, division.code, month).current
        parts.append(
            PartZone(
                division.code,
                division.name,
                division.level.value,
                current.breeding_sows,
                current.reporting_farms,
                current.ratio_pct,
                current.zone,
                current.withheld,
            )
        )
    if not disclosure.exact_for(who, place.prefix):
        parts = _complementary(conn, place.prefix, month, parts)
    return PartsCapacity(region, month, parts)


def _complementary(
    conn: Connection, prefix: str, month: str, parts: list[PartZone]
) -> list[PartZone]:
    """Give the parts with further sows withheld where a withheld part would follow from the
    region's total less the others."""
    measures = disclosure.herd_measures("breeding_sows")
    cells: dict[str, disclosure.Cells] = {}
    for part in parts:
        found = disclosure.herd_cells(conn, region_prefix(part.code), month, month, None, measures)
        cells[part.code] = found.get(("", month), {})
    whole = disclosure.herd_cells(conn, prefix, month, month, None, measures).get(("", month), {})
    withheld = {p.code: dict(p.withheld) for p in parts}
    disclosure.protect_parts(whole, cells, withheld)
    return [
        p
        if withheld[p.code].get("breeding_sows") != COMPLEMENTARY
        else PartZone(
            p.code,
            p.name,
            p.level,
            None,
            p.reporting_farms,
            None,
            None,
            {**p.withheld, "breeding_sows": COMPLEMENTARY, "ratio_pct": DERIVED},
        )
        for p in parts
    ]


def settings_fingerprint(conn: Connection) -> str:
    """Give a digest of every stored capacity setting.

    Settings are not ledger entries, so an answer kept until the ledger grows must also be
    keyed by them: a changed, added or removed setting changes the digest.
    """
    s = t.capacity_settings
    digest = hashlib.blake2b(digest_size=12)
    for row in conn.execute(sa.select(s).order_by(s.c.region, s.c.effective_month)):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
