"""Hostile input over real HTTP: bodies beyond the limit refused as they arrive, zip bombs and
deep JSON refused, bad rows rejected, and rejects.csv sent as it is written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.api.background import served
from pigdata.config import Settings
from pigdata.store import tables as t

from tests.builders import FARM_A, district, ingest
from tests.hostile import Shared, write_xlsx

BODY_LIMIT = 16_000
HEADER = "ear_tag,species,breed,sex,birth_date,birth_premises\r\n"


def animal_line(n: int, breed: str = "duroc", sex: str = "female") -> str:
    return f"1500153{n:08d},pig,{breed},{sex},2024-01-02,{FARM_A}\r\n"


@pytest.fixture
def farm(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    """Give a client with a farm token, on a server whose upload limit is BODY_LIMIT bytes."""
    ingest(engine, settings, district())
    token = create_token(engine, "farm-a", Role.farm, FARM_A).secret
    with served(settings.model_copy(update={"max_upload_bytes": BODY_LIMIT})) as url:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            yield client


def upload_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.uploads)).scalar_one())


def problem(response: httpx.Response, status: int, rule: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["rule"] == rule


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "hostile-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), boundary


def test_a_body_beyond_the_limit_is_refused_as_it_arrives(
    farm: httpx.Client, engine: Engine
) -> None:
    before = upload_count(engine)
    content = (HEADER + animal_line(1) * 400).encode()
    declared = farm.post("/api/v1/uploads", files={"file": ("a.csv", content, "text/csv")})
    problem(declared, 413, "limit.upload_bytes")

    body, boundary = multipart("a.csv", content)
    chunks = (body[i : i + 4096] for i in range(0, len(body), 4096))  # no length declared
    streamed = farm.post(
        "/api/v1/uploads",
        content=chunks,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    problem(streamed, 413, "limit.upload_bytes")
    assert upload_count(engine) == before
    fits = farm.post("/api/v1/uploads", files={"file": ("a.csv", content[:10_000], "text/csv")})
    assert fits.status_code == 200, fits.text


def test_a_zip_bomb_is_refused_and_the_server_keeps_answering(
    farm: httpx.Client, engine: Engine, tmp_path: Path
) -> None:
    header = HEADER.strip().split(",")
    cells = animal_line(1).strip().split(",")
    path = write_xlsx(tmp_path / "b.xlsx", [header, [*cells[:2], Shared(0)]], ["d" * (8 << 20)])
    assert path.stat().st_size < BODY_LIMIT
    before = upload_count(engine)
    refused = farm.post("/api/v1/uploads", files={"file": ("b.xlsx", path.read_bytes())})
    problem(refused, 413, "limit.compression_ratio")
    assert upload_count(engine) == before
    assert farm.get("/api/v1/ledger/head").json() == {"size": 6}


def test_deep_json_is_refused_or_rejected(farm: httpx.Client) -> None:
    deep: object = "x"
    for _ in range(300):
        deep = [deep]
    record = {"kind": "animal", "ear_tag": deep}
    problem(farm.post("/api/v1/records", json={"records": [record]}), 422, "limit.json_depth")
    lines = b'{"ear_tag": ' + b"[" * 300 + b"]" * 300 + b"}\n"
    result = farm.post(
        "/api/v1/uploads", files={"file": ("a.jsonl", lines)}, data={"kind": "animal"}
    )
    assert result.status_code == 200, result.text
    assert (result.json()["accepted"], result.json()["rejected"]) == (0, 1)
    rejects = farm.get(result.json()["rejects_csv"]).text
    assert "limit.json_depth" in rejects


def test_undecodable_rows_are_rejected_and_rejects_csv_is_streamed(
    farm: httpx.Client, engine: Engine
) -> None:
    # 0xFF is a byte neither UTF-8 nor GB18030 has.
    content = (HEADER + animal_line(1)).encode() + animal_line(2, "\xff").encode("latin-1")
    content += "".join(animal_line(n, "x" * 40, "robot") for n in range(3, 120)).encode()
    result = farm.post("/api/v1/uploads", files={"file": ("a.csv", content, "text/csv")})
    assert result.status_code == 200, result.text
    body = result.json()
    assert (body["accepted"], body["rejected"]) == (1, 118)
    with farm.stream("GET", body["rejects_csv"]) as download:
        assert download.status_code == 200
        assert download.headers.get("transfer-encoding") == "chunked"
        text = b"".join(download.iter_bytes()).decode("utf-8-sig")
    lines = text.splitlines()
    assert len(lines) == 119
    assert "format.encoding" in lines[1] and "limit." not in lines[1]
    upload = farm.get(f"/api/v1/uploads/{body['upload_id']}").json()
    assert upload["finished_at"] is not None and upload["error"] is None


@pytest.mark.parametrize("name", ["empty.csv", "empty.jsonl", "empty.xlsx"])
def test_an_empty_file_is_refused_with_no_upload_recorded(
    farm: httpx.Client, engine: Engine, name: str
) -> None:
    before = upload_count(engine)
    refused = farm.post("/api/v1/uploads", files={"file": (name, os.urandom(0))})
    if name.endswith(".jsonl"):  # no lines: an upload of nothing, finished
        assert refused.status_code == 200 and refused.json()["accepted"] == 0
        assert upload_count(engine) == before + 1
        return
    problem(refused, 422, "source.unreadable")
    assert upload_count(engine) == before
