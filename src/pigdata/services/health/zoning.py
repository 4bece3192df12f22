"""The premises inside an outbreak's zones, and the zones as GeoJSON (RFC 7946).

The zones themselves are public, as the authorities announce them; which premises lie inside
is given to government and admin callers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.domain.health_rules import ZoneRule
from pigdata.services.health.zones import (
    INFECTED_POINT,
    INFECTED_ZONE,
    THREATENED_ZONE,
    WGS84,
    Outbreak,
    PremisesPoints,
    load_outbreaks,
    load_points,
    zone_rule,
)

_RING_POINTS = 72  # one vertex every 5 degrees: the chord error at 13 km is under 15 m


@dataclass(frozen=True, slots=True)
class ZonedPremises:
    """A premises inside an outbreak's zones, by its nearest infected point."""

    premises: str
    zone: str  # infected_point, infected_zone or threatened_zone
    distance_km: float
    infected_point: str


@dataclass(frozen=True, slots=True)
class InfectedPoint:
    premises: str
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

    def count(self, zone: str) -> int:
        """Give how many premises lie in one zone."""
        return sum(1 for p in self.premises if p.zone == zone)


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
    return OutbreakZones(outbreak, rule, outbreak.active_on(day), centres, zoned)


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
    if who.role not in (Role.admin, Role.government):
        zones = [OutbreakZones(z.outbreak, z.rule, z.active, z.points, []) for z in zones]
    return zones


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
