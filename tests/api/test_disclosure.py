"""Disclosure control over a real server: every aggregate the public or another region reads
withholds a township of one farm and a township one farm dominates, and shows one of five
farms of a size; the region's own government and admins see every figure exact."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.domain.disclosure_rules import COMPLEMENTARY, DOMINANCE, MIN_CONTRIBUTORS

from tests.builders import bearer, herd_report, ingest, premises, slaughter

COUNTY = "500153"
LONE = "500153001"  # one farm
EVEN = "500153002"  # five farms of a size
DOMINATED = "500153003"  # five farms, one of them most of the township
MONTH = "2024-06"
LONE_FARM = "5001530101"
HOUSE = "5001530190"
FARMS = {
    LONE: {LONE_FARM: 123},
    EVEN: {f"50015302{i:02d}": sows for i, sows in enumerate((50, 52, 48, 51, 49))},
    DOMINATED: {f"50015303{i:02d}": sows for i, sows in enumerate((1000, 10, 10, 10, 10))},
}


@pytest.fixture
def readers(engine: Engine, settings: Settings) -> dict[str, dict[str, str]]:
    records: list[dict[str, Any]] = [premises(HOUSE, LONE, "slaughterhouse")]
    for town, farms in FARMS.items():
        for code, sows in farms.items():
            records.append(premises(code, town, capacity_sows=sows + 10))
            for month in ("2024-05", MONTH):
                records.append(
                    herd_report(code, month, breeding_sows=sows, piglets=2 * sows, finishers=sows)
                )
    records.append(slaughter(HOUSE, "2024-06-10", [], head_count=40))
    assert ingest(engine, settings, records).rejected == 0
    return {
        "public": {},
        "admin": bearer(engine),
        "own government": bearer(engine, "government", COUNTY),
        "other government": bearer(engine, "government", "500118"),
        "farm": bearer(engine, "farm", LONE_FARM),
    }


CONTROLLED = ("public", "other government", "farm")
EXACT = ("admin", "own government")


def get(server: str, path: str, headers: dict[str, str], **params: Any) -> Any:
    answer = httpx.get(f"{server}/api/v1{path}", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def production(server: str, headers: dict[str, str], region: str, **extra: Any) -> Any:
    return get(server, "/stats/production", headers, region=region, **{"from": MONTH}, to=MONTH,
               **extra)  # fmt: skip


def test_production(server: str, readers: dict[str, dict[str, str]]) -> None:
    for who in CONTROLLED:
        lone = production(server, readers[who], LONE)["months"][0]
        assert lone["inventory"]["breeding_sows"] is None, who
        assert lone["withheld"]["breeding_sows"] == MIN_CONTRIBUTORS
        assert lone["reporting_farms"] == 1  # the count of farms is published
        even = production(server, readers[who], EVEN)["months"][0]
        assert even["inventory"]["breeding_sows"] == 250 and even["withheld"] == {}
        dominated = production(server, readers[who], DOMINATED)["months"][0]
        assert dominated["inventory"]["breeding_sows"] is None
        assert dominated["withheld"]["breeding_sows"] == DOMINANCE
    for who in EXACT:
        lone = production(server, readers[who], LONE)["months"][0]
        assert lone["inventory"]["breeding_sows"] == 123 and lone["withheld"] == {}, who


def test_production_by_part_withholds_a_complement(
    server: str, readers: dict[str, dict[str, str]]
) -> None:
    public = production(server, readers["public"], COUNTY, parts=True)
    # The county (11 farms, the largest 1000 of 1413 sows) is shown; the one-farm and the
    # dominated township are withheld, and since those two together are still dominated
    # (1000 of 1163), the even township is withheld as well.
    assert public["months"][0]["inventory"]["breeding_sows"] == 1413
    parts = {code: months[0] for code, months in public["parts"].items()}
    assert parts[LONE]["withheld"]["breeding_sows"] == MIN_CONTRIBUTORS
    assert parts[DOMINATED]["withheld"]["breeding_sows"] == DOMINANCE
    assert parts[EVEN]["withheld"]["breeding_sows"] == COMPLEMENTARY
    assert parts[EVEN]["inventory"]["breeding_sows"] is None
    exact = production(server, readers["own government"], COUNTY, parts=True)
    assert exact["parts"][LONE][0]["inventory"]["breeding_sows"] == 123


def test_region_history(server: str, readers: dict[str, dict[str, str]]) -> None:
    for who in CONTROLLED:
        lone = get(server, f"/stats/regions/{LONE}/history", readers[who])[-1]
        assert lone["month"] == MONTH and lone["breeding_sows"] is None, who
        assert lone["inventory"] is None and lone["slaughtered"] is None
        assert lone["withheld"]["slaughtered"] == MIN_CONTRIBUTORS  # one slaughterhouse
        even = get(server, f"/stats/regions/{EVEN}/history", readers[who])[-1]
        assert even["breeding_sows"] == 250 and even["inventory"] == 1000
        dominated = get(server, f"/stats/regions/{DOMINATED}/history", readers[who])[-1]
        assert dominated["withheld"]["breeding_sows"] == DOMINANCE
    exact = get(server, f"/stats/regions/{LONE}/history", readers["own government"])[-1]
    assert (exact["breeding_sows"], exact["slaughtered"], exact["withheld"]) == (123, 40, {})


def test_region_breakdown(server: str, readers: dict[str, dict[str, str]]) -> None:
    for who in CONTROLLED:
        areas = {a["code"]: a for a in get(server, f"/stats/regions/{COUNTY}/breakdown",
                                           readers[who])["areas"]}  # fmt: skip
        assert areas[LONE]["breeding_sows"] is None and areas[LONE]["capacity_sows"] is None
        assert areas[LONE]["farms"] == 1
        assert areas[DOMINATED]["withheld"]["inventory"] == DOMINANCE
        assert areas[EVEN]["withheld"]["breeding_sows"] == COMPLEMENTARY
    areas = get(server, f"/stats/regions/{COUNTY}/breakdown", readers["admin"])["areas"]
    lone = next(a for a in areas if a["code"] == LONE)
    assert (lone["breeding_sows"], lone["capacity_sows"], lone["withheld"]) == (123, 133, {})


def test_overview(server: str, readers: dict[str, dict[str, str]]) -> None:
    for who in CONTROLLED:
        herd = get(server, "/stats/overview", readers[who], region=LONE)["latest_herd"]
        assert herd["breeding_sows"] is None and herd["piglets"] is None, who
        assert herd["withheld"]["breeding_sows"] == MIN_CONTRIBUTORS
        even = get(server, "/stats/overview", readers[who], region=EVEN)["latest_herd"]
        assert even["breeding_sows"] == 250
    exact = get(server, "/stats/overview", readers["own government"], region=LONE)
    assert exact["latest_herd"]["breeding_sows"] == 123


def test_resources(server: str, readers: dict[str, dict[str, str]]) -> None:
    for who in CONTROLLED:
        found = get(server, "/resources", readers[who], region=LONE, month=MONTH)
        capacity, manure = found["capacity"], found["manure"]
        assert capacity["sows_on_reporting_farms"] is None, who
        assert capacity["sow_places"] is None and capacity["sow_places_used_pct"] is None
        assert capacity["withheld"]["sow_places"] == MIN_CONTRIBUTORS
        assert manure["pig_equivalents"] is None and manure["withheld"]
        assert found["farms_by_size"]  # counts of farms are published
        even = get(server, "/resources", readers[who], region=EVEN, month=MONTH)
        assert even["capacity"]["sows_on_reporting_farms"] == 250
    exact = get(server, "/resources", readers["admin"], region=LONE, month=MONTH)
    assert exact["capacity"]["sows_on_reporting_farms"] == 123
    assert exact["manure"]["pig_equivalents"] == 123 * 4


def test_capacity(server: str, readers: dict[str, dict[str, str]]) -> None:
    for who in CONTROLLED:
        report = get(server, "/capacity", readers[who], region=LONE, month=MONTH)
        current = report["current"]
        assert current["breeding_sows"] is None and current["ratio_pct"] is None, who
        assert current["zone"] is None and current["change_pct"] is None
        assert report["normal_holding"]["sows"] is None  # derived from the farm's reports
        dominated = get(server, "/capacity", readers[who], region=DOMINATED, month=MONTH)
        assert dominated["current"]["withheld"]["breeding_sows"] == DOMINANCE
        parts = get(server, "/capacity/parts", readers[who], region=COUNTY, month=MONTH)
        by_code = {p["code"]: p for p in parts["parts"]}
        assert by_code[LONE]["breeding_sows"] is None and by_code[LONE]["zone"] is None
    exact = get(server, "/capacity", readers["own government"], region=LONE, month=MONTH)
    assert exact["current"]["breeding_sows"] == 123 and exact["current"]["zone"] is not None


def test_a_public_answer_kept_is_never_sent_to_a_token(
    server: str, readers: dict[str, dict[str, str]]
) -> None:
    path = f"/stats/regions/{LONE}/history"
    for _ in range(2):  # the second is the kept answer, sent before the framework
        assert get(server, path, readers["public"])[-1]["breeding_sows"] is None
    assert get(server, path, readers["own government"])[-1]["breeding_sows"] == 123
    revoked = httpx.get(f"{server}/api/v1{path}", headers={"Authorization": "Bearer pgd_x"})
    assert revoked.status_code == 401
