"""Every column of ledger_entries is held to the entry bytes: `pigdata verify` names any one
changed in the database directly, and the correction checks read the kind from the bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.ledger.audit import CHECKED_COLUMNS
from pigdata.projections.audit import audit
from pigdata.store import tables as t

from tests.builders import FARM_A, FARM_B, district, herd_report, ingest, issues_of, movement

E = t.ledger_entries


def load(engine: Engine, settings: Settings) -> None:
    """Give a ledger of eight entries: six premises (0-5), a herd report (6), a movement (7)."""
    assert ingest(engine, settings, district()).accepted == 6
    more = [herd_report(FARM_A, "2024-05"), movement("5000000001", FARM_A, FARM_B, "2024-05-01")]
    assert ingest(engine, settings, more).accepted == 2


def verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "COLUMNS": "400",
    }
    return subprocess.run(
        [sys.executable, "-m", "pigdata", "verify"], env=env, capture_output=True, text=True
    )


def test_every_ledger_column_is_checked() -> None:
    assert set(CHECKED_COLUMNS) == set(E.c.keys())


def _column(engine: Engine, seq: int, name: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(E.c[name]).where(E.c.seq == seq)).scalar_one()


def test_verify_names_each_column_changed_in_the_database(
    engine: Engine, settings: Settings
) -> None:
    load(engine, settings)
    assert verify(settings).returncode == 0
    entry = bytes(_column(engine, 0, "entry"))
    digest = bytes(_column(engine, 2, "record_digest"))
    # One column changed on each row, straight in the database.
    changes: dict[int, dict[str, Any]] = {
        0: {"entry": entry.replace("场所".encode(), "农场".encode())},
        1: {"leaf_hash": bytes(32)},
        2: {"record_digest": digest[:8] + bytes(24)},  # its prefix still agrees
        3: {"digest_prefix": _column(engine, 3, "digest_prefix") + 1},
        4: {"kind": "movement"},
        5: {"submitter": "farm:someone-else"},
        6: {"received_at": "2020-01-01T00:00:00.000Z"},
        7: {"seq": 9},
    }
    with engine.begin() as conn:
        for seq, values in changes.items():
            conn.execute(E.update().where(E.c.seq == seq).values(**values))
    expected = {
        0: "column leaf_hash does not match the hash of column entry",
        1: "column leaf_hash does not match the hash of column entry",
        2: "column record_digest does not match the record in column entry",
        3: "column digest_prefix does not match column record_digest",
        4: "column kind is 'movement' but the entry says 'premises'",
        5: "column submitter is 'farm:someone-else' but the entry says 'admin'",
        6: "column received_at is '2020-01-01T00:00:00.000Z' but the entry says '",
        9: "column seq has a gap; expected 7",
    }
    done = verify(settings)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    for seq, problem in expected.items():
        assert any(
            line.startswith(f"ledger_entries seq={seq}:") and problem in line for line in lines
        ), (seq, problem, done.stdout)
    # The entry changed on row 0 also fails its record digest; nothing else is blamed on a
    # row whose one changed column is named.
    described = [f.describe() for f in audit(engine, None)]
    assert any(f.startswith("ledger_entries seq=0:") and "record_digest" in f for f in described)
    for seq in (3, 4, 5, 6):
        assert len([f for f in described if f.startswith(f"ledger_entries seq={seq}:")]) == 1


def test_a_correction_takes_the_kind_from_the_entry(engine: Engine, settings: Settings) -> None:
    load(engine, settings)
    with engine.begin() as conn:
        conn.execute(E.update().where(E.c.seq == 6).values(kind="movement"))
    fix = {"kind": "correction", "supersedes": 6, "reason": "更正 fix"}
    summary = ingest(
        engine,
        settings,
        [
            {**fix, "replacement": movement("5000000002", FARM_A, FARM_B, "2024-05-02")},
            {**fix, "replacement": herd_report(FARM_A, "2024-05", breeding_sows=51)},
        ],
    )
    assert issues_of(summary) == {0: {"correction.same_kind"}}
    assert summary.accepted == 1
