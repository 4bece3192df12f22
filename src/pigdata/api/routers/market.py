"""Market services (public aggregates): price warnings, price index, forecasts, outlook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pigdata.api.answers import Kept
from pigdata.api.deps import Conn, Who
from pigdata.api.openapi import KEPT, problems
from pigdata.api.params import OptionalDay, OptionalMonth
from pigdata.domain.records import PriceItem
from pigdata.domain.regions import NATION
from pigdata.services.market.backtest import Backtest, backtest_prices
from pigdata.services.market.forecast import PriceForecast, forecast_prices
from pigdata.services.market.outlook import (
    OutlookBacktest,
    SupplyOutlook,
    backtest_outlook,
    supply_outlook,
)
from pigdata.services.market.price_index import PriceIndex, price_index
from pigdata.services.market.warnings import PriceWarnings, price_warnings

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get("/warnings", response_model=PriceWarnings, responses={**KEPT, **problems(404)})
def get_warnings(
    conn: Conn,
    kept: Kept,
    region: str = NATION,
    start: OptionalDay = None,
    end: OptionalDay = None,
) -> Response:
    """Give a region's weekly hog–grain ratio and lean-pork retail change, with the reserve
    plan's warning levels and the weeks a level was entered, changed or left."""
    key = ("price-warnings", region, start, end)
    return kept.answer(conn, key, lambda: price_warnings(conn, region, start, end))


@router.get("/index", response_model=PriceIndex, responses={**KEPT, **problems(404)})
def get_index(
    conn: Conn,
    kept: Kept,
    region: str = NATION,
    item: PriceItem = PriceItem.live_hog,
    base_start: OptionalDay = None,
    base_end: OptionalDay = None,
) -> Response:
    """Give the chain-linked, volume-weighted weekly price index of an item (base = 100;
    by default the first calendar year with prices)."""

    def compute() -> PriceIndex:
        return price_index(conn, region, item.value, base_start, base_end)

    return kept.answer(conn, ("price-index", region, item.value, base_start, base_end), compute)


@router.get("/forecast", responses=problems(404))
def get_forecast(
    conn: Conn,
    region: str = NATION,
    item: PriceItem = PriceItem.live_hog,
    horizon: Annotated[int, Query(ge=1, le=26)] = 26,
    level: Annotated[float, Query(gt=0.5, lt=1.0)] = 0.8,
) -> PriceForecast:
    """Give the weekly price forecast 1 to 26 weeks ahead with prediction intervals."""
    return forecast_prices(conn, region, item.value, horizon, level)


@router.get("/forecast/backtest", responses=problems(404))
def get_backtest(
    conn: Conn,
    region: str = NATION,
    item: PriceItem = PriceItem.live_hog,
    step: Annotated[int, Query(ge=1, le=52)] = 4,
) -> Backtest:
    """Give the rolling-origin backtest: MAPE per horizon of the model, naive and
    seasonal-naive forecasts."""
    return backtest_prices(conn, region, item.value, step=step)


@router.get("/outlook", responses=problems(404))
def get_outlook(
    conn: Conn,
    who: Who,
    region: str = "500153",
    months: Annotated[int, Query(ge=1, le=10)] = 10,
    origin: OptionalMonth = None,
) -> SupplyOutlook:
    """Give expected market hogs per month for the months after the origin (by default the
    last month with herd reports), from births, matings and sows with the biological lags.
    Callers outside the region see it only where at least five farms report."""
    return supply_outlook(conn, region, months, origin, who)


@router.get("/outlook/backtest", responses=problems(404))
def get_outlook_backtest(
    conn: Conn,
    who: Who,
    region: str = "500153",
    months: Annotated[int, Query(ge=1, le=10)] = 10,
) -> OutlookBacktest:
    """Give the outlook's error per month ahead against later reports of hogs sold."""
    return backtest_outlook(conn, region, months, who)
