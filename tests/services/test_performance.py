"""Farm performance figures and anonymous benchmarks, against values worked out by hand."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.services.performance import farm_performance, region_performance
from pigdata.services.scope import Forbidden

from tests.builders import FARM_A, FARM_B, RONGCHANG_TOWN, district, herd_report, ingest, premises

MORE = [f"500153{n:04d}" for n in range(101, 105)]  # four more farms in 昌元街道
WEANED = {FARM_A: 200, FARM_B: 150, MORE[0]: 180, MORE[1]: 210, MORE[2]: 240, MORE[3]: 270}


def june(farm: str, weaned: int) -> dict[str, Any]:
    """100 sows, 20 litters, 20 deaths before weaning and 5 after, 100 sold."""
    return herd_report(
        farm,
        "2024-06",
        breeding_sows=100,
        farrowings=20,
        born_alive=weaned + 20,
        weaned=weaned,
        deaths=25,
        sold_for_slaughter=100,
    )


@pytest.fixture
def loaded(engine: Engine, settings: Settings) -> Engine:
    records = [*district(), *(premises(code, RONGCHANG_TOWN) for code in MORE)]
    records += [herd_report(farm, "2024-02", matings=25) for farm in WEANED]
    records += [june(farm, weaned) for farm, weaned in WEANED.items()]
    assert ingest(engine, settings, records).rejected == 0
    return engine


def test_one_month_figures_by_hand(loaded: Engine) -> None:
    with loaded.connect() as conn:
        mine = farm_performance(conn, ADMIN, FARM_A, "2024-06", window=1)
    figures = mine.own.figures
    litters = 20 / 100 * 365 / 30  # June has 30 days
    psy = 200 / 100 * 365 / 30
    assert figures["litters_per_sow_year"] == pytest.approx(litters, abs=0.005)
    assert figures["psy"] == pytest.approx(psy, abs=0.005)
    assert figures["msy"] == pytest.approx(psy * 100 / 105, abs=0.005)  # 5 died after weaning
    assert figures["farrowing_rate_pct"] == pytest.approx(80.0)  # 20 of 25 served in February
    assert figures["preweaning_mortality_pct"] == pytest.approx(100 * 20 / 220, abs=0.005)
    assert figures["npd"] == pytest.approx(365 - litters * (114 + 24), abs=0.005)
    assert "fcr" in mine.not_reported and "adg" in mine.not_reported


def test_benchmarks_are_percentiles_of_six_farms(loaded: Engine) -> None:
    with loaded.connect() as conn:
        mine = farm_performance(conn, ADMIN, FARM_A, "2024-06", window=1)
    psy = next(b for b in mine.benchmarks if b.figure == "psy")
    # Sorted weaned: 150 180 200 210 240 270; with 6 values the 10th, 50th and 90th
    # percentiles fall half-way between the 1st and 2nd, 3rd and 4th, 5th and 6th.
    per_weaned = 365 / 30 / 100
    assert psy.farms == 6
    assert psy.bottom_10 == pytest.approx(165 * per_weaned, abs=0.005)
    assert psy.median == pytest.approx(205 * per_weaned, abs=0.005)
    assert psy.top_10 == pytest.approx(255 * per_weaned, abs=0.005)
    mortality = next(b for b in mine.benchmarks if b.figure == "preweaning_mortality_pct")
    # Lower is better: the top 10 % is the low end (the farm weaning 270 of 290).
    rates = sorted(100 * 20 / (w + 20) for w in WEANED.values())
    assert mortality.top_10 == pytest.approx((rates[0] + rates[1]) / 2, abs=0.005)


def test_small_groups_are_withheld(loaded: Engine) -> None:
    with loaded.connect() as conn:
        alone = farm_performance(conn, ADMIN, FARM_B, "2024-06", window=1, peers="500153100")
        five = farm_performance(conn, ADMIN, FARM_A, "2024-06", window=1, peers=RONGCHANG_TOWN)
    assert all(b.median is None and b.top_10 is None for b in alone.benchmarks)
    assert alone.own.figures["psy"] is not None
    assert all(b.farms == 5 and b.median is not None for b in five.benchmarks)


def test_twelve_month_window_uses_reported_months(loaded: Engine) -> None:
    with loaded.connect() as conn:
        whole = farm_performance(conn, ADMIN, FARM_A, "2024-06", window=12)
    # Reports of February (the builder's 50 sows) and June (100 sows): 29 + 30 days.
    sows = (50 + 100) / 2
    assert whole.own.months_reported == 2
    assert whole.own.figures["litters_per_sow_year"] == pytest.approx(
        20 / sows * 365 / 59, abs=0.005
    )


def test_who_sees_which_farm(loaded: Engine) -> None:
    farm_a = Principal("a", Role.farm, FARM_A)
    yongchuan = Principal("y", Role.government, "500118")
    rongchang = Principal("r", Role.government, "500153")
    with loaded.connect() as conn:
        assert farm_performance(conn, farm_a, FARM_A, "2024-06").farm == FARM_A
        for who, farm in (
            (farm_a, FARM_B),
            (yongchuan, FARM_A),
            (Principal("p", Role.public), FARM_A),
        ):
            with pytest.raises(Forbidden):
                farm_performance(conn, who, farm, "2024-06")
        with pytest.raises(Forbidden):
            region_performance(conn, farm_a, "500153", "2024-06")
        listed = region_performance(conn, rongchang, "500153", "2024-06", window=1)
    assert {f.farm for f in listed.farms} == set(WEANED)


def test_api_scopes_a_farm_token(loaded: Engine, server: str) -> None:
    secret = create_token(loaded, "farm-a", Role.farm, FARM_A).secret
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=server, headers=headers) as api:
        own = api.get(
            f"/api/v1/performance/farms/{FARM_A}", params={"month": "2024-06", "window": 1}
        )
        other = api.get(f"/api/v1/performance/farms/{FARM_B}", params={"month": "2024-06"})
        region = api.get("/api/v1/performance", params={"region": "500153", "month": "2024-06"})
    assert own.status_code == 200, own.text
    assert own.json()["own"]["figures"]["farrowing_rate_pct"] == 80.0
    assert other.status_code == 403 and region.status_code == 403
