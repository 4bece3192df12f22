"""Public aggregates of a region for the display centre's drill-down (no premises named).

Answers are kept until the ledger grows (`pigdata.api.answers`), apart for readers who see
them exact and those who see them under disclosure control.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from pigdata.api.answers import Kept
from pigdata.api.deps import Conn, Who
from pigdata.api.openapi import KEPT, problems
from pigdata.services import disclosure
from pigdata.services.drilldown import (
    Breakdown,
    MonthFigures,
    region_breakdown,
    region_history,
)

router = APIRouter(prefix="/api/v1/stats/regions", tags=["regions"])


@router.get("/{code}/breakdown", response_model=Breakdown, responses={**KEPT, **problems(404)})
def get_breakdown(code: str, conn: Conn, who: Who, kept: Kept) -> Response:
    """Give each part of a region (100000 = the nation) with its farms, sow capacity and the
    latest month's breeding sows and inventory (public, under disclosure control)."""
    key = ("breakdown", code, disclosure.view_key(who, code))
    return kept.answer(conn, key, lambda: region_breakdown(conn, who, code))


@router.get(
    "/{code}/history",
    response_model=list[MonthFigures],
    responses={**KEPT, **problems(404)},
)
def get_history(code: str, conn: Conn, who: Who, kept: Kept) -> Response:
    """Give a region's herd totals and head slaughtered, month by month (public, under
    disclosure control)."""
    key = ("history", code, disclosure.view_key(who, code))
    return kept.answer(conn, key, lambda: region_history(conn, who, code))
