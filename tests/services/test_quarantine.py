"""The quarantine station end to end: through the API and the CLI, on SQLite and PostgreSQL.

The expected days are worked out by hand: a batch arriving on 1 September 2026 has its
45-day isolation over on 16 October 2026 (30 days of September after the 1st, 15 of
October); ASF needs samples on or after day 0 and day 30 (1 October), the others on or
after day 30.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.domain.quarantine_rules import QUARANTINE_RULES, missing_samplings, rule_for
from pigdata.services.health.contacts import TraceDirection
from pigdata.services.health.tracing import trace_contacts
from pigdata.store import tables as t

from tests.builders import RONGCHANG_TOWN, RONGCHANG_TOWN_2, bearer, ingest, premises
from tests.cli.test_commands import run

STATION = "5001539301"
FARM_1 = "5001530001"
FARM_2 = "5001530002"
MARKET = "5001530003"
REQUIRED = [
    "african_swine_fever",
    "classical_swine_fever",
    "prrs",
    "porcine_epidemic_diarrhoea",
    "pseudorabies",
    "transmissible_gastroenteritis",
    "brucellosis",
]
IDS = ["DK1001", "DK1002", "DK1003", "DK1004"]


def _places(engine: Engine, settings: Settings) -> None:
    summary = ingest(
        engine,
        settings,
        [
            premises(STATION, RONGCHANG_TOWN, "quarantine_station"),
            premises(FARM_1, RONGCHANG_TOWN),
            premises(FARM_2, RONGCHANG_TOWN_2),
            premises(MARKET, RONGCHANG_TOWN, "market"),
        ],
    )
    assert summary.accepted == 4


def _batch(batch_id: str = "IMP-2026-01") -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "station": STATION,
        "origin_country": "DK",
        "origin_farm": "Hjortegaard",
        "breed": "Duroc",
        "herdbook": "DANBRED",
        "head_count": 4,
        "foreign_ids": IDS,
        "import_permit": "IP-2026-0815",
        "arrival_date": "2026-09-01",
        "pens": ["A1", "A2"],
    }


def _test(disease: str, day: str, result: str = "negative", batch_id: str = "IMP-2026-01") -> Any:
    return {
        "batch_id": batch_id,
        "station": STATION,
        "sample_date": day,
        "disease": disease,
        "method": "qPCR",
        "result": result,
    }


def _release(day: str, heads: tuple[int, int] = (3, 1), batch_id: str = "IMP-2026-01") -> Any:
    return {
        "batch_id": batch_id,
        "date": day,
        "releases": [
            {"destination": FARM_1, "head_count": heads[0], "certificate_no": f"{batch_id}Q1"},
            {"destination": FARM_2, "head_count": heads[1], "certificate_no": f"{batch_id}Q2"},
        ],
        "vehicle_plate": "渝A12345",
        "carrier": "荣昌运输",
    }


def _refused(response: httpx.Response, rule: str) -> None:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["rule"] == rule, problem
    assert problem["record"] and problem["field"]


def test_the_workflow_through_the_api(engine: Engine, settings: Settings, server: str) -> None:
    _places(engine, settings)
    station = httpx.Client(base_url=server, headers=bearer(engine, "farm", STATION), timeout=60)
    farm = httpx.Client(base_url=server, headers=bearer(engine, "farm", FARM_1), timeout=60)
    api = "/api/v1/quarantine"
    assert farm.post(f"{api}/batches", json=_batch()).status_code == 422  # not its premises
    assert station.post(f"{api}/batches", json=_batch()).status_code == 200
    assert station.post(f"{api}/batches", json=_batch()).json() == {"seqs": []}  # sent again
    again = {**_batch(), "origin_farm": "Other"}
    _refused(station.post(f"{api}/batches", json=again), "import_batch.registered_once")
    _refused(
        station.post(f"{api}/tests", json=_test("prrs", "2026-10-01", batch_id="NOPE-1")),
        "quarantine.batch_unknown",
    )
    _refused(
        station.post(f"{api}/tests", json=_test("prrs", "2026-08-30")),
        "quarantine.sample_before_arrival",
    )
    station.post(f"{api}/tests", json=_test("african_swine_fever", "2026-09-02")).raise_for_status()
    for disease in REQUIRED[1:]:
        station.post(f"{api}/tests", json=_test(disease, "2026-10-01")).raise_for_status()
    # ASF's second sampling (day 30) is still missing.
    _refused(
        station.post(f"{api}/releases", json=_release("2026-10-16")), "quarantine.test_missing"
    )
    station.post(f"{api}/tests", json=_test("african_swine_fever", "2026-10-02")).raise_for_status()
    _refused(
        station.post(f"{api}/releases", json=_release("2026-10-15")), "quarantine.period_not_over"
    )
    _refused(
        station.post(f"{api}/releases", json=_release("2026-10-16", (4, 1))),
        "quarantine.head_exceeds",
    )
    unknown = station.post(f"{api}/releases", json={**_release("2026-10-16"), "batch_id": "NOPE-1"})
    assert unknown.status_code == 404 and unknown.json()["rule"] == "quarantine.batch_unknown"
    status = station.get(f"{api}/batches/IMP-2026-01").json()
    assert status["release_from"] == "2026-10-16" and status["tests"]["missing"] == []
    done = station.post(f"{api}/releases", json=_release("2026-10-16"))
    assert done.status_code == 200, done.text
    assert len(done.json()["seqs"]) == 3  # the decision and two movements
    _refused(
        station.post(
            f"{api}/destructions",
            json={"batch_id": "IMP-2026-01", "date": "2026-10-17", "reason": "x"},
        ),
        "quarantine.decided_once",
    )
    with engine.connect() as conn:
        m = t.movements
        moved = conn.execute(
            sa.select(m.c.origin, m.c.destination, m.c.head_count, m.c.purpose).order_by(
                m.c.destination
            )
        ).all()
        assert [tuple(r) for r in moved] == [
            (STATION, FARM_1, 3, "breeding"),
            (STATION, FARM_2, 1, "breeding"),
        ]
        p = t.pedigree_animals
        herdbook = conn.execute(
            sa.select(p.c.herdbook, p.c.registry_id, p.c.herd, p.c.breed).order_by(p.c.registry_id)
        ).all()
        assert [tuple(r) for r in herdbook] == [
            ("DANBRED", "DK1001", FARM_1, "Duroc"),
            ("DANBRED", "DK1002", FARM_1, "Duroc"),
            ("DANBRED", "DK1003", FARM_1, "Duroc"),
            ("DANBRED", "DK1004", FARM_2, "Duroc"),
        ]
        # The release movements are in the movement network: a forward trace from the station.
        traced = trace_contacts(conn, ADMIN, STATION, TraceDirection.forward, date(2026, 10, 20))
        assert sorted(c.premises for c in traced.contacts) == [FARM_1, FARM_2]
    listed = station.get(f"{api}/batches").json()
    assert listed[0]["outcome"] == "release" and listed[0]["head_released"] == 4
    assert httpx.get(f"{server}{api}/batches").status_code == 403  # public


def test_positive_results_and_destruction(engine: Engine, settings: Settings, server: str) -> None:
    _places(engine, settings)
    station = httpx.Client(base_url=server, headers=bearer(engine, "farm", STATION), timeout=60)
    api = "/api/v1/quarantine"
    station.post(f"{api}/batches", json=_batch("IMP-2026-02")).raise_for_status()
    for disease in REQUIRED:
        for day in ("2026-09-02", "2026-10-02"):
            record = _test(disease, day, batch_id="IMP-2026-02")
            station.post(f"{api}/tests", json=record).raise_for_status()
    positive = _test("pseudorabies", "2026-10-05", "positive", batch_id="IMP-2026-02")
    station.post(f"{api}/tests", json=positive).raise_for_status()
    _refused(
        station.post(f"{api}/releases", json=_release("2026-10-20", batch_id="IMP-2026-02")),
        "quarantine.positive_result",
    )
    gone = {"batch_id": "IMP-2026-02", "date": "2026-10-20", "reason": "伪狂犬病阳性"}
    assert station.post(f"{api}/destructions", json=gone).status_code == 200
    status = station.get(f"{api}/batches/IMP-2026-02").json()
    assert status["outcome"] == "destroy" and status["tests"]["positive"] == ["pseudorabies"]
    # A movement out of the station that no release names is refused by the write path.
    moved = {
        "kind": "movement",
        "certificate_no": "LOOSE0001",
        "certificate_type": "B",
        "issue_date": "2026-10-21",
        "origin": STATION,
        "destination": FARM_1,
        "head_count": 1,
        "purpose": "breeding",
        "vehicle_plate": "渝A12345",
        "carrier": "x",
    }
    answer = station.post("/api/v1/records", json={"records": [moved]}).json()
    assert answer["results"][0]["issues"][0]["rule"] == "quarantine.movement_unreleased"


def test_the_workflow_through_the_cli(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    _places(engine, settings)
    path = tmp_path / "batch.json"
    path.write_bytes(orjson.dumps(_batch("IMP-2026-03")))
    run(settings, "quarantine", "batch", str(path))
    early = run(
        settings,
        "quarantine",
        "release",
        "IMP-2026-03",
        "--day",
        "2026-10-16",
        "--to",
        f"{FARM_1}:4:CLIQ0001",
        "--plate",
        "渝A12345",
        "--carrier",
        "荣昌运输",
        check=False,
    )
    assert early.returncode != 0 and "quarantine.test_missing" in early.stderr + early.stdout
    for disease in REQUIRED:
        for day in ("2026-09-01", "2026-10-01"):
            run(
                settings, "quarantine", "test", "IMP-2026-03", "--day", day,
                "--disease", disease, "--method", "qPCR", "--result", "negative",
            )  # fmt: skip
    done = run(
        settings, "quarantine", "release", "IMP-2026-03", "--day", "2026-10-16",
        "--to", f"{FARM_1}:4:CLIQ0001", "--plate", "渝A12345", "--carrier", "荣昌运输",
    )  # fmt: skip
    assert "ledgered" in done.stdout
    listed = run(settings, "quarantine", "list")
    assert "IMP-2026-03" in listed.stdout and "release" in listed.stdout


def test_the_period_is_45_days_from_arrival() -> None:
    rule = rule_for(date(2026, 9, 1))
    assert rule.period_days == 45 and rule.release_day(date(2026, 9, 1)) == date(2026, 10, 16)
    assert rule is QUARANTINE_RULES[0]


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=6))
def test_two_samplings_need_two_days(days: list[int]) -> None:
    # ASF needs a negative on or after day 0 and another, on a later day, on or after day 30.
    rule = rule_for(date(2026, 9, 1))
    others = {d: [30] for d in REQUIRED[1:]}
    missing = missing_samplings(rule, {"african_swine_fever": days, **others})
    distinct = sorted(set(days))
    late = [d for d in distinct if d >= 30]
    covered = len(late) >= 1 and len(distinct) >= 2
    assert (missing == []) == covered
