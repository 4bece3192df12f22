"""Schemathesis over the OpenAPI document, with a token of each role, against a real node.

The node holds a small demo district; each role's campaign sends every operation its
explicit examples, the coverage phase's edge values (each bound, just beyond it, wrong
types), a fixed number of generated cases, and stateful sequences (what a POST creates is
read back), writes included, into the test's own store. Every answer must be no 5xx and
conform to what the document declares for the operation: status, media type, headers and
body. The campaign is bounded by counts (examples per operation) and a fixed seed, so that
it sends the same cases on every run. benchmarks/fuzz_api.py runs a bigger one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.api.background import served
from pigdata.config import Settings
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

from tests.conftest import new_database
from tests.fuzzing import ROLES, fuzz, load_node

EXAMPLES = 10  # generated cases per operation, beside the coverage phase's edge cases


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def node(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_template: str | None,
) -> Iterator[tuple[str, dict[str, str], Path]]:
    """Give a served node with the small demo, its tokens by role, and a scratch folder."""
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with new_database(request.param, folder, postgres_template) as url:
        settings = Settings(
            database_url=url, archive_dir=folder / "archive", key_file=folder / "node.key"
        )
        engine: Engine = make_engine(url)
        upgrade(engine)
        secrets = load_node(engine, settings)
        with served(settings) as base_url:
            yield base_url, secrets, folder
        engine.dispose()


@pytest.mark.parametrize("role", ROLES)
def test_no_answer_is_a_5xx_or_outside_the_schema(
    node: tuple[str, dict[str, str], Path], role: str
) -> None:
    base_url, secrets, folder = node
    campaign = fuzz(base_url, role, secrets.get(role), folder, max_examples=EXAMPLES)
    assert campaign.operations >= 60, campaign.output
    assert campaign.clean, f"{campaign.summary()}\n\n{campaign.output}"


def test_the_document_declares_problems_and_bounds(
    node: tuple[str, dict[str, str], Path],
) -> None:
    base_url, _, _ = node
    document = httpx.get(f"{base_url}/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    entries = document["paths"]["/api/v1/ledger/entries"]["get"]
    assert set(entries["responses"]) >= {"200", "401", "403", "422"}
    assert "application/problem+json" in entries["responses"]["422"]["content"]
    start = next(p for p in entries["parameters"] if p["name"] == "start")
    assert start["schema"]["maximum"] == 2**53 - 1  # an integer, not 9.007e15
    rejects = document["paths"]["/api/v1/uploads/{upload_id}/rejects.csv"]["get"]
    assert "text/csv" in rejects["responses"]["200"]["content"]
    upload_id = rejects["parameters"][0]["schema"]
    assert (upload_id["minimum"], upload_id["maximum"]) == (1, 2**31 - 1)


def test_what_the_fuzzers_found_is_refused_with_422(
    node: tuple[str, dict[str, str], Path],
) -> None:
    base_url, secrets, _ = node
    headers = {"Authorization": f"Bearer {secrets['admin']}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as api:
        huge = str(2**64)
        answers = {
            "after": api.get("/api/v1/movements", params={"after": huge}),
            "start": api.get("/api/v1/ledger/entries", params={"start": huge}),
            "size": api.get(f"/api/v1/ledger/checkpoints/{huge}"),
            "upload": api.get(f"/api/v1/uploads/{2**31}"),
            "nul query": api.get("/api/v1/breeding/population", params={"herdbook": "a\x00"}),
            "nul path": api.get("/api/v1/premises/50015%0000001"),
            "nul body": api.post("/api/v1/tokens", json={"name": "a\x00", "role": "admin"}),
            "surrogate": api.post(
                "/api/v1/tokens",
                content=b'{"name": "\\ud800", "role": "admin"}',
                headers={"Content-Type": "application/json"},
            ),
            "big int in a record": api.post(
                "/api/v1/records",
                json={"records": [{"kind": "correction", "supersedes": 2**70, "reason": "x"}]},
            ),
            "big int in a file": api.post(
                "/api/v1/uploads",
                files={"file": ("a.jsonl", b'{"kind": "correction", "supersedes": 1e30}\n')},
            ),
        }
    for what, answer in answers.items():
        if what == "big int in a file":  # the file is taken, its row rejected
            assert answer.status_code == 200, answer.text
            assert answer.json()["rejected"] == 1
            continue
        if what == "big int in a record":  # the batch is taken, the record rejected
            assert answer.status_code == 200, answer.text
            assert answer.json()["results"][0]["status"] == "rejected"
            continue
        assert answer.status_code == 422, (what, answer.text)
        assert answer.headers["content-type"] == "application/problem+json", what
    assert answers["nul path"].json()["rule"] == "input.nul"
    assert answers["nul body"].json()["rule"] == "input.nul"
