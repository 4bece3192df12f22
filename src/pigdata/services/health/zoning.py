"""The premises inside an outbreak's zones, and the zones as GeoJSON (RFC 7946).

The zones themselves are public, as the authorities announce them: the outbreak, its dates,
the infected points' coordinates (the zones' centres), the radii and how many premises lie
in each zone. Which premises they are is a record of each premises, so a reader is given
those it may see (docs/access.md): an admin every one, a government those inside its region
(a county sees its own premises in a zone that reaches into other counties), a farm itself,
the public none. An infected point the reader may not see keeps its coordinates and loses
its premises code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.domain.health_rules import ZoneRule
from pigdata.domain.outbreaks import WGS84, Outbreak, zone_rule
from pigdata.services.health.zones import (
    INFECTED_POINT,
    INFECTED_ZONE,
    THREATENED_ZONE,
    PremisesPoints,
    load_outbreaks,
    load_points,
)
from pigdata.services.scope import premises_condition
from pigdata.store import tables as t

_RING_POINTS = 72  # one vertex every 5 degrees: the chord error at 13 km is under 15 m


@dataclass(frozen=True, slots=True)
class ZonedPremises:
    """A premises inside an outbreak's zones, by its nearest infected point."""

    premises: str
    zone: str  # infected_point, infected_zone or threatened_zone
    distance_km: float
    infected_point: str | None  # None: a premises the reader may not see


@dataclass(frozen=True, slots=True)
class InfectedPoint:
    premises: str | None  # None: a premises the reader may not see
    latitude: float
    longitude: float


@dataclass(frozen=True)
class OutbreakZones:
    """One outbreak with its rule, its infected points and the premises in its zones."""

    outbreak: Outbreak
    rule: ZoneRule
    active: bool
    points: list[InfectedPoint]
    premises: list[ZonedPremises] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # of every premises, seen or not

    def count(self, zone: str) -> int:
        """Give how many premises lie in one zone (whether the reader may see them or not)."""
        return self.counts.get(zone, 0)


def zone_premises(points: PremisesPoints, outbreak: Outbreak, day: date) -> OutbreakZones:
    """Give the zones of an outbreak over a set of premises points."""
    rule = zone_rule(outbreak.zones_from or outbreak.first_report)
    found_at: list[np.ndarray[Any, Any]] = []
    found_km: list[np.ndarray[Any, Any]] = []
    found_by: list[np.ndarray[Any, Any]] = []
    centres: list[InfectedPoint] = []
    for number, code in enumerate(outbreak.infected_points):
        at = int(np.searchsorted(points.codes, code))
        if at >= points.codes.size or points.codes[at] != code:
            continue  # an infected point without coordinates has no zone to draw
        lat, lon = float(points.lat[at]), float(points.lon[at])
        centres.append(InfectedPoint(code, lat, lon))
        positions, km = points.within(lat, lon, rule.outer_km)
        found_at.append(positions)
        found_km.append(km)
        found_by.append(np.full(positions.size, number))
    zoned: list[ZonedPremises] = []
    if found_at:
        where, km, by = (np.concatenate(x) for x in (found_at, found_km, found_by))
        order = np.lexsort((km, where))  # per premises, nearest infected point first
        nearest = order[np.r_[True, where[order][1:] != where[order][:-1]]]
        infected = set(outbreak.infected_points)
        for i in nearest[np.argsort(km[nearest], kind="stable")].tolist():
            code = str(points.codes[where[i]])
            zone = (
                INFECTED_POINT
                if code in infected
                else INFECTED_ZONE
                if km[i] <= rule.infected_zone_km
                else THREATENED_ZONE
            )
            point = outbreak.infected_points[int(by[i])]
            zoned.append(ZonedPremises(code, zone, round(float(km[i]), 4), point))
    counts = {z: sum(1 for p in zoned if p.zone == z) for z in ZONES}
    return OutbreakZones(outbreak, rule, outbreak.active_on(day), centres, zoned, counts)


ZONES = (INFECTED_POINT, INFECTED_ZONE, THREATENED_ZONE)


def visible_codes(conn: Connection, who: Principal, codes: Iterable[str]) -> set[str]:
    """Give those of some premises codes that a principal may see."""
    wanted = set(codes)
    if who.role is Role.admin:
        return wanted
    if who.role is Role.farm:
        return wanted & {who.scope or ""}
    if who.role is not Role.government or not wanted:
        return set()
    p = t.premises
    query = sa.select(p.c.code).where(p.c.code.in_(sorted(wanted)), premises_condition(who))
    return set(conn.execute(query).scalars())


def _seen_by(z: OutbreakZones, visible: set[str]) -> OutbreakZones:
    def shown(code: str | None) -> str | None:
        return code if code in visible else None

    return replace(
        z,
        outbreak=replace(
            z.outbreak, infected_points=tuple(c for c in z.outbreak.infected_points if c in visible)
        ),
        points=[replace(c, premises=shown(c.premises)) for c in z.points],
        premises=[
            replace(p, infected_point=shown(p.infected_point))
            for p in z.premises
            if p.premises in visible
        ],
    )


def scoped(conn: Connection, who: Principal, zones: list[OutbreakZones]) -> list[OutbreakZones]:
    """Give zones as a principal may see them: the premises inside its view only."""
    if who.role is Role.admin:
        return zones
    codes = {p.premises for z in zones for p in z.premises}
    codes |= {c for z in zones for c in z.outbreak.infected_points}
    visible = visible_codes(conn, who, codes)
    return [_seen_by(z, visible) for z in zones]


def outbreak_zones(
    conn: Connection, who: Principal, day: date, outbreak_id: str | None = None
) -> list[OutbreakZones]:
    """Give outbreaks with their zones on a day: one by id, or every active one."""
    points = load_points(conn)
    found = load_outbreaks(conn, outbreak_id)
    if outbreak_id is None:
        found = [b for b in found if b.active_on(day)]
    zones = [zone_premises(points, b, day) for b in found if b.infected_points]
    zones += [
        OutbreakZones(b, zone_rule(b.first_report), False, [])
        for b in found
        if not b.infected_points
    ]
    return scoped(conn, who, zones)


def _circle(lat: float, lon: float, km: float) -> list[list[float]]:
    azimuths = np.linspace(0.0, 360.0, _RING_POINTS, endpoint=False)
    lons, lats, _ = WGS84.fwd(
        np.full(_RING_POINTS, lon),
        np.full(_RING_POINTS, lat),
        azimuths,
        np.full(_RING_POINTS, km * 1000),
    )
    ring = [[round(float(x), 6), round(float(y), 6)] for x, y in zip(lons, lats, strict=True)]
    return [*ring, ring[0]]  # azimuths turn clockwise seen from above


def zones_geojson(zones: list[OutbreakZones]) -> dict[str, Any]:
    """Give a FeatureCollection: infected points, zone polygons and premises inside."""
    features: list[dict[str, Any]] = []
    for z in zones:
        base = {
            "outbreak_id": z.outbreak.outbreak_id,
            "disease": z.outbreak.disease,
            "active": z.active,
        }
        for c in z.points:
            inner = _circle(c.latitude, c.longitude, z.rule.infected_zone_km)
            outer = _circle(c.latitude, c.longitude, z.rule.outer_km)
            # Exteriors counterclockwise, holes clockwise (RFC 7946 §3.1.6).
            features += [
                _feature(
                    {"type": "Point", "coordinates": [c.longitude, c.latitude]},
                    {**base, "zone": INFECTED_POINT, "premises": c.premises},
                ),
                _feature(
                    {"type": "Polygon", "coordinates": [inner[::-1]]},
                    {
                        **base,
                        "zone": INFECTED_ZONE,
                        "radius_km": z.rule.infected_zone_km,
                        "infected_point": c.premises,
                    },
                ),
                _feature(
                    {"type": "Polygon", "coordinates": [outer[::-1], inner]},
                    {
                        **base,
                        "zone": THREATENED_ZONE,
                        "radius_km": z.rule.outer_km,
                        "infected_point": c.premises,
                    },
                ),
            ]
    return {"type": "FeatureCollection", "features": features}


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}
