"""Regional resources from hand-made records: sizes, capacity use, breeds, manure load."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.config import Settings
from pigdata.services.regional import InvalidQuery
from pigdata.services.resources import regional_resources, set_farmland
from pigdata.services.scope import Forbidden

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    RONGCHANG_TOWN,
    SLAUGHTERHOUSE,
    animal,
    bearer,
    district,
    herd_report,
    ingest,
    movement,
    premises,
    slaughter,
)

SILENT_FARM = "5001530101"  # registered in 昌元街道, never reports


def tag(serial: int, county: str = "500153") -> str:
    return f"1{county}{serial:08d}"


def move(cert: str, origin: str, destination: str, day: str, ear_tag: str) -> dict[str, Any]:
    return movement(cert, origin, destination, day, head_count=1, ear_tags=[ear_tag],
                    purpose="breeding")  # fmt: skip


def records() -> list[dict[str, Any]]:
    old = "2022-01-01"
    return [
        *district(),
        premises(SILENT_FARM, RONGCHANG_TOWN),
        herd_report(FARM_A, "2024-05", breeding_sows=60, sold_for_slaughter=30),
        herd_report(
            FARM_A, "2024-06", breeding_sows=60, piglets=100, finishers=300, sold_for_slaughter=30
        ),
        herd_report(FARM_B, "2024-06", breeding_sows=40, finishers=500, sold_for_slaughter=50),
        animal(tag(1), old, FARM_A),  # 荣昌猪 sow, stays: counts
        animal(tag(2), old, FARM_A, breed="长白", sex="male"),  # moved to Yongchuan: not here
        animal(tag(3, "500118"), old, FARM_YONGCHUAN, breed="大白"),  # moved in to B: counts
        animal(tag(4), "2024-05-01", FARM_A),  # too young for breeding stock
        animal(tag(5), old, FARM_A, breed="杜洛克", sex="castrated"),  # not intact
        animal(tag(6), old, FARM_A, breed="大白"),  # slaughtered in May
        animal(tag(7), old, FARM_A, sex="male"),  # moves to B only in July
        move("5000000001", FARM_A, FARM_YONGCHUAN, "2024-03-01", tag(2)),
        move("5000000002", FARM_YONGCHUAN, FARM_B, "2024-04-01", tag(3, "500118")),
        move("5000000003", FARM_A, FARM_B, "2024-07-10", tag(7)),
        slaughter(SLAUGHTERHOUSE, "2024-05-20", [tag(6)]),
    ]


@pytest.fixture
def loaded(engine: Engine, settings: Settings) -> Engine:
    summary = ingest(engine, settings, records())
    assert summary.rejected == 0, [o.issues for o in summary.outcomes if o.issues]
    return engine


def test_sizes_capacity_and_load(loaded: Engine) -> None:
    with loaded.begin() as conn:
        set_farmland(conn, ADMIN, "500153", 500.0, "荣昌区 statistics 2023")
    with loaded.connect() as conn:
        found = regional_resources(conn, ADMIN, "500153", "2024-06")
    # A sold 30 in each of 2 months: 360 a year; B 50 in 1 month: 600 a year (a scale farm).
    assert found.farms_by_size["100-499"] == 1 and found.farms_by_size["500-999"] == 1
    assert found.farms_by_size["no reports"] == 1 and found.scale_farms == 1
    assert sum(found.farms_by_size.values()) == 3
    use = found.capacity  # the builder gives each farm 100 sow and 1000 finishing places
    assert (use.registered_farms, use.sow_places, use.reporting_farms) == (3, 300, 2)
    assert use.sow_places_used_pct == 50.0  # 100 sows in 200 places
    assert use.finishing_places_used_pct == 45.0  # 900 growing pigs in 2000 places
    assert found.manure.pig_equivalents == 60 + 100 + 300 + 40 + 500
    assert found.manure.per_hectare == 1000 / 500
    assert found.notes == []


def test_breeding_stock_by_breed_where_it_is(loaded: Engine) -> None:
    with loaded.connect() as conn:
        county = regional_resources(conn, ADMIN, "500153", "2024-06")
        town_b = regional_resources(conn, ADMIN, "500153100", "2024-06")
        town_a_august = regional_resources(conn, ADMIN, "500153001", "2024-08")
    native = {(b.breed, b.females, b.males) for b in county.native_breeds}
    other = {(b.breed, b.females, b.males) for b in county.other_breeds}
    assert native == {("荣昌猪", 1, 1)} and other == {("大白", 1, 0)}
    assert [(b.breed, b.females) for b in town_b.other_breeds] == [("大白", 1)]
    assert town_b.native_breeds == []
    # By August the boar has moved to B; the four-month-old gilt is still too young.
    assert [(b.breed, b.females, b.males) for b in town_a_august.native_breeds] == [
        ("荣昌猪", 1, 0)
    ]
    assert town_a_august.notes  # no farmland configured


def test_farmland_rules(loaded: Engine) -> None:
    with loaded.begin() as conn:
        with pytest.raises(InvalidQuery, match="hectares"):
            set_farmland(conn, ADMIN, "500153", 0.0, "x")
        with pytest.raises(Forbidden):
            set_farmland(conn, Principal("y", Role.government, "500118"), "500153", 9.0, "x")


def test_api_resources(loaded: Engine, server: str) -> None:
    with httpx.Client(base_url=server) as api:
        found = api.get(
            "/api/v1/resources",
            params={"region": "500153", "month": "2024-06"},
            headers=bearer(loaded),  # exact: the public's are under disclosure control
        )
        refused = api.put(
            "/api/v1/resources/farmland", json={"region": "500153", "hectares": 5, "source": "x"}
        )
    assert found.status_code == 200, found.text
    assert found.json()["capacity"]["sow_places_used_pct"] == 50.0
    assert found.json()["native_breeds"][0]["breed"] == "荣昌猪"
    assert refused.status_code == 403
