"""Weekly price forecasts 1 to 26 weeks ahead with prediction intervals, and their backtest.

Model (docs/methodology/forecast.md): a state-space ARIMA(2,1,0) on the log of the weekly
price (statsmodels SARIMAX), with the region's breeding-sow inventory ten months earlier as
an exogenous regressor where herd reports cover the weeks: sows farrowing then are the
market hogs of now, and the lag makes the regressor known for every week forecast.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from statsmodels.tools.sm_exceptions import ConvergenceWarning  # type: ignore[import-untyped]
from statsmodels.tsa.statespace.sarimax import SARIMAX  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pigdata import errors
from pigdata.access.principal import region_prefix
from pigdata.domain import regions
from pigdata.services.market.weekly import FloatArray, code_prefix, weekly_prices
from pigdata.store import tables as t

ORDER = (2, 1, 0)
MAX_HORIZON = 26
MIN_HISTORY = 30  # weeks
MIN_SUPPLY_HISTORY = 104  # weeks the sow regressor must cover to be worth cutting history for
SOW_LAG_MONTHS = 10


class NotEnoughHistory(errors.InvalidInput):
    """Too few weeks of prices to fit the model, or to backtest it."""

    title = "Not enough history"
    rule = "market.history"


@dataclass(frozen=True, slots=True)
class ForecastWeek:
    """One week ahead: the forecast and its prediction interval (yuan/kg)."""

    week: date
    horizon: int
    mean: float
    lower: float
    upper: float


@dataclass(frozen=True)
class PriceForecast:
    """A region's price forecast from the last week with a price."""

    region: str
    item: str
    origin: date
    level: float
    model: str
    supply_signal: str | None
    history_weeks: int
    weeks: tuple[ForecastWeek, ...]


@dataclass(frozen=True)
class Series:
    """A gap-free weekly log-price series with its optional supply regressor (one value a
    week, known MAX_HORIZON weeks past the last price)."""

    weeks: tuple[date, ...]
    log_price: FloatArray
    supply: FloatArray | None


def fill_gaps(values: FloatArray) -> FloatArray:
    """Give a series with missing weeks filled by linear interpolation (ends held)."""
    known = ~np.isnan(values)
    index = np.arange(values.size)
    return np.interp(index, index[known], values[known])


def fit_forecast(
    log_price: FloatArray,
    horizon: int,
    level: float,
    supply: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Give the forecast and interval bounds (prices, not logs) for 1..horizon weeks after a
    log-price history; `supply`, if given, covers the history and the horizon."""
    n = log_price.size
    exog = None if supply is None else supply[:n, None]
    future = None if supply is None else supply[n : n + horizon, None]
    # The matrices are tiny: BLAS threads only fight each other (15x slower on a busy host).
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        # Short or flat histories make the optimiser complain; the fit is still usable.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        fitted = SARIMAX(log_price, exog=exog, order=ORDER, trend="n").fit(disp=False)
        result = fitted.get_forecast(horizon, exog=future)
    mean = np.asarray(result.predicted_mean, dtype=np.float64)
    bounds = np.asarray(result.conf_int(alpha=1.0 - level), dtype=np.float64)
    return np.exp(mean), np.exp(bounds[:, 0]), np.exp(bounds[:, 1])


def _month_key(day: date, back: int) -> str:
    months = day.year * 12 + day.month - 1 - back
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def sow_totals(conn: Connection, region: str) -> dict[str, int]:
    """Give the region's breeding-sow inventory by month (sum of its farms' reports)."""
    h = t.herd_reports
    query = sa.select(h.c.month, sa.func.sum(h.c.breeding_sows)).group_by(h.c.month)
    query = query.where(code_prefix(h.c.premises, region_prefix(region)))
    return {str(month): int(total) for month, total in conn.execute(query) if total}


def sow_signal(sows: dict[str, int], weeks: list[date]) -> FloatArray | None:
    """Give the log sow inventory SOW_LAG_MONTHS before each week (centred), or None when
    the reports do not cover every week."""
    wanted = [_month_key(w, SOW_LAG_MONTHS) for w in weeks]
    if not sows or any(key not in sows for key in wanted):
        return None
    logs = np.log(np.array([sows[key] for key in wanted], dtype=np.float64))
    centred: FloatArray = logs - logs.mean()
    return centred


def load_series(conn: Connection, region: str, item: str, until: date | None = None) -> Series:
    """Give a region's weekly log prices, and the sow regressor where reports cover it."""
    regions.require(region)
    prices = weekly_prices(conn, region, item, end=until)
    known = ~np.isnan(prices.price)
    if int(known.sum()) < MIN_HISTORY:
        count = int(known.sum())
        raise NotEnoughHistory(
            f"{region} 的 {item} 只有 {count} 周价格，至少需要 {MIN_HISTORY} 周",
            f"{region} has {count} weeks of {item} prices; at least {MIN_HISTORY} are needed",
        )
    weeks = list(prices.weeks)
    log_price = np.log(fill_gaps(prices.price))
    ahead = [weeks[-1] + timedelta(weeks=k) for k in range(1, MAX_HORIZON + 1)]
    sows = sow_totals(conn, region)
    # Reports may begin later than prices: the regressor is used over the covered tail of
    # the history if that is two years or more, else prices alone over the whole history.
    covered = [_month_key(w, SOW_LAG_MONTHS) in sows for w in weeks]
    start = len(weeks) - covered[::-1].index(False) if False in covered else 0
    if len(weeks) - start >= min(MIN_SUPPLY_HISTORY, len(weeks)):
        supply = sow_signal(sows, weeks[start:] + ahead)
        if supply is not None:
            return Series(tuple(weeks[start:]), log_price[start:], supply)
    return Series(tuple(weeks), log_price, None)


def forecast_prices(
    conn: Connection,
    region: str,
    item: str = "live_hog",
    horizon: int = MAX_HORIZON,
    level: float = 0.8,
) -> PriceForecast:
    """Give the weekly price forecast 1..horizon weeks after the last week with a price."""
    horizon = max(1, min(horizon, MAX_HORIZON))
    series = load_series(conn, region, item)
    mean, lower, upper = fit_forecast(series.log_price, horizon, level, series.supply)
    origin = series.weeks[-1]
    weeks = tuple(
        ForecastWeek(origin + timedelta(weeks=h), h, float(m), float(lo), float(hi))
        for h, m, lo, hi in zip(range(1, horizon + 1), mean, lower, upper, strict=True)
    )
    return PriceForecast(
        region=region,
        item=item,
        origin=origin,
        level=level,
        model=f"SARIMAX{ORDER} on log price",
        supply_signal=(
            f"breeding sows {SOW_LAG_MONTHS} months earlier" if series.supply is not None else None
        ),
        history_weeks=len(series.weeks),
        weeks=weeks,
    )
