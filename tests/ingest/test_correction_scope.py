"""Every write passes the same rules and scopes: a correction's replacement is checked as a
new record would be (scope, store rules, movement control), and its sender must be allowed
to write the entry it supersedes. Over real HTTP and through the real `pigdata ingest`."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import Principal, Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.store import tables as t

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_SICHUAN,
    FARM_YONGCHUAN,
    RONGCHANG_TOWN,
    RONGCHANG_TOWN_2,
    district,
    herd_report,
    ingest,
    movement,
    premises,
)

# Premises 2 km from an outbreak's infected point (its infected zone) and 20 km away.
INFECTED, NEAR, FAR = "5001530020", "5001530021", "5001530023"


def _place(code: str, km_north: float) -> dict[str, Any]:
    return premises(
        code, RONGCHANG_TOWN, latitude=f"{29.40 + km_north / 110.85:.6f}", longitude="105.59"
    )


def correction(supersedes: int, replacement: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "correction", "supersedes": supersedes, "reason": "更正 fix"}
    if replacement is not None:
        body["replacement"] = replacement
    return body


@dataclass
class Node:
    engine: Engine
    settings: Settings
    seqs: dict[str, int]  # entries the tests correct, by name
    tokens: dict[str, str]

    def ledger_size(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(t.ledger_entries)).scalar_one()
            )


@pytest.fixture
def node(engine: Engine, settings: Settings) -> Node:
    loaded = ingest(
        engine,
        settings,
        [
            *district(),
            _place(INFECTED, 0.0),
            _place(NEAR, 2.0),
            _place(FAR, 20.0),
            herd_report(FARM_A, "2024-05"),
            herd_report(FARM_YONGCHUAN, "2024-05"),
            movement("5000000301", NEAR, FAR, "2024-06-09"),  # before the outbreak
            {
                "kind": "outbreak_report",
                "outbreak_id": "ASF-SCOPE-1",
                "premises": INFECTED,
                "disease": "african_swine_fever",
                "status": "confirmed",
                "report_date": "2024-06-10",
                "confirmed_date": "2024-06-10",
            },
        ],
    )
    assert loaded.rejected == 0
    seq = [o.seq for o in loaded.outcomes]
    made = {
        "farm_a": create_token(engine, "farm-a", Role.farm, FARM_A),
        "near": create_token(engine, "farm-near", Role.farm, NEAR),
        "rongchang": create_token(engine, "rongchang", Role.government, "500153"),
        "yongchuan": create_token(engine, "yongchuan", Role.government, "500118"),
        "changyuan": create_token(engine, "changyuan", Role.government, RONGCHANG_TOWN),
    }
    return Node(
        engine,
        settings,
        {
            "farm_a_premises": seq[0],
            "farm_a_report": seq[-4],
            "yongchuan_report": seq[-3],
            "old_move": seq[-2],
            "outbreak": seq[-1],
        },
        {name: issued.secret for name, issued in made.items()},
    )


def post(server: str, token: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send records to POST /api/v1/records and give each one's result."""
    response = httpx.post(
        f"{server}/api/v1/records",
        json={"records": records},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def rules(result: dict[str, Any]) -> list[str]:
    return [issue["rule"] for issue in result["issues"]]


def test_a_farm_cannot_write_another_farms_records_through_a_correction(
    node: Node, server: str
) -> None:
    before = node.ledger_size()
    own = node.seqs["farm_a_report"]
    results = post(
        server,
        node.tokens["farm_a"],
        [
            correction(own, herd_report(FARM_B, "2024-05", breeding_sows=7)),
            correction(own, herd_report(FARM_SICHUAN, "2024-06")),
            # Nor may it supersede another premises' entry, even with its own as replacement.
            correction(node.seqs["yongchuan_report"], None),
            correction(node.seqs["yongchuan_report"], herd_report(FARM_A, "2024-07")),
        ],
    )
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert [rules(r) for r in results] == [["access.scope"]] * 4
    assert results[0]["issues"][0]["field"] == "replacement.record"
    assert results[2]["issues"][0]["field"] == "supersedes"
    assert node.ledger_size() == before
    with node.engine.connect() as conn:
        farms = set(conn.execute(sa.select(t.herd_reports.c.premises)).scalars())
    assert farms == {FARM_A, FARM_YONGCHUAN}


def test_a_government_cannot_write_outside_its_region_through_a_correction(
    node: Node, server: str
) -> None:
    before = node.ledger_size()
    results = post(
        server,
        node.tokens["yongchuan"],
        [
            # Its own region's entry, replaced by a record of Rongchang's.
            correction(node.seqs["yongchuan_report"], herd_report(FARM_A, "2024-05")),
            # Rongchang's entry, whatever the replacement says.
            correction(node.seqs["farm_a_report"], herd_report(FARM_YONGCHUAN, "2024-06")),
            correction(node.seqs["farm_a_report"], None),
        ],
    )
    assert [rules(r) for r in results] == [["access.scope"]] * 3
    assert node.ledger_size() == before


def test_a_township_cannot_move_a_premises_out_of_its_township(node: Node, server: str) -> None:
    # FARM_A lies in the township of the token; the replacement would put it in another.
    registered = node.seqs["farm_a_premises"]
    moved, renamed = (
        correction(registered, premises(FARM_A, RONGCHANG_TOWN_2)),
        correction(registered, premises(FARM_A, RONGCHANG_TOWN, capacity_sows=120)),
    )
    # New premises likewise: where the record puts them.
    here, there = premises("5001530030", RONGCHANG_TOWN), premises("5001530031", RONGCHANG_TOWN_2)
    results = post(server, node.tokens["changyuan"], [moved, renamed, here, there])
    assert [r["status"] for r in results] == ["rejected", "accepted", "accepted", "rejected"]
    assert rules(results[0]) == rules(results[3]) == ["access.scope"]
    with node.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.premises.c.township, t.premises.c.capacity_sows).where(
                t.premises.c.code == FARM_A
            )
        ).one()
    assert tuple(row) == (RONGCHANG_TOWN, 120)


def test_a_replacement_movement_out_of_an_infected_zone_is_stopped_as_a_new_one(
    node: Node, server: str
) -> None:
    before = node.ledger_size()
    moved = movement("5000000302", NEAR, FAR, "2024-06-11")
    fresh, replaced = post(
        server,
        node.tokens["near"],
        [moved, correction(node.seqs["old_move"], {**moved, "certificate_no": "5000000301"})],
    )
    assert rules(fresh) == rules(replaced) == ["health.zone_movement"]
    assert replaced["issues"][0]["field"] == "replacement.origin"
    assert {k: v for k, v in replaced["issues"][0].items() if k != "field"} == {
        k: v for k, v in fresh["issues"][0].items() if k != "field"
    }
    assert node.ledger_size() == before


def test_an_outbreak_report_retracted_earlier_in_the_batch_stops_nothing(node: Node) -> None:
    # As when the retraction came in a batch of its own: the zones were never in force.
    moved = movement("5000000304", NEAR, FAR, "2024-06-11")
    summary = ingest(node.engine, node.settings, [correction(node.seqs["outbreak"], None), moved])
    assert (summary.accepted, summary.rejected) == (2, 0)


def test_legitimate_corrections_still_work(node: Node, server: str) -> None:
    farm = post(
        server,
        node.tokens["farm_a"],
        [correction(node.seqs["farm_a_report"], herd_report(FARM_A, "2024-05", breeding_sows=55))],
    )
    government = post(
        server,
        node.tokens["rongchang"],
        [
            # The movement before the outbreak, corrected to the day it really left.
            correction(node.seqs["old_move"], movement("5000000301", NEAR, FAR, "2024-06-08")),
        ],
    )
    assert [r["status"] for r in farm + government] == ["accepted", "accepted"]
    with node.engine.connect() as conn:
        sows = conn.execute(
            sa.select(t.herd_reports.c.breeding_sows).where(t.herd_reports.c.premises == FARM_A)
        ).scalar_one()
        issued = conn.execute(
            sa.select(t.movements.c.issue_date).where(t.movements.c.certificate_no == "5000000301")
        ).scalar_one()
    assert sows == 55
    assert str(issued) == "2024-06-08"


def _ingest_cli(node: Node, path: Path, token: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": node.settings.database_url,
        "PIGDATA_ARCHIVE_DIR": str(node.settings.archive_dir),
        "PIGDATA_KEY_FILE": str(node.settings.key_file),
        "COLUMNS": "250",
    }
    return subprocess.run(
        [sys.executable, "-m", "pigdata", "ingest", str(path), "--token", token],
        env=env,
        capture_output=True,
        text=True,
    )


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def test_the_cli_refuses_the_same_corrections(node: Node, tmp_path: Path) -> None:
    before = node.ledger_size()
    own = node.seqs["farm_a_report"]
    moved = movement("5000000303", NEAR, FAR, "2024-06-11")
    farm = _jsonl(tmp_path / "farm.jsonl", [correction(own, herd_report(FARM_B, "2024-05"))])
    government = _jsonl(
        tmp_path / "gov.jsonl",
        [correction(node.seqs["yongchuan_report"], herd_report(FARM_A, "2024-05"))],
    )
    zone = _jsonl(
        tmp_path / "zone.jsonl",
        [correction(node.seqs["old_move"], {**moved, "certificate_no": "5000000301"})],
    )
    for path, token, rule in (
        (farm, node.tokens["farm_a"], "access.scope"),
        (government, node.tokens["yongchuan"], "access.scope"),
        (zone, node.tokens["near"], "health.zone_movement"),
    ):
        done = _ingest_cli(node, path, token)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"[{rule}]" in done.stdout, done.stdout
    assert node.ledger_size() == before
    fixed = _jsonl(
        tmp_path / "fixed.jsonl",
        [correction(own, herd_report(FARM_A, "2024-05", breeding_sows=60))],
    )
    done = _ingest_cli(node, fixed, node.tokens["farm_a"])
    assert done.returncode == 0 and "[access.scope]" not in done.stdout
    assert node.ledger_size() == before + 1


def test_a_scope_refusal_says_nothing_of_the_other_premises(node: Node, server: str) -> None:
    # FARM_A's May report exists: from another farm's token, neither a new report of that
    # month nor the very same report is answered by what the store holds.
    results = post(
        server,
        node.tokens["near"],
        [herd_report(FARM_A, "2024-05", breeding_sows=1), herd_report(FARM_A, "2024-05")],
    )
    assert [rules(r) for r in results] == [["access.scope"], ["access.scope"]]
    again = post(server, node.tokens["farm_a"], [herd_report(FARM_A, "2024-05")])
    assert again[0]["status"] == "duplicate"


def test_a_bulk_batch_tells_only_the_writer_a_movement_is_present(node: Node) -> None:
    # A batch of movements: present ones are duplicates to their farm and refused for the
    # scope to any other.
    moves = [
        movement(f"50000004{n:02d}", FARM_A, FARM_B, "2024-05-02", carrier=f"承运{n}")
        for n in range(70)
    ]
    assert ingest(node.engine, node.settings, moves).accepted == 70
    farm_a = Principal("farm-a", Role.farm, FARM_A)
    other = Principal("farm-near", Role.farm, NEAR)
    assert ingest(node.engine, node.settings, moves, who=farm_a).duplicates == 70
    refused = ingest(node.engine, node.settings, moves, who=other)
    assert refused.rejected == 70
    assert all([i.rule for i in o.issues] == ["access.scope"] for o in refused.outcomes)
