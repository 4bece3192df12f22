"""Access over real HTTP: farms see and write only their own records, a county government
sees nothing outside its county, the public sees aggregates only."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    SLAUGHTERHOUSE,
    YONGCHUAN_TOWN,
    district,
    herd_report,
    ingest,
    movement,
    premises,
)

YONGCHUAN_SLAUGHTERHOUSE = "5001180009"


@pytest.fixture
def tokens(engine: Engine, settings: Settings) -> dict[str, str]:
    loaded = ingest(
        engine,
        settings,
        [
            *district(),
            premises(YONGCHUAN_SLAUGHTERHOUSE, YONGCHUAN_TOWN, "slaughterhouse"),
            herd_report(FARM_A, "2024-05"),
            herd_report(FARM_B, "2024-05"),
            herd_report(FARM_YONGCHUAN, "2024-05"),
            movement("5000000001", FARM_A, SLAUGHTERHOUSE, "2024-05-03"),
            movement("5000000002", FARM_YONGCHUAN, FARM_B, "2024-05-04"),
            movement("5000000003", FARM_YONGCHUAN, YONGCHUAN_SLAUGHTERHOUSE, "2024-05-05"),
        ],
    )
    assert loaded.rejected == 0
    made = {
        "admin": create_token(engine, "admin", Role.admin),
        "farm_a": create_token(engine, "farm-a", Role.farm, FARM_A),
        "rongchang": create_token(engine, "rongchang", Role.government, "500153"),
        "public": create_token(engine, "public", Role.public),
    }
    return {name: issued.secret for name, issued in made.items()}


def client(server: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server, headers=headers)


def test_farm_reads_only_its_own(server: str, tokens: dict[str, str]) -> None:
    with client(server, tokens["farm_a"]) as api:
        reports = api.get("/api/v1/herd-reports").json()
        assert {r["premises"] for r in reports} == {FARM_A}
        assert {m["certificate_no"] for m in api.get("/api/v1/movements").json()} == {"5000000001"}
        other = api.get(f"/api/v1/premises/{FARM_B}")
        assert other.status_code == 403
        assert other.headers["content-type"].startswith("application/problem+json")
        assert api.get(f"/api/v1/premises/{FARM_A}").status_code == 200


def test_farm_writes_only_its_own(server: str, tokens: dict[str, str]) -> None:
    with client(server, tokens["farm_a"]) as api:
        result = api.post(
            "/api/v1/records",
            json={
                "records": [
                    herd_report(FARM_A, "2024-06"),
                    herd_report(FARM_B, "2024-06"),
                ]
            },
        ).json()
    assert [r["status"] for r in result["results"]] == ["accepted", "rejected"]
    assert result["results"][1]["issues"][0]["rule"] == "access.scope"


def test_county_government_sees_nothing_outside_its_county(
    server: str, tokens: dict[str, str]
) -> None:
    with client(server, tokens["rongchang"]) as api:
        premises = api.get("/api/v1/premises").json()
        assert premises and all(p["township"].startswith("500153") for p in premises)
        reports = api.get("/api/v1/herd-reports").json()
        assert {r["premises"] for r in reports} == {FARM_A, FARM_B}
        moves = {m["certificate_no"] for m in api.get("/api/v1/movements").json()}
        assert moves == {"5000000001", "5000000002"}  # 0003 stays inside Yongchuan
        assert api.get(f"/api/v1/premises/{FARM_YONGCHUAN}").status_code == 403
        refused = api.post(
            "/api/v1/records", json={"records": [herd_report(FARM_YONGCHUAN, "2024-06")]}
        ).json()
        assert refused["results"][0]["issues"][0]["rule"] == "access.scope"


def test_public_sees_aggregates_only(server: str, tokens: dict[str, str]) -> None:
    for token in (tokens["public"], None):
        with client(server, token) as api:
            assert api.get("/api/v1/premises").status_code == 403
            assert api.get("/api/v1/movements").status_code == 403
            assert (
                api.post(
                    "/api/v1/records", json={"records": [herd_report(FARM_A, "2024-07")]}
                ).status_code
                == 403
            )
            overview = api.get("/api/v1/stats/overview", params={"region": "500153"}).json()
            assert overview["premises_by_type"] == {"farm": 2, "market": 1, "slaughterhouse": 1}
            assert overview["latest_herd"]["reporting_farms"] == 2


def test_bad_and_revoked_tokens_are_refused(server: str, tokens: dict[str, str]) -> None:
    with client(server, "pgd_not-a-token") as api:
        response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    with client(server, tokens["admin"]) as api:
        assert api.get("/api/v1/me").json()["role"] == "admin"


def test_admin_creates_tokens_others_cannot(server: str, tokens: dict[str, str]) -> None:
    wanted = {"name": "farm-b", "role": "farm", "scope": FARM_B}
    with client(server, tokens["rongchang"]) as api:
        assert api.post("/api/v1/tokens", json=wanted).status_code == 403
    with client(server, tokens["admin"]) as api:
        made = api.post("/api/v1/tokens", json=wanted)
        assert made.status_code == 201
        bad = api.post(
            "/api/v1/tokens", json={"name": "x", "role": "government", "scope": "500199"}
        )
        assert bad.status_code == 422
    with client(server, made.json()["token"]) as api:
        assert api.get("/api/v1/me").json() == {"name": "farm-b", "role": "farm", "scope": FARM_B}
