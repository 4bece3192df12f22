"""Animal health: contact tracing, outbreak zones (JSON and GeoJSON), plausibility, overview."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from pigdata.api.deps import Conn, SettingsDep, Who
from pigdata.api.openapi import media, problems
from pigdata.api.params import MonthParam, OptionalDay
from pigdata.api.problems import Problem
from pigdata.api.wire.geojson import FeatureCollection, GeoJSONResponse
from pigdata.domain.health_rules import ZoneRule
from pigdata.domain.outbreaks import Outbreak
from pigdata.ingest.pipeline import today_in
from pigdata.services.health import tracing
from pigdata.services.health.contacts import TraceDirection
from pigdata.services.health.overview import HealthOverview, health_overview
from pigdata.services.health.plausibility import check_month
from pigdata.services.health.zoning import (
    InfectedPoint,
    OutbreakZones,
    ZonedPremises,
    outbreak_zones,
    zones_geojson,
)
from pigdata.services.scope import require_records_access

router = APIRouter(prefix="/api/v1/animal-health", tags=["animal health"])

Days = Annotated[
    int,
    Query(ge=1, le=tracing.MAX_WINDOW_DAYS, description="window length in days, ending on `until`"),
]


@router.get(
    "/trace/{premises}",
    response_model=tracing.TraceReport,
    responses={**media("text/csv", "the contacts as CSV (format=csv)"), **problems(404)},
)
def trace(
    premises: str,
    conn: Conn,
    who: Who,
    settings: SettingsDep,
    direction: TraceDirection = TraceDirection.forward,
    until: OptionalDay = None,
    days: Days = tracing.DEFAULT_WINDOW_DAYS,
    vehicle: Annotated[bool, Query(description="link premises by plate and day")] = False,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    """Give the premises linked to one by time-respecting movements, ranked by risk (or CSV)."""
    last = until or today_in(settings.timezone)
    report = tracing.trace_contacts(conn, who, premises, direction, last, days, vehicle)
    if format == "csv":
        name = f"trace-{premises}-{direction.value}-{last.isoformat()}.csv"
        return Response(
            tracing.contacts_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return asdict(report)


class Zones(BaseModel):
    """An outbreak's zones: its infected points, how many premises are in each zone, and
    (for government and admin callers) which."""

    outbreak: Outbreak
    rule: ZoneRule
    active: bool
    infected_points: list[InfectedPoint]
    counts: dict[str, int]
    premises: list[ZonedPremises]


def _zones_json(z: OutbreakZones) -> dict[str, Any]:
    return {
        "outbreak": asdict(z.outbreak),
        "rule": asdict(z.rule),
        "active": z.active,
        "infected_points": [asdict(p) for p in z.points],
        "counts": {
            zone: z.count(zone) for zone in ("infected_point", "infected_zone", "threatened_zone")
        },
        "premises": [asdict(p) for p in z.premises],
    }


def _zones_found(
    conn: Conn,
    who: Who,
    settings: SettingsDep,
    day: OptionalDay = None,
    outbreak: str | None = None,
) -> list[OutbreakZones]:
    found = outbreak_zones(conn, who, day or today_in(settings.timezone), outbreak)
    if outbreak is not None and not found:
        raise Problem(404, "Not found", f"疫情 {outbreak} 不存在 / outbreak {outbreak} not found")
    return found


ZonesFound = Annotated[list[OutbreakZones], Depends(_zones_found)]


@router.get("/zones", response_model=list[Zones], responses=problems(404))
def zones(found: ZonesFound) -> list[dict[str, Any]]:
    """Give the active outbreaks' zones on a day (`day`, default today) or one outbreak's
    (`outbreak`), with the premises inside for government and admin callers."""
    return [_zones_json(z) for z in found]


@router.get(
    "/zones.geojson",
    response_class=GeoJSONResponse,
    response_model=FeatureCollection,
    responses={200: {"description": "a GeoJSON FeatureCollection"}, **problems(404)},
)
def zones_as_geojson(found: ZonesFound) -> GeoJSONResponse:
    """Give the same zones as a GeoJSON FeatureCollection (RFC 7946)."""
    return GeoJSONResponse(zones_geojson(found))


class Mismatch(BaseModel):
    """A figure of a farm's month that does not add up: reported against expected."""

    premises: str
    month: str
    rule: str
    reported: int
    expected: int
    difference: int


@router.get("/plausibility", response_model=list[Mismatch])
def plausibility(
    conn: Conn,
    who: Who,
    month: MonthParam,
) -> list[dict[str, Any]]:
    """Give a month's mismatches between certificates and herd reports, largest first."""
    require_records_access(who)
    return [{**asdict(m), "difference": m.difference} for m in check_month(conn, who, month)]


@router.get("/overview", response_model=HealthOverview)
def overview(conn: Conn, who: Who, settings: SettingsDep, day: OptionalDay = None) -> Any:
    """Give active zones, premises under restriction and movements blocked in the last week."""
    return asdict(health_overview(conn, who, day or today_in(settings.timezone)))
