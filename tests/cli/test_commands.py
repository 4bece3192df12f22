"""The `pigdata` command, run as a user runs it: a real process on a real database."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.store import tables as t

from tests.builders import FARM_A, FARM_B, district, ingest


def run(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `pigdata ARGS` against the test's database and archive."""
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_ARCHIVE_DIR": str(settings.archive_dir),
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pigdata", *args], env=env, capture_output=True, text=True
    )
    if check and done.returncode != 0:
        raise AssertionError(f"pigdata {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def movements_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "检疫证明编号",
                "证明类型",
                "签发日期",
                "起运地",
                "到达地",
                "头数",
                "用途",
                "车牌号",
                "承运人",
            ]
        )
        writer.writerow(
            ["5000000001", "B", "2024-05-01", FARM_A, FARM_B, "5", "slaughter", "渝B12345", "王五"]
        )
        writer.writerow(
            [
                "5000000002",
                "B",
                "2024-05-01",
                FARM_A,
                "5001539999",
                "5",
                "slaughter",
                "渝B12345",
                "王五",
            ]
        )
    return path


def test_ingest_then_again_then_rejects(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    ingest(engine, settings, district())
    path = movements_csv(tmp_path / "调运.csv")
    first = run(settings, "ingest", str(path))
    assert "5001539999" in first.stdout and "premises.exists" in first.stdout
    assert "row 3" in first.stdout
    second = run(settings, "ingest", str(path))
    assert "already in the ledger" in second.stdout
    with engine.connect() as conn:
        uploads = conn.execute(sa.select(t.uploads).order_by(t.uploads.c.id)).all()
    assert [(u.accepted, u.rejected, u.duplicates) for u in uploads[-2:]] == [(1, 1, 0), (0, 1, 1)]
    out = tmp_path / "rejects.csv"
    run(settings, "rejects", str(uploads[-1].id), "-o", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0]["reject_rule"] == "premises.exists"
    assert rows[0]["reject_row"] == "3"
    # The rejects file, fixed, goes back in as it is.
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**rows[0], "到达地": FARM_B})
    run(settings, "ingest", str(fixed))
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.movements)).scalar() == 2


def test_strict_exit_code_and_bad_files(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    path = movements_csv(tmp_path / "m.csv")
    assert run(settings, "ingest", "--strict", str(path), check=False).returncode == 1
    odd = tmp_path / "m.txt"
    odd.write_text("x")
    failed = run(settings, "ingest", str(odd), check=False)
    assert failed.returncode == 1 and "unsupported file type" in failed.stderr


def test_rebuild_and_tokens(settings: Settings, engine: Engine) -> None:
    ingest(engine, settings, district())
    assert "from 6 ledger entries" in run(settings, "rebuild").stdout
    made = run(
        settings, "token", "create", "--name", "rc", "--role", "government", "--scope", "500153"
    )
    assert made.stdout.strip().splitlines()[-1].startswith("pgd_")
    refused = run(
        settings,
        "token",
        "create",
        "--name",
        "x",
        "--role",
        "farm",
        "--scope",
        "5001539999",
        check=False,
    )
    assert refused.returncode == 1 and "not registered" in refused.stderr
    assert "rc" in run(settings, "token", "list").stdout
    run(settings, "token", "revoke", "rc")


@pytest.mark.parametrize("code", ["500153"])
def test_regions_and_schema(settings: Settings, code: str) -> None:
    shown = run(settings, "regions", "show", code).stdout
    assert "荣昌区" in shown and "500153001" in shown
    assert '"ear_tag"' in run(settings, "schema", "animal").stdout
