"""Public aggregates of a region for the display centre's drill-down (no premises named)."""

from __future__ import annotations

from fastapi import APIRouter

from pigdata.api.deps import Conn
from pigdata.services.regional import (
    Breakdown,
    FarmSizes,
    MonthFigures,
    farm_sizes,
    region_breakdown,
    region_history,
)

router = APIRouter(prefix="/api/v1/stats/regions", tags=["regions"])


@router.get("/{code}/breakdown")
def get_breakdown(code: str, conn: Conn) -> Breakdown:
    """Give each part of a region (100000 = the nation) with its farms, sow capacity and the
    latest month's breeding sows and inventory (public)."""
    return region_breakdown(conn, code)


@router.get("/{code}/history")
def get_history(code: str, conn: Conn) -> list[MonthFigures]:
    """Give a region's herd totals and head slaughtered, month by month (public)."""
    return region_history(conn, code)


@router.get("/{code}/farm-sizes")
def get_farm_sizes(code: str, conn: Conn) -> FarmSizes:
    """Give a region's farms by yearly output over the last twelve reported months (public)."""
    return farm_sizes(conn, code)
