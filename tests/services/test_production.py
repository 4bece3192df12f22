"""Production statistics and capacity regulation, against figures worked out by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.config import Settings
from pigdata.domain.capacity_zones import Bands, Zone, rule_set_on
from pigdata.services import capacity
from pigdata.services.production import production_statistics
from pigdata.services.regional import InvalidQuery
from pigdata.services.scope import Forbidden

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_SICHUAN,
    FARM_YONGCHUAN,
    SLAUGHTERHOUSE,
    district,
    herd_report,
    ingest,
    premises,
)

CLOSED_FARM = "5001530009"  # closed at the end of January 2024


def reports() -> list[dict[str, Any]]:
    """Two Rongchang farms, one closed farm, a Yongchuan farm and a Sichuan farm."""
    return [
        *district(),
        premises(CLOSED_FARM, "500153001", opened="2020-01-01", closed="2024-01-31"),
        herd_report(FARM_A, "2024-01", breeding_sows=100, piglets=300, born_alive=200, deaths=7),
        herd_report(FARM_B, "2024-01", breeding_sows=50, finishers=400, sold_for_slaughter=90),
        herd_report(CLOSED_FARM, "2024-01", breeding_sows=10),
        herd_report(SLAUGHTERHOUSE, "2024-01", breeding_sows=999),  # not a farm: left out
        herd_report(FARM_A, "2024-02", breeding_sows=104, moved_out=12),
        herd_report(FARM_B, "2024-02", breeding_sows=52, moved_in=12),
        herd_report(FARM_A, "2024-03", breeding_sows=110),
        herd_report(FARM_YONGCHUAN, "2024-03", breeding_sows=1000),
        herd_report(FARM_SICHUAN, "2024-03", breeding_sows=7),
    ]


@pytest.fixture
def loaded(engine: Engine, settings: Settings) -> Engine:
    summary = ingest(engine, settings, reports())
    assert summary.rejected == 0, summary
    return engine


def test_region_sums_and_completeness(loaded: Engine) -> None:
    with loaded.connect() as conn:
        result = production_statistics(conn, ADMIN, "500153", "2024-01", "2024-04")
    jan, feb, mar, apr = result.months
    assert result.region_name == "重庆市 荣昌区"
    # January: A, B and the closed farm (still open in January) all reported.
    assert (jan.registered_farms, jan.reporting_farms, jan.completeness_pct) == (3, 3, 100.0)
    assert jan.inventory["breeding_sows"] == 100 + 50 + 10
    assert jan.inventory["piglets"] == 300 and jan.inventory["finishers"] == 400
    assert jan.flows["born_alive"] == 200 and jan.flows["deaths"] == 7
    assert jan.flows["sold_for_slaughter"] == 90
    assert jan.total_inventory == 160 + 300 + 400
    # February: the closed farm no longer counts as registered.
    assert (feb.registered_farms, feb.reporting_farms) == (2, 2)
    assert (feb.flows["moved_in"], feb.flows["moved_out"]) == (12, 12)
    # March: only A reported, so half the farms.
    assert (mar.reporting_farms, mar.completeness_pct) == (1, 50.0)
    assert mar.inventory["breeding_sows"] == 110
    assert (apr.reporting_farms, apr.completeness_pct, apr.total_inventory) == (0, 0.0, 0)


def test_levels_from_township_to_nation(loaded: Engine) -> None:
    with loaded.connect() as conn:
        township = production_statistics(conn, ADMIN, "500153001", "2024-03", "2024-03").months[0]
        city = production_statistics(conn, ADMIN, "500000", "2024-03", "2024-03").months[0]
        nation = production_statistics(conn, ADMIN, "100000", "2024-03", "2024-03", by_part=True)
    assert (township.registered_farms, township.inventory["breeding_sows"]) == (1, 110)
    assert (city.registered_farms, city.reporting_farms) == (3, 2)
    assert city.inventory["breeding_sows"] == 1110
    assert nation.months[0].inventory["breeding_sows"] == 1117
    assert nation.months[0].registered_farms == 4
    assert set(nation.parts) == {"500000", "510000"}
    assert nation.parts["510000"][0].inventory["breeding_sows"] == 7
    assert nation.part_names["510000"] == "四川省"


def test_parts_of_a_county_are_townships(loaded: Engine) -> None:
    with loaded.connect() as conn:
        result = production_statistics(conn, ADMIN, "500153", "2024-01", "2024-01", by_part=True)
    assert {k: v[0].inventory["breeding_sows"] for k, v in result.parts.items()} == {
        "500153001": 110,
        "500153100": 50,
    }


@pytest.mark.parametrize(
    ("first", "last"), [("2024-13", "2024-12"), ("2024-05", "2024-01"), ("2000-01", "2024-01")]
)
def test_bad_periods_name_the_field(engine: Engine, first: str, last: str) -> None:
    with engine.connect() as conn, pytest.raises(InvalidQuery, match="from"):
        production_statistics(conn, ADMIN, "500153", first, last)


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sows=st.lists(st.integers(0, 5000), min_size=6, max_size=6))
def test_parts_add_up_to_the_region(engine: Engine, settings: Settings, sows: list[int]) -> None:
    farms = [f"500153{n:04d}" for n in range(101, 107)]
    towns = ["500153001", "500153100", "500153101", "500153001", "500153100", "500153102"]
    # Examples share the database: a farm's later report of the month is refused, and the
    # invariant holds for whatever is stored.
    month = "2023-05"
    records: list[dict[str, Any]] = [premises(f, tw) for f, tw in zip(farms, towns, strict=True)]
    records += [herd_report(f, month, breeding_sows=s) for f, s in zip(farms, sows, strict=True)]
    ingest(engine, settings, records)
    with engine.connect() as conn:
        result = production_statistics(conn, ADMIN, "500153", month, month, by_part=True)
    total = result.months[0].inventory["breeding_sows"]
    assert total == sum(p[0].inventory["breeding_sows"] for p in result.parts.values())


# --- capacity ----------------------------------------------------------------------------------


def test_derived_normal_holding_and_zones(loaded: Engine) -> None:
    with loaded.connect() as conn:
        report = capacity.capacity_status(conn, ADMIN, "500153", "2024-03")
    holding = report.normal_holding
    assert holding is not None and holding.basis == "derived"
    # Reported months 2024-01..03: 160, 156, 110 sows; their mean is 142 (rounded).
    assert holding.sows == round((160 + 156 + 110) / 3) == 142
    assert "derived" in holding.source
    # The 2024 revision is in force from 29 Feb 2024: green 92–105, yellow 85–92 / 105–110.
    assert report.rule_set.startswith("生猪产能调控实施方案 2024")
    assert len(report.history) == 12  # April 2023 to March 2024; no reports before January
    assert all(m.zone is None and m.reporting_farms == 0 for m in report.history[:-3])
    jan, feb, mar = report.history[-3:]
    assert jan.ratio_pct == round(100 * 160 / 142, 2) == 112.68 and jan.zone is Zone.red
    assert feb.ratio_pct == round(100 * 156 / 142, 2) == 109.86 and feb.zone is Zone.yellow
    assert mar.ratio_pct == round(100 * 110 / 142, 2) == 77.46 and mar.zone is Zone.red
    assert feb.change_pct == round(100 * (156 - 160) / 160, 2) == -2.5
    assert mar.change_pct == round(100 * (110 - 156) / 156, 2)
    assert mar.completeness_pct == 50.0
    assert [(a.month, a.left, a.entered) for a in report.alerts] == [
        ("2024-02", Zone.red, Zone.yellow),
        ("2024-03", Zone.yellow, Zone.red),
    ]


def test_configured_holding_and_bands_of_a_region(loaded: Engine) -> None:
    longyan_like = Bands(green_low=90, green_high=105, yellow_low=83, yellow_high=110)
    with loaded.begin() as conn:
        capacity.set_capacity(
            conn, ADMIN, capacity.CapacitySetting("500000", "2024-01", None, longyan_like, "bands")
        )
        capacity.set_capacity(
            conn, ADMIN, capacity.CapacitySetting("500153", "2024-02", 120, None, "plan 2024")
        )
    with loaded.connect() as conn:
        feb = capacity.capacity_status(conn, ADMIN, "500153", "2024-02")
        jan = capacity.capacity_status(conn, ADMIN, "500153", "2024-01")
    assert feb.normal_holding is not None and feb.normal_holding.sows == 120
    assert feb.normal_holding.basis == "configured"
    assert feb.bands == longyan_like and feb.bands_source.startswith("500000 2024-01")
    # 156 of 120 = 130 %: red; January is judged with February's holding as well: 133.33 %.
    assert feb.current.ratio_pct == 130.0 and feb.current.zone is Zone.red
    assert jan.normal_holding is not None and jan.normal_holding.basis == "derived"


def test_nation_uses_the_national_holding(loaded: Engine) -> None:
    with loaded.connect() as conn:
        report = capacity.capacity_status(conn, ADMIN, "100000", "2024-03")
    assert report.normal_holding is not None and report.normal_holding.sows == 39_000_000
    assert report.current.ratio_pct == round(100 * 1117 / 39_000_000, 2)
    assert report.current.zone is Zone.red


def test_zone_bands_of_the_presets() -> None:
    old, new = rule_set_on(date(2023, 1, 1)), rule_set_on(date(2024, 8, 1))
    assert (old.bands.zone(94.9), old.bands.zone(95.0), old.bands.zone(110.1)) == (
        Zone.yellow,
        Zone.green,
        Zone.red,
    )
    # DOMAIN.md's example: August 2024, 40.36 million sows = 103.5 % of 39 million → green.
    assert new.bands.zone(100 * 40.36 / 39.0) is Zone.green
    assert (new.bands.zone(91.9), new.bands.zone(84.9)) == (Zone.yellow, Zone.red)


def test_settings_are_refused_outside_the_government_s_region(loaded: Engine) -> None:
    yongchuan = Principal("yongchuan", Role.government, "500118")
    setting = capacity.CapacitySetting("500153", "2024-01", 100, None, "x")
    with loaded.begin() as conn, pytest.raises(Forbidden):
        capacity.set_capacity(conn, yongchuan, setting)
    bad = capacity.CapacitySetting("500153", "2024-01", None, Bands(95, 90, 85, 110), "x")
    with loaded.begin() as conn, pytest.raises(InvalidQuery, match="bands"):
        capacity.set_capacity(conn, ADMIN, bad)
    rongchang = Principal("rongchang", Role.government, "500153")
    with loaded.begin() as conn:
        capacity.set_capacity(conn, rongchang, setting)
    with loaded.connect() as conn:
        assert [s.normal_holding for s in capacity.capacity_settings(conn, "500153")] == [100]
