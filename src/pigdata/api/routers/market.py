"""Market services (public aggregates): price warnings, price index, forecasts, outlook."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from pigdata.api.deps import Conn
from pigdata.domain.regions import NATION
from pigdata.services.market.warnings import PriceWarnings, price_warnings

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get("/warnings")
def get_warnings(
    conn: Conn, region: str = NATION, start: date | None = None, end: date | None = None
) -> PriceWarnings:
    """Give a region's weekly hog–grain ratio and lean-pork retail change, with the reserve
    plan's warning levels and the weeks a level was entered, changed or left."""
    return price_warnings(conn, region, start, end)
