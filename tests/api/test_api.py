"""The API over real HTTP: schemas, ledger entries, regions and errors as problem+json."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.api import create_app
from pigdata.api.problems import Problem
from pigdata.config import Settings
from pigdata.domain.records import KINDS
from pigdata.errors import PigdataError

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
    unknown = httpx.get(f"{server}/api/v1/regions/500199")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    # Through the one handler of the platform's errors: the members it always had, and the rule.
    assert unknown.json() == {
        "type": "about:blank",
        "title": "Unknown division",
        "status": 404,
        "detail": "行政区划代码 500199 不存在 / administrative division code 500199 does not exist",
        "rule": "division.unknown",
        "zh": "行政区划代码 500199 不存在",
        "en": "administrative division code 500199 does not exist",
    }


def test_one_handler_answers_every_error_of_the_platform(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'handlers.db'}"))
    handled = set(app.exception_handlers)
    # No subclass of PigdataError has a handler of its own: their status, title and rule
    # are the error's, so a new error needs no new handler.
    assert {kind for kind in handled if issubclass(kind, PigdataError)} == {PigdataError}
    # Besides it, the generic handler (a bug, 500) and the framework's own errors.
    assert handled == {
        PigdataError,
        Exception,
        Problem,
        HTTPException,
        RequestValidationError,
        WebSocketRequestValidationError,
    }
