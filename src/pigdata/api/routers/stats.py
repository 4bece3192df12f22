"""Government statistics: production by region and month, and capacity regulation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pigdata.api.answers import Kept
from pigdata.api.deps import Conn, EngineDep, Who
from pigdata.api.json_body import JsonBodyRoute
from pigdata.api.openapi import KEPT, problems
from pigdata.api.params import MonthParam
from pigdata.domain.capacity_zones import Bands
from pigdata.domain.records import Count, Month
from pigdata.services import capacity, disclosure, performance, resources
from pigdata.services.capacity_parts import PartsCapacity, parts_capacity
from pigdata.services.production import RegionProduction, production_statistics
from pigdata.services.regional import InvalidQuery

router = APIRouter(prefix="/api/v1", tags=["statistics"], route_class=JsonBodyRoute)


@router.get("/stats/production", responses=problems(404))
def production(
    conn: Conn,
    who: Who,
    region: str,
    first: Annotated[Month, Query(alias="from", description="YYYY-MM")],
    last: Annotated[Month, Query(alias="to", description="YYYY-MM")],
    parts: bool = False,
) -> RegionProduction:
    """Give a region's herd inventory and flows by month, each with its completeness (public,
    under disclosure control outside the caller's region: docs/access.md).

    `region` is a division code of any level or 100000 for the nation; with `parts=true` the
    divisions one level down come too.
    """
    return production_statistics(conn, who, region, first, last, by_part=parts)


@router.get(
    "/capacity", response_model=capacity.CapacityReport, responses={**KEPT, **problems(404)}
)
def capacity_status(conn: Conn, who: Who, kept: Kept, region: str, month: MonthParam) -> Response:
    """Give a region's breeding sows against its normal holding: zone, change, alerts (public,
    under disclosure control outside the caller's region)."""
    # kept while the store's version stands, which takes in the capacity settings
    key = ("capacity", region, month, disclosure.view_key(who, region))
    return kept.answer(conn, key, lambda: capacity.capacity_status(conn, who, region, month))


@router.get("/capacity/parts", response_model=PartsCapacity, responses={**KEPT, **problems(404)})
def capacity_of_parts(conn: Conn, who: Who, kept: Kept, region: str, month: MonthParam) -> Response:
    """Give the capacity zone in a month of each part of a region, for a map (public, under
    disclosure control outside the caller's region)."""
    key = ("capacity-parts", region, month, disclosure.view_key(who, region))
    return kept.answer(conn, key, lambda: parts_capacity(conn, who, region, month))


class CapacitySettingIn(BaseModel):
    """A region's own normal holding and/or zone bands from a month on, with their source."""

    region: str
    effective_month: Month
    normal_holding: Annotated[Count, Field(gt=0)] | None = None
    green_low: float | None = None
    green_high: float | None = None
    yellow_low: float | None = None
    yellow_high: float | None = None
    source: str = Field(min_length=1, max_length=500)

    def to_setting(self) -> capacity.CapacitySetting:
        values = (self.green_low, self.green_high, self.yellow_low, self.yellow_high)
        if any(v is not None for v in values) and any(v is None for v in values):
            raise InvalidQuery(
                "bands: 四个界限须同时给出 / bands: give all four of green_low, green_high, "
                "yellow_low, yellow_high"
            )
        bands = Bands(*values) if values[0] is not None else None  # type: ignore[arg-type]
        return capacity.CapacitySetting(
            self.region, self.effective_month, self.normal_holding, bands, self.source
        )


@router.get("/capacity/settings", responses=problems(404))
def list_capacity_settings(conn: Conn, region: str) -> list[capacity.CapacitySetting]:
    """Give every version of a region's own capacity figures (public)."""
    return capacity.capacity_settings(conn, region)


@router.put("/capacity/settings", status_code=204, responses=problems(404))
def put_capacity_setting(body: CapacitySettingIn, engine: EngineDep, who: Who) -> None:
    """Set a region's normal holding and/or bands from a month on (admin, or its government)."""
    setting = body.to_setting()
    with engine.begin() as conn:
        capacity.set_capacity(conn, who, setting)


Window = Annotated[int, Query(ge=1, le=performance.MAX_WINDOW, description="months")]


@router.get("/performance/farms/{farm}", responses=problems(404))
def farm_performance(
    farm: str,
    conn: Conn,
    who: Who,
    month: MonthParam,
    window: Window = 12,
    peers: str | None = None,
) -> performance.FarmPerformance:
    """Give a farm's sow-herd figures beside its peers' top 10 %, median and bottom 10 %.

    A farm token sees only its own farm, a government the farms of its region. Peers are the
    farm's county unless `peers` names another region containing it; a group of fewer than
    5 farms is never shown.
    """
    return performance.farm_performance(conn, who, farm, month, window, peers)


@router.get("/performance", responses=problems(404))
def region_performance(
    conn: Conn, who: Who, region: str, month: MonthParam, window: Window = 12
) -> performance.RegionPerformance:
    """Give every farm's figures in a region with the benchmarks (its government, admin)."""
    return performance.region_performance(conn, who, region, month, window)


@router.get("/resources", responses=problems(404))
def regional_resources(
    conn: Conn, who: Who, region: str, month: MonthParam
) -> resources.RegionalResources:
    """Give a region's farms by size class, capacity in use, breeding stock by breed (native
    breeds on their own) and manure load in pig equivalents per hectare (public, under
    disclosure control outside the caller's region)."""
    return resources.regional_resources(conn, who, region, month)


class FarmlandIn(BaseModel):
    """A region's farmland in hectares, with where the figure comes from."""

    region: str
    hectares: float = Field(gt=0)
    source: str = Field(min_length=1, max_length=500)


@router.put("/resources/farmland", status_code=204, responses=problems(404))
def put_farmland(body: FarmlandIn, engine: EngineDep, who: Who) -> None:
    """Set a region's farmland (admin, or the region's government)."""
    with engine.begin() as conn:
        resources.set_farmland(conn, who, body.region, body.hectares, body.source)
