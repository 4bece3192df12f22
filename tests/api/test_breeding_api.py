"""The breeding endpoints over a real server: what each role sees, and errors as problems."""

from __future__ import annotations

from datetime import date

import httpx
import numpy as np
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.synth.herdbook import BOARS, SOWS, herdbook_records

from tests.builders import FARM_A, FARM_B, district, ingest


@pytest.fixture
def tokens(engine: Engine, settings: Settings) -> dict[str, str]:
    records = list(herdbook_records(np.random.default_rng(3), FARM_A, date(2024, 1, 1)))
    assert ingest(engine, settings, [*district(), *records]).rejected == 0
    made = {
        "government": create_token(engine, "rongchang", Role.government, "500153"),
        "farm_a": create_token(engine, "farm-a", Role.farm, FARM_A),
        "farm_b": create_token(engine, "farm-b", Role.farm, FARM_B),
    }
    return {name: issued.secret for name, issued in made.items()}


def client(server: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server, headers=headers, timeout=120)


def test_public_gets_aggregates_and_tokens_get_animals(server: str, tokens: dict[str, str]) -> None:
    with client(server) as api:
        books = api.get("/api/v1/breeding/herdbooks").json()
        assert books == [{"herdbook": "RC", "animals": 1880, "with_sire": 1692, "with_dam": 1692}]
        public = api.get("/api/v1/breeding/inbreeding", params={"herdbook": "RC"}).json()
        assert public["rows"] == [] and public["animals"] == 1880
        population = api.get("/api/v1/breeding/population", params={"herdbook": "RC"}).json()
        assert (population["sires"], population["dams"]) == (BOARS, SOWS)
        assert population["risk_class"] and population["ne_sex_ratio"] > 0
        check = api.get("/api/v1/breeding/check", params={"herdbook": "RC"}).json()
        assert check["usable"] and check["findings"] == []
        refused = api.post(
            "/api/v1/breeding/evaluation",
            json={"traits": ["adg"], "herdbook": "RC", "heritability": 0.3},
        )
        assert refused.status_code == 403
    with client(server, tokens["government"]) as api:
        rows = api.get("/api/v1/breeding/inbreeding", params={"herdbook": "RC", "limit": 3})
        assert len(rows.json()["rows"]) == 3
        answer = api.post(
            "/api/v1/breeding/evaluation",
            json={"traits": ["adg"], "herdbook": "RC", "heritability": 0.3, "limit": 2},
        )
        assert answer.status_code == 200
        best = answer.json()["rows"]
        assert best[0]["breeding_values"][0] >= best[1]["breeding_values"][0]
        kin = api.get(
            "/api/v1/breeding/kinship",
            params=[("herdbook", "RC"), ("id", "RC09M001"), ("id", "RC09F001")],
        ).json()
        assert len(kin["kinship"]) == 2


def test_mating_plan_for_its_own_herd_only(server: str, tokens: dict[str, str]) -> None:
    body = {"herdbook": "RC", "herd": FARM_A}
    with client(server, tokens["farm_a"]) as api:
        answer = api.post("/api/v1/breeding/mating-plan", json=body)
        assert answer.status_code == 200, answer.text
        plan = answer.json()
        assert len(plan["matings"]) == SOWS and plan["boars"] == BOARS
        assert plan["ne"] > plan["random_ne"]
    with client(server, tokens["farm_b"]) as api:
        refused = api.post("/api/v1/breeding/mating-plan", json=body)
        assert refused.status_code == 403


def test_bad_requests_are_problems_in_both_languages(server: str, tokens: dict[str, str]) -> None:
    with client(server, tokens["government"]) as api:
        unknown = api.get("/api/v1/breeding/kinship", params={"herdbook": "RC", "id": "nobody"})
        assert unknown.status_code == 422
        problem = unknown.json()
        assert problem["rule"] == "breeding.unknown_id"
        assert "没有个体 nobody" in problem["detail"] and "no animal nobody" in problem["detail"]
        missing = api.get("/api/v1/breeding/inbreeding", params={"herdbook": "XX"})
        assert missing.status_code == 422 and missing.json()["rule"] == "breeding.no_herdbook"
        shape = api.post(
            "/api/v1/breeding/evaluation",
            json={
                "traits": ["adg", "backfat"],
                "herdbook": "RC",
                "genetic": [[1, 0], [0, 1]],
                "residual": [[1, 2], [2, 1]],
            },
        )
        assert shape.status_code == 422
        assert shape.json()["rule"] == "evaluation.covariance_positive"
