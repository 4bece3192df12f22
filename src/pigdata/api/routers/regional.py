"""Public aggregates of a region for the display centre's drill-down (no premises named).

Answers are kept until the ledger grows (`pigdata.api.answers`).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from pigdata.api.answers import Kept
from pigdata.api.deps import Conn
from pigdata.services.drilldown import (
    Breakdown,
    MonthFigures,
    region_breakdown,
    region_history,
)

router = APIRouter(prefix="/api/v1/stats/regions", tags=["regions"])


@router.get("/{code}/breakdown", response_model=Breakdown)
def get_breakdown(code: str, conn: Conn, kept: Kept) -> Response:
    """Give each part of a region (100000 = the nation) with its farms, sow capacity and the
    latest month's breeding sows and inventory (public)."""
    return kept.answer(conn, ("breakdown", code), lambda: region_breakdown(conn, code))


@router.get("/{code}/history", response_model=list[MonthFigures])
def get_history(code: str, conn: Conn, kept: Kept) -> Response:
    """Give a region's herd totals and head slaughtered, month by month (public)."""
    return kept.answer(conn, ("history", code), lambda: region_history(conn, code))
