"""The statistics endpoints over a real server: production, capacity and its settings."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings

from tests.builders import FARM_A, FARM_B, district, herd_report, ingest


@pytest.fixture
def tokens(engine: Engine, settings: Settings) -> dict[str, str]:
    records = [
        *district(),
        herd_report(FARM_A, "2024-07", breeding_sows=100),
        herd_report(FARM_B, "2024-07", breeding_sows=60),
        herd_report(FARM_A, "2024-08", breeding_sows=110, sold_for_slaughter=33),
    ]
    assert ingest(engine, settings, records).rejected == 0
    made = {
        "admin": create_token(engine, "admin", Role.admin),
        "rongchang": create_token(engine, "rongchang", Role.government, "500153"),
        "yongchuan": create_token(engine, "yongchuan", Role.government, "500118"),
    }
    return {name: issued.secret for name, issued in made.items()}


def client(server: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server, headers=headers)


def test_production_is_exact_in_its_region(server: str, tokens: dict[str, str]) -> None:
    with client(server, tokens["rongchang"]) as api:
        answer = api.get(
            "/api/v1/stats/production",
            params={"region": "500153", "from": "2024-07", "to": "2024-08"},
        )
    assert answer.status_code == 200, answer.text
    july, august = answer.json()["months"]
    assert july["inventory"]["breeding_sows"] == 160 and july["completeness_pct"] == 100.0
    assert august["flows"]["sold_for_slaughter"] == 33 and august["completeness_pct"] == 50.0


def test_bad_queries_are_problems(server: str, tokens: dict[str, str]) -> None:
    with client(server) as api:
        backwards = api.get(
            "/api/v1/stats/production",
            params={"region": "500153", "from": "2024-08", "to": "2024-01"},
        )
        unknown = api.get("/api/v1/capacity", params={"region": "999999", "month": "2024-08"})
        malformed = api.get("/api/v1/capacity", params={"region": "500153", "month": "2024-8"})
    assert backwards.status_code == 422 and "from" in backwards.json()["detail"]
    assert backwards.headers["content-type"] == "application/problem+json"
    assert backwards.json()["title"] == "Invalid query"
    assert backwards.json()["rule"] == "query.invalid"
    assert unknown.status_code == 404
    assert malformed.status_code == 422


def test_capacity_with_a_configured_holding(server: str, tokens: dict[str, str]) -> None:
    setting = {
        "region": "500153",
        "effective_month": "2024-01",
        "normal_holding": 160,
        "green_low": 90,
        "green_high": 105,
        "yellow_low": 83,
        "yellow_high": 110,
        "source": "荣昌区 2024 plan",
    }
    with client(server) as api:
        assert api.put("/api/v1/capacity/settings", json=setting).status_code == 403
    with client(server, tokens["yongchuan"]) as api:
        assert api.put("/api/v1/capacity/settings", json=setting).status_code == 403
    with client(server, tokens["admin"]) as api:  # a kept answer must not outlive the setting
        before = api.get("/api/v1/capacity", params={"region": "500153", "month": "2024-08"})
    assert before.json()["normal_holding"]["basis"] == "derived"
    with client(server, tokens["rongchang"]) as api:
        half = {**setting, "green_low": None}
        assert api.put("/api/v1/capacity/settings", json=half).status_code == 422
        assert api.put("/api/v1/capacity/settings", json=setting).status_code == 204
    with client(server, tokens["admin"]) as api:
        report = api.get("/api/v1/capacity", params={"region": "500153", "month": "2024-08"})
        listed = api.get("/api/v1/capacity/settings", params={"region": "500153"})
    body = report.json()
    assert body["normal_holding"] == {
        "sows": 160,
        "basis": "configured",
        "source": "荣昌区 2024 plan",
        "withheld": None,
    }
    # July 160 of 160 = 100 % green; August 110 of 160 = 68.75 % red (below 83 %).
    assert [(m["month"], m["ratio_pct"], m["zone"]) for m in body["history"][-2:]] == [
        ("2024-07", 100.0, "green"),
        ("2024-08", 68.75, "red"),
    ]
    assert body["current"]["change_pct"] == round(100 * (110 - 160) / 160, 2)
    assert body["alerts"] == [
        {"month": "2024-08", "left": "green", "entered": "red", "ratio_pct": 68.75}
    ]
    assert listed.json()[0]["bands"]["yellow_low"] == 83


def test_every_service_answers_on_the_demo(engine: Engine, settings: Settings, server: str) -> None:
    from pigdata.cli.serve import load_demo
    from pigdata.synth import DemoSpec

    load_demo(engine, settings, DemoSpec(scale=0.2, months=13, start_month="2023-08"))
    admin = create_token(engine, "admin", Role.admin).secret
    month = {"month": "2024-08"}
    with client(server, admin) as api:
        production = api.get(
            "/api/v1/stats/production",
            params={"region": "500153", "from": "2024-08", "to": "2024-08", "parts": True},
        )
        capacity = api.get("/api/v1/capacity", params={"region": "500153", **month})
        farms = api.get("/api/v1/performance", params={"region": "500153", **month})
        resources = api.get("/api/v1/resources", params={"region": "500153", **month})
    for answer in (production, capacity, farms, resources):
        assert answer.status_code == 200, answer.text
    figures = production.json()
    total = figures["months"][0]["inventory"]["breeding_sows"]
    parts = sum(p[0]["inventory"]["breeding_sows"] for p in figures["parts"].values())
    assert total > 0 and parts == total
    assert capacity.json()["current"]["breeding_sows"] == total
    assert capacity.json()["normal_holding"]["basis"] == "derived"
    farm = farms.json()["farms"][0]["farm"]
    with client(server, admin) as api:
        one = api.get(f"/api/v1/performance/farms/{farm}", params=month)
    assert one.status_code == 200 and one.json()["own"]["farm"] == farm
    assert resources.json()["capacity"]["sows_on_reporting_farms"] == total
    assert resources.json()["native_breeds"][0]["breed"] == "荣昌猪"


def test_capacity_of_parts_is_each_parts_own(server: str, tokens: dict[str, str]) -> None:
    month = {"month": "2024-08"}
    with client(server, tokens["admin"]) as api:
        parts = api.get("/api/v1/capacity/parts", params={"region": "500100", **month})
        one_by_one = {
            code: api.get("/api/v1/capacity", params={"region": code, **month}).json()["current"]
            for code in ("500153", "500118")
        }
        unknown = api.get("/api/v1/capacity/parts", params={"region": "999999", **month})
        again = api.get(
            "/api/v1/capacity/parts",
            params={"region": "500100", **month},
            headers={"If-None-Match": parts.headers["ETag"]},
        )
    assert parts.status_code == 200, parts.text
    body = parts.json()
    by_code = {p["code"]: p for p in body["parts"]}
    assert body["region"] == "500100" and len(by_code) == 26  # Chongqing's districts
    for code, current in one_by_one.items():
        part = by_code[code]
        assert (part["zone"], part["ratio_pct"], part["breeding_sows"]) == (
            current["zone"],
            current["ratio_pct"],
            current["breeding_sows"],
        )
    # Rongchang in August: one farm of two reported, 110 sows.
    assert by_code["500153"]["breeding_sows"] == 110
    assert by_code["500153"]["reporting_farms"] == 1
    assert by_code["500101"]["zone"] is None and by_code["500101"]["breeding_sows"] == 0
    assert unknown.status_code == 404
    assert again.status_code == 304
