"""The supply outlook on hand-made herd reports, worked out by hand from the lags."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.services.market.outlook import (
    NotEnoughReports,
    backtest_outlook,
    supply_outlook,
)

from tests.builders import FARM_A, district, herd_report, ingest

MONTHS = [f"{2023 + m // 12}-{m % 12 + 1:02d}" for m in range(14)]  # 2023-01 .. 2024-02
DAYS_PER_MONTH = 365.25 / 12


def reports(matings_at_end: int = 50) -> list[dict[str, Any]]:
    """100 sows, 20 litters and 200 born alive a month, 180 sold a month; 25 matings a month
    but `matings_at_end` in the last three months."""
    return [
        herd_report(
            FARM_A,
            month,
            breeding_sows=100,
            matings=matings_at_end if k >= len(MONTHS) - 3 else 25,
            farrowings=20,
            born_alive=200,
            sold_for_slaughter=180,
        )
        for k, month in enumerate(MONTHS)
    ]


def test_outlook_follows_births_then_matings_then_sows(engine: Engine, settings: Settings) -> None:
    assert ingest(engine, settings, [*district(), *reports()]).rejected == 0
    with engine.connect() as conn:
        found = supply_outlook(conn, "500153", 10)
    r = found.ratios
    assert found.origin == "2024-02"
    # 180 sold of 200 born; 20 litters of 25 matings; 10 a litter; 20 litters of 100 sows
    assert np.allclose(
        [r.survival, r.farrowing_rate, r.born_alive_per_litter, r.farrowings_per_sow_month],
        [0.9, 0.8, 10.0, 0.2],
    )
    gestation = 114 / DAYS_PER_MONTH  # 3.75 months: weight at 3 months, the rest at 4
    g3 = 1 - (gestation - 3)
    market = 170 / DAYS_PER_MONTH  # 5.59 months: weight at 5 months, the rest at 6
    m5 = 1 - (market - 5)
    # births after the origin: from the matings 3 and 4 months before, then from the sows
    litters = [0.8 * (g3 * 50 + (1 - g3) * 25), 0.8 * 50, 0.8 * 50, 0.2 * 100, 0.2 * 100]
    births = [200.0] * 14 + [10 * f for f in litters]  # index 14 = 2024-03
    expected = [
        0.9 * (m5 * births[13 + h - 5] + (1 - m5) * births[13 + h - 6]) for h in range(1, 11)
    ]
    assert [m.month for m in found.months][:2] == ["2024-03", "2024-04"]
    assert np.allclose([m.expected for m in found.months], expected)
    assert [m.basis for m in found.months] == ["born_alive"] * 5 + ["matings"] * 3 + ["sows"] * 2
    assert all(m.actual is None for m in found.months)


def test_outlook_from_an_earlier_origin_shows_what_happened(
    engine: Engine, settings: Settings
) -> None:
    assert ingest(engine, settings, [*district(), *reports(matings_at_end=25)]).rejected == 0
    with engine.connect() as conn:
        found = supply_outlook(conn, "500153", 6, origin="2023-12")
        scores = backtest_outlook(conn, "500153", 6)
        with pytest.raises(NotEnoughReports):
            supply_outlook(conn, "500153", 6, origin="2023-03")
    assert [(m.month, m.actual) for m in found.months] == [
        ("2024-01", 180),
        ("2024-02", 180),
        ("2024-03", None),
        ("2024-04", None),
        ("2024-05", None),
        ("2024-06", None),
    ]
    assert np.allclose([m.expected for m in found.months], 180.0)
    # a steady herd is foreseen exactly
    assert scores.first_origin == "2023-12" and scores.origins == 2
    assert [s.forecasts for s in scores.scores] == [2, 1]
    assert all(s.outlook == pytest.approx(0.0) and s.naive == 0.0 for s in scores.scores)
