"""The animal-health picture of a day: active zones, premises under restriction, blocked moves.

Blocked movements are the rows refused by movement control (rules `health.*`) in uploads
started in the seven days up to the day. Which premises are restricted is given as the zones
give them (`pigdata.services.health.zoning`): an admin every one, a government those in its
region, a farm itself; everyone sees the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import ADMIN, Principal
from pigdata.services.health.zones import (
    INFECTED_POINT,
    INFECTED_ZONE,
    THREATENED_ZONE,
)
from pigdata.services.health.zoning import outbreak_zones, visible_codes
from pigdata.store import tables as t

BLOCKED_WINDOW_DAYS = 7


@dataclass(frozen=True, slots=True)
class ActiveZone:
    outbreak_id: str
    disease: str
    infected_points: tuple[str, ...]
    zones_from: date | None
    earliest_lifting: date | None
    infected_zone_premises: int
    threatened_zone_premises: int


@dataclass(frozen=True, slots=True)
class HealthOverview:
    """Zones in force, restricted premises and movements refused by movement control."""

    day: date
    active_zones: list[ActiveZone]
    restricted_premises: int
    restricted: dict[str, str] = field(default_factory=dict)  # premises -> strictest zone
    blocked_last_week: dict[str, int] = field(default_factory=dict)  # rule -> rows refused


_STRICTNESS = {INFECTED_POINT: 0, INFECTED_ZONE: 1, THREATENED_ZONE: 2}


def _blocked(conn: Connection, day: date) -> dict[str, int]:
    r, u = t.rejects, t.uploads
    since = (day - timedelta(days=BLOCKED_WINDOW_DAYS - 1)).isoformat()
    until = (day + timedelta(days=1)).isoformat()
    query = (
        sa.select(r.c.rule, sa.func.count())
        .join(u, u.c.id == r.c.upload_id)
        .where(r.c.rule.startswith("health."), u.c.started_at >= since, u.c.started_at < until)
        .group_by(r.c.rule)
        .order_by(r.c.rule)
    )
    return {str(rule): int(n) for rule, n in conn.execute(query)}


def health_overview(conn: Connection, who: Principal, day: date) -> HealthOverview:
    """Give the animal-health overview of a day."""
    zones = outbreak_zones(conn, ADMIN, day)  # counts for all; the list below by scope
    restricted: dict[str, str] = {}
    for z in zones:
        for p in z.premises:
            kept = restricted.get(p.premises)
            if kept is None or _STRICTNESS[p.zone] < _STRICTNESS[kept]:
                restricted[p.premises] = p.zone
    active = [
        ActiveZone(
            z.outbreak.outbreak_id,
            z.outbreak.disease,
            z.outbreak.infected_points,
            z.outbreak.zones_from,
            z.outbreak.earliest_lifting,
            z.count(INFECTED_ZONE),
            z.count(THREATENED_ZONE),
        )
        for z in zones
    ]
    visible = visible_codes(conn, who, restricted)
    return HealthOverview(
        day=day,
        active_zones=active,
        restricted_premises=len(restricted),
        restricted={code: zone for code, zone in sorted(restricted.items()) if code in visible},
        blocked_last_week=_blocked(conn, day),
    )
