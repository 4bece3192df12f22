"""The API over real HTTP: schemas, ledger entries, regions and errors as problem+json."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.domain.records import KINDS

from tests.builders import district, ingest


@pytest.fixture
def admin(engine: Engine, settings: Settings, server: str) -> httpx.Client:
    ingest(engine, settings, district())
    token = create_token(engine, "admin", Role.admin).secret
    return httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"})


def test_schemas_of_every_kind(server: str) -> None:
    assert httpx.get(f"{server}/api/v1/schemas").json()["kinds"] == list(KINDS)
    schema = httpx.get(f"{server}/api/v1/schemas/movement").json()
    assert {"certificate_no", "ear_tags", "vehicle_plate"} <= set(schema["properties"])
    missing = httpx.get(f"{server}/api/v1/schemas/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404


def test_ledger_entries_recompute_their_leaf_hashes(admin: httpx.Client) -> None:
    assert admin.get("/api/v1/ledger/head").json() == {"size": 6}
    entries = admin.get("/api/v1/ledger/entries", params={"start": 0, "end": 6}).json()
    assert [e["seq"] for e in entries] == list(range(6))
    for entry in entries:
        data = bytes.fromhex(entry["entry_bytes_hex"])
        assert hashlib.sha256(b"\x00" + data).hexdigest() == entry["leaf_hash"]
        assert entry["entry"]["record"]["kind"] == "premises"


def test_bad_requests_are_problems(admin: httpx.Client) -> None:
    empty = admin.post("/api/v1/records", json={"records": []})
    assert empty.status_code == 422
    assert empty.headers["content-type"] == "application/problem+json"
    assert empty.json()["errors"][0]["field"].startswith("body")
    odd = admin.post("/api/v1/uploads", files={"file": ("x.pdf", b"%PDF", "application/pdf")})
    assert odd.status_code == 415
    not_kind = admin.post(
        "/api/v1/records", json={"records": [{"kind": "spaceship", "name": "x"}, {"x": 1}]}
    ).json()
    assert [r["issues"][0]["rule"] for r in not_kind["results"]] == ["kind", "kind"]


def test_regions(server: str) -> None:
    rongchang = httpx.get(f"{server}/api/v1/regions/500153").json()
    assert rongchang["name"] == "荣昌区" and rongchang["level"] == "county"
    assert [a["code"] for a in rongchang["ancestors"]] == ["500000", "500100"]
    assert len(httpx.get(f"{server}/api/v1/regions/500153/children").json()) == 21
    assert httpx.get(f"{server}/api/v1/regions/500199").status_code == 404
