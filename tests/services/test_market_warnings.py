"""The hog–grain ratio and its warnings: hand-made weeks, and the real 2016–2022 series."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.services.intake import ingest_file
from pigdata.services.market.warnings import downside_levels, price_warnings, run_lengths

from tests.builders import MARKET, RONGCHANG_TOWN, TODAY, district, ingest, premises
from tests.services.market_builders import NATIONAL_FILE, quote, trade

MARKET_2 = "5001530005"
FIRST_SUNDAY = date(2024, 3, 3)


def five_weeks() -> list[dict[str, Any]]:
    """Hog prices at two markets (week 1 weighted 30:10 by head traded) and corn at the county."""
    week = [FIRST_SUNDAY + timedelta(weeks=k) for k in range(5)]
    wednesday = [w - timedelta(days=4) for w in week]
    hog = [
        quote(MARKET, wednesday[0], "live_hog", "14.0"),
        quote(MARKET_2, wednesday[0] + timedelta(days=1), "live_hog", "16.0"),
        quote(MARKET, wednesday[1], "live_hog", "13.75"),
        quote(MARKET, wednesday[2], "live_hog", "13.0"),
        quote(MARKET_2, wednesday[2], "live_hog", "13.0"),
        quote(MARKET, wednesday[3], "live_hog", "12.0"),
        quote(MARKET, wednesday[4], "live_hog", "15.75"),
    ]
    corn = [quote("500153", d, "corn", "2500", "yuan/tonne") for d in wednesday]
    corn[2] = quote("500153", wednesday[2], "corn", "2.5")  # the same price per kg
    trades = [trade(MARKET, week[0] - timedelta(days=6), 30), trade(MARKET_2, week[0], 10)]
    return [*district(), premises(MARKET_2, RONGCHANG_TOWN, "market"), *trades, *hog, *corn]


def test_ratio_levels_and_alerts_of_hand_made_weeks(engine: Engine, settings: Settings) -> None:
    summary = ingest(engine, settings, five_weeks())
    assert summary.rejected == 0
    with engine.connect() as conn:
        found = price_warnings(conn, "500153")
    # week 1: (30 × 14 + 10 × 16) / 40 = 14.5; 14.5 / 2.5 = 5.8. Then 5.5, 5.2, 4.8, 6.3.
    assert [r.week for r in found.ratio] == [FIRST_SUNDAY + timedelta(weeks=k) for k in range(5)]
    assert np.allclose([r.hog for r in found.ratio], [14.5, 13.75, 13.0, 12.0, 15.75])
    assert np.allclose([r.ratio for r in found.ratio], [5.8, 5.5, 5.2, 4.8, 6.3])
    # band weeks 1–3: level 3, 3, then 2 in the third week in a row; below 5: 1; above 6: none
    assert [r.level for r in found.ratio] == [3, 3, 2, 1, None]
    assert [(a.week, a.event, a.level, a.previous) for a in found.alerts] == [
        (FIRST_SUNDAY, "entered", 3, None),
        (FIRST_SUNDAY + timedelta(weeks=2), "changed", 2, 3),
        (FIRST_SUNDAY + timedelta(weeks=3), "changed", 1, 2),
        (FIRST_SUNDAY + timedelta(weeks=4), "left", None, 1),
    ]


def test_upside_levels_year_on_year(engine: Engine, settings: Settings) -> None:
    start = date(2023, 1, 1)  # a Sunday
    prices = ["20"] * 52 + ["26", "28.2", "25.9"]
    records = [
        quote("500153", start + timedelta(weeks=k), "lean_pork_retail", p)
        for k, p in enumerate(prices)
    ]
    assert ingest(engine, settings, records).rejected == 0
    with engine.connect() as conn:
        found = price_warnings(conn, "500153")
    # 26 / 20 = +30 % (level 2), 28.2 / 20 = +41 % (level 1), 25.9 / 20 = +29.5 % (none)
    assert [(r.week, r.level) for r in found.retail] == [
        (start + timedelta(weeks=52), 2),
        (start + timedelta(weeks=53), 1),
        (start + timedelta(weeks=54), None),
    ]
    assert np.allclose([r.change for r in found.retail], [0.30, 0.41, 0.295])
    assert [(a.side, a.event, a.level) for a in found.alerts] == [
        ("upside", "entered", 2),
        ("upside", "changed", 1),
        ("upside", "left", None),
    ]
    assert found.ratio == ()


@given(st.lists(st.booleans(), max_size=40))
def test_run_lengths_count_trues_ending_here(flags: list[bool]) -> None:
    expected, run = [], 0
    for flag in flags:
        run = run + 1 if flag else 0
        expected.append(run)
    assert run_lengths(np.array(flags, dtype=bool)).tolist() == expected


@given(st.lists(st.floats(min_value=3.0, max_value=9.0), max_size=30))
def test_downside_levels_follow_the_plan_week_by_week(ratios: list[float]) -> None:
    weeks = tuple(date(2022, 1, 2) + timedelta(weeks=k) for k in range(len(ratios)))
    expected, band_run = [], 0
    for r in ratios:
        band_run = band_run + 1 if 5.0 <= r < 6.0 else 0
        expected.append(1 if r < 5.0 else 2 if band_run >= 3 else 3 if r < 6.0 else 0)
    assert downside_levels(weeks, np.array(ratios, dtype=np.float64)).tolist() == expected


def test_real_series_warns_level_1_in_june_2021_and_level_2_in_january_2022(
    engine: Engine, settings: Settings
) -> None:
    summary = ingest_file(engine, settings, NATIONAL_FILE, who=ADMIN, today=TODAY)
    assert (summary.accepted, summary.rejected) == (365 * 4, 0)
    with engine.connect() as conn:
        june = price_warnings(conn, "100000", date(2021, 6, 1), date(2021, 6, 30))
        january = price_warnings(conn, "100000", date(2022, 1, 1), date(2022, 1, 31))
    assert 1 in {r.level for r in june.ratio}
    assert {r.level for r in january.ratio} == {2}
    # corn came in yuan/tonne: 2021-06-27 live hog 11.9 yuan/kg over corn about 2.56 yuan/kg
    last_june = june.ratio[-1]
    assert last_june.week == date(2021, 6, 27)
    assert 2.0 < last_june.corn < 3.2 and 4.0 < last_june.ratio < 5.0
