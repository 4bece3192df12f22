"""Regional aggregates for the display centre, against sums worked out by hand."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.domain.regions import UnknownDivision
from pigdata.services.drilldown import (
    NATION,
    drill_children,
    region_breakdown,
    region_history,
)

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_SICHUAN,
    FARM_YONGCHUAN,
    RONGCHANG_TOWN,
    SLAUGHTERHOUSE,
    bearer,
    district,
    herd_report,
    ingest,
    premises,
    slaughter,
)

SILENT_FARM = "5001530010"  # registered, never reports


@pytest.fixture
def herds(engine: Engine, settings: Settings) -> None:
    records = [
        *district(),
        premises(SILENT_FARM, RONGCHANG_TOWN, capacity_sows=40),
        herd_report(FARM_A, "2024-11", breeding_sows=50, piglets=100, sold_for_slaughter=30),
        herd_report(FARM_A, "2024-12", breeding_sows=60, finishers=200, sold_for_slaughter=700),
        herd_report(FARM_B, "2024-12", breeding_sows=10, boars=2, sold_for_slaughter=20),
        herd_report(FARM_YONGCHUAN, "2024-12", breeding_sows=5),
        herd_report(FARM_SICHUAN, "2024-10", breeding_sows=7),
        slaughter(SLAUGHTERHOUSE, "2024-12-02", [], head_count=3),
        slaughter(SLAUGHTERHOUSE, "2024-11-30", [], head_count=4),
    ]
    assert ingest(engine, settings, records).rejected == 0


def test_chongqing_opens_its_pseudo_prefectures() -> None:
    parts = drill_children("500000")
    assert len(parts) == 38 and {p.level.value for p in parts} == {"county"}
    assert "500153" in {p.code for p in parts}
    assert len(drill_children(NATION)) == 31
    assert [p.code for p in drill_children("510000")][:2] == ["510100", "510300"]


def test_breakdown_of_chongqing(engine: Engine, herds: None) -> None:
    with engine.connect() as conn:
        found = region_breakdown(conn, ADMIN, "500000")
    areas = {a.code: a for a in found.areas}
    assert found.month == "2024-12" and len(areas) == 38
    rongchang = areas["500153"]
    # FARM_A, FARM_B and the silent farm: 100 + 100 + 40 sows of capacity; two reported.
    assert (rongchang.farms, rongchang.capacity_sows, rongchang.reporting_farms) == (3, 240, 2)
    assert (rongchang.breeding_sows, rongchang.inventory) == (60 + 10, 60 + 200 + 10 + 2)
    yongchuan = areas["500118"]
    assert (yongchuan.farms, yongchuan.breeding_sows, yongchuan.inventory) == (1, 5, 5)
    others = [a for code, a in areas.items() if code not in {"500153", "500118"}]
    assert all(a.farms == a.breeding_sows == a.inventory == 0 for a in others)


def test_breakdown_of_the_nation_and_of_a_county(engine: Engine, herds: None) -> None:
    with engine.connect() as conn:
        nation = {a.code: a for a in region_breakdown(conn, ADMIN, NATION).areas}
        county = {a.code: a for a in region_breakdown(conn, ADMIN, "500153").areas}
    assert nation["500000"].farms == 4 and nation["500000"].breeding_sows == 75
    # Sichuan's farm reported in October only: not in the nation's latest month.
    assert (nation["510000"].farms, nation["510000"].reporting_farms) == (1, 0)
    assert len(county) == 21
    assert county[RONGCHANG_TOWN].farms == 2 and county[RONGCHANG_TOWN].breeding_sows == 60


def test_history_of_rongchang(engine: Engine, herds: None) -> None:
    with engine.connect() as conn:
        months = region_history(conn, ADMIN, "500153")
    assert [(m.month, m.reporting_farms, m.breeding_sows, m.inventory) for m in months] == [
        ("2024-11", 1, 50, 150),
        ("2024-12", 2, 70, 272),
    ]
    assert [(m.sold_for_slaughter, m.slaughtered) for m in months] == [(30, 4), (720, 3)]


def test_unknown_region_is_refused(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(UnknownDivision):
        region_breakdown(conn, ADMIN, "500199")


def test_the_api_gives_the_same_figures(server: str, herds: None, engine: Engine) -> None:
    base = f"{server}/api/v1/stats/regions"
    admin = bearer(engine)  # exact figures: the public's are under disclosure control
    breakdown = httpx.get(f"{base}/500000/breakdown", headers=admin).json()
    rongchang = next(a for a in breakdown["areas"] if a["code"] == "500153")
    assert rongchang["inventory"] == 272 and breakdown["month"] == "2024-12"
    assert httpx.get(f"{base}/500153/history", headers=admin).json()[-1]["slaughtered"] == 3
    missing = httpx.get(f"{base}/500199/breakdown")
    assert missing.status_code == 404 and "500199" in missing.json()["detail"]


def _let_the_server_see_another_process_write(settings: Settings) -> None:
    # The test writes on its own engine, not through the server: the server reads the
    # store's version again once its last reading is older than answer_max_age.
    time.sleep(settings.answer_max_age)


def test_a_kept_answer_gives_way_to_a_new_entry(
    server: str, herds: None, engine: Engine, settings: Settings
) -> None:
    url = f"{server}/api/v1/stats/regions/500153/breakdown"
    overview = f"{server}/api/v1/stats/overview?region=500153"
    admin = bearer(engine)
    before, seen = httpx.get(url, headers=admin).json(), httpx.get(overview).json()
    assert httpx.get(url, headers=admin).json() == before  # kept: the ledger has not grown
    later = herd_report(SILENT_FARM, "2024-12", breeding_sows=11)
    assert ingest(engine, settings, [later]).accepted == 1
    _let_the_server_see_another_process_write(settings)
    after = httpx.get(url, headers=admin).json()
    sows = [sum(a["breeding_sows"] for a in answer["areas"]) for answer in (before, after)]
    assert sows == [70, 70 + 11]
    assert httpx.get(overview).json()["ledger_size"] == seen["ledger_size"] + 1


def test_an_answer_held_already_is_not_sent_again(
    server: str, herds: None, engine: Engine, settings: Settings
) -> None:
    url = f"{server}/api/v1/stats/regions/500153/history"
    admin = bearer(engine)
    first = httpx.get(url, headers=admin)
    etag = first.headers["etag"]
    again = httpx.get(url, headers={**admin, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = httpx.get(
        f"{server}/api/v1/stats/regions/500000/history", headers={**admin, "If-None-Match": etag}
    )
    assert other.status_code == 200  # another region, another tag
    later = herd_report(SILENT_FARM, "2024-12", breeding_sows=11)
    assert ingest(engine, settings, [later]).accepted == 1
    _let_the_server_see_another_process_write(settings)
    grown = httpx.get(url, headers={**admin, "If-None-Match": etag})
    assert grown.status_code == 200 and grown.headers["etag"] != etag
    assert grown.json()[-1]["breeding_sows"] == first.json()[-1]["breeding_sows"] + 11
