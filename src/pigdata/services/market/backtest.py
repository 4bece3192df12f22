"""Rolling-origin backtest of the price forecast against naive and seasonal-naive forecasts.

From each origin (every `step` weeks after an initial history) the model is fitted on the
weeks before it only and forecasts 1..horizon weeks; so do the naive forecast (the last
price) and the seasonal-naive forecast (the price 52 weeks before the target week). The
mean absolute percentage error of each is reported per horizon, with how often the model's
prediction interval held the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy.engine import Connection

from pigdata.services.market.forecast import (
    MAX_HORIZON,
    NotEnoughHistory,
    Series,
    fit_forecast,
    load_series,
)
from pigdata.services.market.weekly import FloatArray

SEASON = 52


@dataclass(frozen=True, slots=True)
class HorizonScore:
    """MAPE (%) of the model and the two baselines at one horizon, over its origins."""

    horizon: int
    forecasts: int
    model: float
    naive: float
    seasonal_naive: float
    coverage: float  # share of prices inside the model's interval


@dataclass(frozen=True)
class Backtest:
    """A rolling-origin backtest of one region's weekly price forecast."""

    region: str
    item: str
    history_start: date
    first_origin: date
    last_origin: date
    step_weeks: int
    origins: int
    level: float
    supply_signal: bool
    horizons: tuple[HorizonScore, ...]


def _errors(
    series: Series, origins: list[int], horizon: int, level: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Give absolute percentage errors (origins × horizons; NaN past the data) of the model,
    naive and seasonal naive, and whether each price fell inside the interval (1/0)."""
    price = np.exp(series.log_price)
    n = price.size
    shape = (len(origins), horizon)
    model, naive, seasonal, inside = (np.full(shape, np.nan) for _ in range(4))
    for row, origin in enumerate(origins):
        ahead = min(horizon, n - origin)
        mean, lower, upper = fit_forecast(series.log_price[:origin], ahead, level, series.supply)
        target = price[origin : origin + ahead]
        model[row, :ahead] = np.abs(mean - target) / target
        naive[row, :ahead] = np.abs(price[origin - 1] - target) / target
        back = price[origin - SEASON : origin - SEASON + ahead]
        seasonal[row, :ahead] = np.abs(back - target) / target
        inside[row, :ahead] = (lower <= target) & (target <= upper)
    return model, naive, seasonal, inside


def score(
    series: Series, horizon: int, step: int, initial: int, level: float
) -> tuple[list[int], tuple[HorizonScore, ...]]:
    """Give the origins used and the scores per horizon of a rolling-origin backtest."""
    origins = list(range(max(initial, SEASON), series.log_price.size, step))
    model, naive, seasonal, inside = _errors(series, origins, horizon, level)
    scores = tuple(
        HorizonScore(
            horizon=h + 1,
            forecasts=int((~np.isnan(model[:, h])).sum()),
            model=float(np.nanmean(model[:, h]) * 100),
            naive=float(np.nanmean(naive[:, h]) * 100),
            seasonal_naive=float(np.nanmean(seasonal[:, h]) * 100),
            coverage=float(np.nanmean(inside[:, h])),
        )
        for h in range(horizon)
        if (~np.isnan(model[:, h])).any()
    )
    return origins, scores


def backtest_prices(
    conn: Connection,
    region: str,
    item: str = "live_hog",
    horizon: int = MAX_HORIZON,
    step: int = 4,
    initial: int | None = None,
    level: float = 0.8,
) -> Backtest:
    """Give the rolling-origin backtest of a region's weekly price forecast. By default the
    first origin follows three years of history, or half the history if that is shorter
    (at least 52 weeks, which the seasonal-naive forecast needs)."""
    series = load_series(conn, region, item)
    n = series.log_price.size
    start = initial if initial is not None else min(156, n // 2)
    origins, scores = score(series, max(1, min(horizon, MAX_HORIZON)), max(1, step), start, level)
    if not origins:
        raise NotEnoughHistory(
            f"历史太短，无法回测（{n} 周）", f"too short a history to backtest ({n} weeks)"
        )
    return Backtest(
        region=region,
        item=item,
        history_start=series.weeks[0],
        first_origin=series.weeks[origins[0]],
        last_origin=series.weeks[origins[-1]],
        step_weeks=step,
        origins=len(origins),
        level=level,
        supply_signal=series.supply is not None,
        horizons=scores,
    )
