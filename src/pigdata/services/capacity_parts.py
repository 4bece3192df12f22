"""The capacity zone of every part of a region in a month, for a map coloured by zone.

One answer for all the parts instead of one capacity request per part: a province's map would
otherwise send one request for each of its dozens of parts. Each part is judged exactly as
`capacity_status` judges it (its own settings, bands and normal holding).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.domain.capacity_zones import Zone
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
    breeding_sows: int
    reporting_farms: int
    ratio_pct: float | None
    zone: Zone | None


@dataclass(frozen=True, slots=True)
class PartsCapacity:
    """The capacity zone of each part of a region in a month (parts as the drill-down's)."""

    region: str
    month: str
    parts: list[PartZone]


def parts_capacity(conn: Connection, region: str, month: str) -> PartsCapacity:
    """Give the capacity zone in a month of each part of a region (100000: each province)."""
    resolve(region)
    parse_month(month)
    parts: list[PartZone] = []
    for division in drill_children(region):
        current = capacity_status(conn, division.code, month).current
        parts.append(
            PartZone(
                division.code,
                division.name,
                division.level.value,
                current.breeding_sows,
                current.reporting_farms,
                current.ratio_pct,
                current.zone,
            )
        )
    return PartsCapacity(region, month, parts)


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
