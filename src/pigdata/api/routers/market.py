"""Market services (public aggregates): price warnings, price index, forecasts, outlook."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from pigdata.api.deps import Conn
from pigdata.api.problems import Problem
from pigdata.domain.records import PriceItem
from pigdata.domain.regions import NATION
from pigdata.services.market.price_index import BasePeriodEmpty, PriceIndex, price_index
from pigdata.services.market.warnings import PriceWarnings, price_warnings

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get("/warnings")
def get_warnings(
    conn: Conn, region: str = NATION, start: date | None = None, end: date | None = None
) -> PriceWarnings:
    """Give a region's weekly hog–grain ratio and lean-pork retail change, with the reserve
    plan's warning levels and the weeks a level was entered, changed or left."""
    return price_warnings(conn, region, start, end)


@router.get("/index")
def get_index(
    conn: Conn,
    region: str = NATION,
    item: PriceItem = PriceItem.live_hog,
    base_start: date | None = None,
    base_end: date | None = None,
) -> PriceIndex:
    """Give the chain-linked, volume-weighted weekly price index of an item (base = 100;
    by default the first calendar year with prices)."""
    try:
        return price_index(conn, region, item.value, base_start, base_end)
    except BasePeriodEmpty as error:
        raise Problem(422, "Empty base period", str(error)) from error
