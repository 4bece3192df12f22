"""Read scopes over a real server and the command line: outbreak zones and the health overview
give each reader the premises of its own view only, and breeding results answer a
government for the herds kept inside its region only."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.synth.herdbook import herdbook_records

from tests.builders import (
    FARM_A,
    FARM_B,
    RONGCHANG_TOWN,
    YONGCHUAN_TOWN,
    bearer,
    district,
    ingest,
    premises,
)

CENTRE = 29.40
INFECTED, NEAR, ACROSS, FAR = "5001530010", "5001530011", "5001180010", "5001180011"


def _at(code: str, township: str, km_north: float) -> dict[str, Any]:
    return premises(code, township, latitude=f"{CENTRE + km_north / 110.85:.6f}")


@pytest.fixture
def zoned(engine: Engine, settings: Settings) -> dict[str, dict[str, str]]:
    # An outbreak in Rongchang whose threatened zone reaches a farm across the county line.
    records = [
        _at(INFECTED, RONGCHANG_TOWN, 0.0),
        _at(NEAR, RONGCHANG_TOWN, 2.0),
        _at(ACROSS, YONGCHUAN_TOWN, 6.0),
        _at(FAR, YONGCHUAN_TOWN, 30.0),
        {
            "kind": "outbreak_report",
            "outbreak_id": "ASF-2024-007",
            "premises": INFECTED,
            "disease": "african_swine_fever",
            "status": "confirmed",
            "report_date": "2024-06-10",
            "confirmed_date": "2024-06-10",
            "last_culling_date": "2024-06-12",
            "culled": 300,
        },
    ]
    assert ingest(engine, settings, records).rejected == 0
    return {
        "public": {},
        "admin": bearer(engine),
        "rongchang": bearer(engine, "government", "500153"),
        "yongchuan": bearer(engine, "government", "500118"),
        "chongqing": bearer(engine, "government", "500000"),
        "near farm": bearer(engine, "farm", NEAR),
        "far farm": bearer(engine, "farm", FAR),
    }


def _zones(server: str, headers: dict[str, str]) -> dict[str, Any]:
    answer = httpx.get(
        f"{server}/api/v1/animal-health/zones", params={"day": "2024-06-20"}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    (zone,) = answer.json()
    return dict(zone)


def test_zones_give_each_reader_its_own_premises(
    server: str, zoned: dict[str, dict[str, str]]
) -> None:
    seen = {
        who: {p["premises"] for p in _zones(server, headers)["premises"]}
        for who, headers in zoned.items()
    }
    assert seen == {
        "public": set(),
        "admin": {INFECTED, NEAR, ACROSS},
        "rongchang": {INFECTED, NEAR},
        "yongchuan": {ACROSS},
        "chongqing": {INFECTED, NEAR, ACROSS},
        "near farm": {NEAR},
        "far farm": set(),
    }
    counts = {"infected_point": 1, "infected_zone": 1, "threatened_zone": 1}
    for who, headers in zoned.items():
        zone = _zones(server, headers)
        assert zone["counts"] == counts, who  # how many: public, as the zones are
        (point,) = zone["infected_points"]
        assert point["latitude"] == pytest.approx(CENTRE)  # the zone's centre: public
        which = INFECTED if who in ("admin", "rongchang", "chongqing") else None
        assert point["premises"] == which, who
        assert zone["outbreak"]["infected_points"] == ([which] if which else [])
    across = _zones(server, zoned["yongchuan"])["premises"][0]
    assert across["infected_point"] is None and across["distance_km"] > 5
    geo = httpx.get(
        f"{server}/api/v1/animal-health/zones.geojson", params={"day": "2024-06-20"}
    ).json()
    assert {f["properties"].get("premises") for f in geo["features"]} == {None}


def test_health_overview_lists_restricted_premises_by_scope(
    server: str, zoned: dict[str, dict[str, str]]
) -> None:
    def overview(who: str) -> Any:
        return httpx.get(
            f"{server}/api/v1/animal-health/overview",
            params={"day": "2024-06-20"},
            headers=zoned[who],
        ).json()

    assert all(overview(who)["restricted_premises"] == 3 for who in zoned)
    assert overview("public")["restricted"] == {}
    assert set(overview("rongchang")["restricted"]) == {INFECTED, NEAR}
    assert overview("yongchuan")["restricted"] == {ACROSS: "threatened_zone"}
    assert set(overview("near farm")["restricted"]) == {NEAR}
    assert len(overview("admin")["restricted"]) == 3


def test_zones_on_the_command_line_by_token(
    engine: Engine, settings: Settings, zoned: dict[str, dict[str, str]]
) -> None:
    from tests.cli.test_commands import run

    token = zoned["yongchuan"]["Authorization"].removeprefix("Bearer ")
    done = run(settings, "health", "zones", "--day", "2024-06-20", "--token", token)
    assert ACROSS in done.stdout and NEAR not in done.stdout and INFECTED not in done.stdout
    operator = run(settings, "health", "zones", "--day", "2024-06-20")
    assert NEAR in operator.stdout and ACROSS in operator.stdout


@pytest.fixture
def herdbook(engine: Engine, settings: Settings) -> dict[str, dict[str, str]]:
    records = list(herdbook_records(np.random.default_rng(3), FARM_A, date(2024, 1, 1)))
    assert ingest(engine, settings, [*district(), *records]).rejected == 0
    return {
        "rongchang": bearer(engine, "government", "500153"),
        "chongqing": bearer(engine, "government", "500000"),
        "yongchuan": bearer(engine, "government", "500118"),
        "sichuan": bearer(engine, "government", "510000"),
        "farm b": bearer(engine, "farm", FARM_B),
    }


def test_breeding_answers_governments_for_herds_in_their_region(
    server: str, herdbook: dict[str, dict[str, str]]
) -> None:
    api = "/api/v1/breeding"
    kin = [("herdbook", "RC"), ("id", "RC09M001"), ("id", "RC09F001")]
    plan = {"herdbook": "RC", "herd": FARM_A}
    with httpx.Client(base_url=server, timeout=120) as client:
        for who in ("rongchang", "chongqing"):
            headers = herdbook[who]
            assert client.get(f"{api}/kinship", params=kin, headers=headers).status_code == 200
            made = client.post(f"{api}/mating-plan", json=plan, headers=headers)
            assert made.status_code == 200, made.text
        for who in ("yongchuan", "sichuan", "farm b"):
            headers = herdbook[who]
            refused = client.get(f"{api}/kinship", params=kin, headers=headers)
            assert refused.status_code == 403, who
            assert refused.headers["content-type"] == "application/problem+json"
            assert client.post(f"{api}/mating-plan", json=plan, headers=headers).status_code == 403
            whole = client.post(f"{api}/mating-plan", json={"herdbook": "RC"}, headers=headers)
            assert whole.status_code == 403, who
            rows = client.get(f"{api}/inbreeding", params={"herdbook": "RC"}, headers=headers)
            assert rows.json()["rows"] == [] and rows.json()["animals"] == 1880
