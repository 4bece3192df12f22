"""Personal data over a real server and the command line: entries and public proof bundles
hold no carrier's or owner's name yet verify; entitled tokens get disclosures that check
against the commitments; an erasure drops a name without breaking the log."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.ledger.bundle_verify import verify_bundle
from pigdata.ledger.personal import ERASED
from pigdata.store import tables as t

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    SLAUGHTERHOUSE,
    animal,
    bearer,
    district,
    ingest,
    movement,
)

TAG = "150015300000077"
CARRIER = "王五运输"
OWNER = "张三"  # every premises of builders.district()


@pytest.fixture
def pig(engine: Engine, settings: Settings) -> None:
    records = [
        *district(),
        animal(TAG, "2024-01-05", FARM_A),
        movement("5000000301", FARM_A, FARM_B, "2024-06-01", ear_tags=[TAG], carrier=CARRIER),
        movement("5000000302", FARM_B, SLAUGHTERHOUSE, "2024-09-01", ear_tags=[TAG]),
    ]
    assert ingest(engine, settings, records).rejected == 0


def _trace(server: str, headers: dict[str, str]) -> dict[str, Any]:
    answer = httpx.get(f"{server}/api/v1/trace/{TAG}", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _entry_bytes(bundle: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(item["entry"]) for item in bundle["entries"]]


def test_no_name_in_any_entry_or_public_bundle(
    server: str, engine: Engine, pig: None, settings: Settings
) -> None:
    with engine.connect() as conn:
        stored = [bytes(e) for e in conn.execute(sa.select(t.ledger_entries.c.entry)).scalars()]
    names = [CARRIER, OWNER, "李四", "admin-all"]
    assert not [e for e in stored if any(n.encode() in e for n in names)]
    found = _trace(server, {})
    bundle = found["bundle"]
    assert "disclosures" not in bundle
    report = verify_bundle(bundle)
    assert report.ok, report.problems
    moves = [e for e in report.entries if e.kind == "movement"]
    assert [e.withheld for e in moves] == [("record.carrier",), ("record.carrier",)]
    assert all(str(e.record and e.record["carrier"]).startswith("sha256:") for e in moves)
    assert {e.submitter for e in report.entries} == {"admin"}


def _commitment(salt_b64: str, value: str) -> str:
    # Worked out here from the documented formula, not through pigdata's own function.
    salt = base64.b64decode(salt_b64)
    return "sha256:" + hashlib.sha256(salt + value.encode("utf-8")).hexdigest()


def test_entitled_tokens_get_disclosures_that_check(server: str, engine: Engine, pig: None) -> None:
    readers = {
        "admin": bearer(engine),
        "rongchang": bearer(engine, "government", "500153"),
        "chongqing": bearer(engine, "government", "500000"),
        "yongchuan": bearer(engine, "government", "500118"),
        "origin farm": bearer(engine, "farm", FARM_A),
        "other farm": bearer(engine, "farm", FARM_YONGCHUAN),
    }
    carriers: dict[str, list[str]] = {}
    for name, headers in readers.items():
        bundle = _trace(server, headers)["bundle"]
        report = verify_bundle(bundle)
        assert report.ok, (name, report.problems)
        entries = {item["index"]: item for item in bundle["entries"]}
        for item in bundle.get("disclosures", []):
            entry = base64.b64decode(entries[item["index"]]["entry"])
            assert _commitment(item["salt"], item["value"]).encode() in entry
        carriers[name] = sorted(
            v for e in report.entries for p, v in e.disclosed.items() if p == "record.carrier"
        )
    assert carriers["admin"] == carriers["rongchang"] == carriers["chongqing"]
    assert carriers["admin"] == sorted([CARRIER, "李四"])
    assert carriers["origin farm"] == [CARRIER]  # only the move from its own premises
    assert carriers["yongchuan"] == carriers["other farm"] == []


def test_a_forged_disclosure_fails(server: str, engine: Engine, pig: None) -> None:
    bundle = _trace(server, bearer(engine))["bundle"]
    bundle["disclosures"][0]["value"] = "别人"
    report = verify_bundle(bundle)
    assert not report.ok
    assert any("disclosure does not match" in p for p in report.problems)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "COLUMNS": "400",
    }
    return subprocess.run(
        [sys.executable, "-m", "pigdata", *args], env=env, capture_output=True, text=True
    )


def test_erasure_keeps_the_log_and_its_proofs(
    server: str, engine: Engine, pig: None, settings: Settings
) -> None:
    before = _trace(server, {})["bundle"]
    refused = httpx.post(
        f"{server}/api/v1/personal/erasures",
        json={"field": "carrier", "value": CARRIER},
        headers=bearer(engine, "government", "500153"),
    )
    assert refused.status_code == 403
    admin = bearer(engine)
    done = httpx.post(
        f"{server}/api/v1/personal/erasures",
        json={"field": "carrier", "value": CARRIER},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"field": "carrier", "values_erased": 1}
    with engine.connect() as conn:
        carriers = set(conn.execute(sa.select(t.movements.c.carrier)).scalars())
        kept = [v for v in conn.execute(sa.select(t.personal_values.c.value)).scalars() if v]
        log = conn.execute(sa.select(t.personal_erasures)).mappings().one()
    assert carriers == {ERASED, "李四"}
    assert CARRIER not in kept
    assert (log["field"], log["values_erased"]) == ("carrier", 1)
    after = _trace(server, admin)["bundle"]
    assert _entry_bytes(after) == _entry_bytes(before)  # the entries did not change
    report = verify_bundle(after)
    assert report.ok, report.problems
    assert sorted(v for e in report.entries for v in e.disclosed.values()) == ["李四"]
    verified = _cli(settings, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    rebuilt = _cli(settings, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _cli(settings, "verify").returncode == 0


def test_the_cli_erases_and_refuses_what_is_not_personal(
    engine: Engine, pig: None, settings: Settings
) -> None:
    bad = _cli(settings, "personal", "erase", "--field", "vehicle_plate", "--value", "渝B12345")
    assert bad.returncode == 1
    assert "personal.field" in bad.stdout + bad.stderr
    done = _cli(settings, "personal", "erase", "--field", "owner", "--value", OWNER)
    assert done.returncode == 0, done.stderr
    assert "erased 6 value(s) of owner" in done.stdout
    with engine.connect() as conn:
        assert set(conn.execute(sa.select(t.premises.c.owner)).scalars()) == {ERASED}
    assert _cli(settings, "verify").returncode == 0


def test_verify_names_a_changed_personal_value(
    engine: Engine, pig: None, settings: Settings
) -> None:
    p = t.personal_values
    with engine.begin() as conn:
        seq = conn.execute(sa.select(p.c.seq).where(p.c.value == CARRIER)).scalar_one()
        conn.execute(p.update().where(p.c.seq == seq).values(value="赵六"))
    done = _cli(settings, "verify")
    assert done.returncode == 1
    assert f"personal_values seq={seq} path=record.carrier" in done.stdout
