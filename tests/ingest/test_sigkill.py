"""Killing ingest with SIGKILL half-way through a large file leaves the store consistent,
and running the same command again completes the file with no duplicates.

Sizes: 1,000,000 rows on SQLite and 200,000 on PostgreSQL by default
(PIGDATA_SIGKILL_ROWS overrides both).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.projections.rebuild import rebuild_projections
from pigdata.store import tables as t
from pigdata.synth import movement_rows, write_csv

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    MARKET,
    SLAUGHTERHOUSE,
    district,
    ingest,
    snapshot,
)


def rows_for(engine: Engine) -> int:
    override = os.environ.get("PIGDATA_SIGKILL_ROWS")
    if override:
        return int(override)
    return 1_000_000 if engine.dialect.name == "sqlite" else 200_000


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def start_ingest(settings: Settings, path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_ARCHIVE_DIR": str(settings.archive_dir),
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "PIGDATA_BATCH_SIZE": "5000",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pigdata", "ingest", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def assert_consistent(engine: Engine, premises: int) -> int:
    """Every ledger entry projected once and nothing else: give the ledger size."""
    with engine.connect() as conn:
        size = conn.execute(sa.select(t.ledger_head.c.size)).scalar_one()
        entries, top = conn.execute(
            sa.select(sa.func.count(), sa.func.max(t.ledger_entries.c.seq))
        ).one()
    assert entries == size == top + 1
    assert count(engine, t.movements) + premises == size
    before = snapshot(engine)
    rebuild_projections(engine)
    assert snapshot(engine) == before
    return int(size)


def test_sigkill_half_way_then_complete(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    n = rows_for(engine)
    ingest(engine, settings, district())
    path = tmp_path / "movements.csv"
    write_csv(
        path,
        movement_rows(
            n,
            seed=11,
            origin_codes=[FARM_A, FARM_B, FARM_YONGCHUAN],
            destination_codes=[SLAUGHTERHOUSE, MARKET],
            start=date(2023, 1, 1),
            end=date(2024, 12, 1),
        ),
    )

    process = start_ingest(settings, path)
    while count(engine, t.ledger_entries) < n // 2:
        assert process.poll() is None, "ingest ended before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    committed = assert_consistent(engine, premises=6) - 6
    assert n // 2 <= committed < n

    process = start_ingest(settings, path)
    output, _ = process.communicate()
    assert process.returncode == 0, output.decode()
    assert assert_consistent(engine, premises=6) == n + 6
    assert count(engine, t.movements) == n
    with engine.connect() as conn:
        last = conn.execute(sa.select(t.uploads).order_by(t.uploads.c.id.desc())).first()
    assert last is not None
    assert (last.accepted, last.duplicates, last.rejected) == (n - committed, committed, 0)
