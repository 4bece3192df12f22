"""Price forecasts and their rolling-origin backtest: hand-made series and the real one."""

from __future__ import annotations

import csv
import itertools
from datetime import date, timedelta

import numpy as np
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.services.intake import ingest_file
from pigdata.services.market.backtest import backtest_prices, score
from pigdata.services.market.forecast import Series, fill_gaps, forecast_prices

from tests.builders import FARM_A, TODAY, district, herd_report, ingest
from tests.services.market_builders import NATIONAL_FILE, quote


def test_fill_gaps_interpolates_inside_and_holds_the_ends() -> None:
    values = np.array([np.nan, 2.0, np.nan, np.nan, 5.0, np.nan])
    assert fill_gaps(values).tolist() == [2.0, 2.0, 3.0, 4.0, 5.0, 5.0]


def test_backtest_baselines_match_brute_force() -> None:
    rng = np.random.default_rng(3)
    prices = 15 * np.exp(np.cumsum(rng.normal(0, 0.02, 80)))
    series = Series(
        tuple(date(2020, 1, 5) + timedelta(weeks=k) for k in range(80)), np.log(prices), None
    )
    origins, scores = score(series, horizon=3, step=5, initial=60, level=0.8)
    assert origins == [60, 65, 70, 75]
    for s in scores:
        h = s.horizon
        used = [o for o in origins if o + h - 1 < 80]
        naive = [abs(prices[o - 1] - prices[o + h - 1]) / prices[o + h - 1] for o in used]
        season = [abs(prices[o + h - 1 - 52] - prices[o + h - 1]) / prices[o + h - 1] for o in used]
        assert s.forecasts == len(used)
        assert np.isclose(s.naive, 100 * np.mean(naive))
        assert np.isclose(s.seasonal_naive, 100 * np.mean(season))
        assert 0.0 <= s.coverage <= 1.0


def test_forecast_of_a_region_has_widening_intervals(engine: Engine, settings: Settings) -> None:
    start = date(2023, 1, 1)
    rng = np.random.default_rng(11)
    prices = 16 * np.exp(np.cumsum(rng.normal(0, 0.03, 60)))
    records = [
        quote("500153", start + timedelta(weeks=k), "live_hog", f"{p:.2f}")
        for k, p in enumerate(prices)
    ]
    assert ingest(engine, settings, records).rejected == 0
    with engine.connect() as conn:
        found = forecast_prices(conn, "500153", horizon=8, level=0.9)
    last = start + timedelta(weeks=59)
    assert found.origin == last and found.history_weeks == 60
    assert [w.week for w in found.weeks] == [last + timedelta(weeks=h) for h in range(1, 9)]
    assert all(w.lower < w.mean < w.upper for w in found.weeks)
    widths = [np.log(w.upper / w.lower) for w in found.weeks]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(widths))
    assert found.supply_signal is None  # no herd reports in this region


def _national_prices() -> list[float]:
    with NATIONAL_FILE.open(encoding="utf-8") as handle:
        return [float(row["live_hog_yuan_per_kg"]) for row in csv.DictReader(handle)]


def test_real_series_backtest_beats_seasonal_naive(engine: Engine, settings: Settings) -> None:
    ingest_file(engine, settings, NATIONAL_FILE, who=ADMIN, today=TODAY)
    with engine.connect() as conn:
        found = backtest_prices(conn, "100000")
    by_horizon = {s.horizon: s for s in found.horizons}
    for h in (4, 8, 13):
        assert by_horizon[h].model < by_horizon[h].seasonal_naive
    # the naive baseline, worked out from the file itself: origins every 4 weeks from week 156
    prices = _national_prices()
    origins = range(156, len(prices), 4)
    assert found.origins == len(origins) and found.first_origin == date(2018, 12, 30)
    for h in (4, 13):
        errors = [
            abs(prices[o - 1] - prices[o + h - 1]) / prices[o + h - 1]
            for o in origins
            if o + h - 1 < len(prices)
        ]
        assert np.isclose(by_horizon[h].naive, 100 * np.mean(errors))


def test_forecast_uses_sows_ten_months_earlier_where_reports_cover_two_years(
    engine: Engine, settings: Settings
) -> None:
    months = [f"{2021 + m // 12}-{m % 12 + 1:02d}" for m in range(39)]  # 2021-01 .. 2024-03
    reports = [
        herd_report(FARM_A, month, breeding_sows=100 + 3 * k) for k, month in enumerate(months)
    ]
    start = date(2021, 11, 7)  # covered from November 2021 (January 2021 + 10 months)
    rng = np.random.default_rng(5)
    prices = 14 * np.exp(np.cumsum(rng.normal(0, 0.02, 120)))
    quotes = [
        quote("500153", start + timedelta(weeks=k), "live_hog", f"{p:.2f}")
        for k, p in enumerate(prices)
    ]
    assert ingest(engine, settings, [*district(), *reports, *quotes]).rejected == 0
    with engine.connect() as conn:
        found = forecast_prices(conn, "500153", horizon=26)
    assert found.supply_signal == "breeding sows 10 months earlier"
    assert found.history_weeks == 120 and len(found.weeks) == 26
