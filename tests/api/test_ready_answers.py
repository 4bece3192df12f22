"""Kept answers sent before the framework (`pigdata.api.ready`): the same answer the endpoint
gives, given way at once to a write through the server, and to another process's write
within the version watch's age."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.api.background import served
from pigdata.config import Settings

from tests.builders import FARM_A, FARM_B, district, herd_report, ingest

BREAKDOWN = "/api/v1/stats/regions/500153/breakdown"
SENT_HEADERS = ("etag", "cache-control", "content-type", "content-length")


def _reporting(answer: httpx.Response) -> int:
    # The farms reporting, which the public sees even where their herd is withheld.
    return sum(area["reporting_farms"] for area in answer.json()["areas"])


@pytest.fixture
def herds(engine: Engine, settings: Settings) -> None:
    records = [*district(), herd_report(FARM_A, "2024-12", breeding_sows=60)]
    assert ingest(engine, settings, records).rejected == 0


@pytest.fixture
def patient(settings: Settings, herds: None) -> Iterator[str]:
    """A server that trusts its reading of the store's version for an hour."""
    with served(settings.model_copy(update={"answer_max_age": 3600.0})) as url:
        yield url


def test_the_ready_answer_is_the_endpoints_answer(patient: str) -> None:
    worked_out = httpx.get(f"{patient}{BREAKDOWN}")
    ready = httpx.get(f"{patient}{BREAKDOWN}")
    assert ready.status_code == worked_out.status_code == 200
    assert ready.content == worked_out.content
    for name in SENT_HEADERS:
        assert ready.headers[name] == worked_out.headers[name], name
    held = httpx.get(f"{patient}{BREAKDOWN}", headers={"If-None-Match": ready.headers["etag"]})
    assert held.status_code == 304 and held.content == b""
    assert held.headers["etag"] == ready.headers["etag"]
    other_query = httpx.get(f"{patient}{BREAKDOWN}?x=1")  # another request, worked out apart
    assert other_query.content == ready.content


def test_a_write_through_the_server_shows_in_the_next_answer(
    patient: str, engine: Engine, settings: Settings
) -> None:
    before = httpx.get(f"{patient}{BREAKDOWN}")
    assert _reporting(before) == 1
    assert httpx.get(f"{patient}{BREAKDOWN}").content == before.content  # the watch has read
    # Another process writes: the server, trusting its reading for an hour, keeps its answer
    # (which shows that the kept answer, not the endpoint, was sent).
    assert ingest(engine, settings, [herd_report(FARM_B, "2024-12", breeding_sows=7)]).accepted
    assert httpx.get(f"{patient}{BREAKDOWN}").content == before.content
    token = create_token(engine, "admin", Role.admin).secret
    report = herd_report(FARM_A, "2024-11", breeding_sows=3)
    sent = httpx.post(
        f"{patient}/api/v1/records",
        json={"records": [report]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sent.status_code == 200 and sent.json()["accepted"] == 1
    after = httpx.get(f"{patient}{BREAKDOWN}")
    assert _reporting(after) == 2  # both writes; November's report is not December's
    assert after.headers["etag"] != before.headers["etag"]


def test_even_a_refused_write_reads_the_version_again(
    patient: str, engine: Engine, settings: Settings
) -> None:
    before = httpx.get(f"{patient}{BREAKDOWN}")
    assert httpx.get(f"{patient}{BREAKDOWN}").content == before.content  # the watch has read
    assert ingest(engine, settings, [herd_report(FARM_B, "2024-12", breeding_sows=7)]).accepted
    refused = httpx.post(f"{patient}/api/v1/records", json={"records": []})
    assert refused.status_code in {401, 422}
    assert _reporting(httpx.get(f"{patient}{BREAKDOWN}")) == _reporting(before) + 1


def test_another_processs_write_shows_within_the_watch_age(
    server: str, engine: Engine, settings: Settings, herds: None
) -> None:
    assert _reporting(httpx.get(f"{server}{BREAKDOWN}")) == 1
    assert _reporting(httpx.get(f"{server}{BREAKDOWN}")) == 1
    assert ingest(engine, settings, [herd_report(FARM_B, "2024-12", breeding_sows=7)]).accepted
    time.sleep(settings.answer_max_age)
    assert _reporting(httpx.get(f"{server}{BREAKDOWN}")) == 2
