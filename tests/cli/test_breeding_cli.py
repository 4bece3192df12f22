"""The `pigdata breeding` commands as a user runs them, on a real database."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.engine import Engine

from pigdata.config import Settings

from tests.cli.test_commands import run

DATA = Path("/work/shared/data/breeding")


def test_pic_pedigree_from_file_to_breeding_values(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    run(settings, "ingest", str(DATA / "pic_pedigree.csv"), "--strict")
    done = run(
        settings, "breeding", "phenotypes", str(DATA / "pic_phenotypes.csv"), "--trait", "t3"
    )
    assert "3141" in done.stdout
    checked = run(settings, "breeding", "check")
    assert "6473 animals; usable: True" in checked.stdout and "no errors found" in checked.stdout
    out = tmp_path / "f.csv"
    run(settings, "breeding", "inbreeding", "-o", str(out))
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6473
    docs = (Path(__file__).parents[2] / "docs" / "breeding.md").read_text(encoding="utf-8")
    mean = sum(float(r["F"]) for r in rows) / len(rows)
    assert f"{mean:.6f}" in docs  # the CSV is rounded to 6 places; the mean agrees
    ebv = tmp_path / "ebv.csv"
    done = run(settings, "breeding", "evaluate", "--trait", "t3", "--h2", "0.38", "-o", str(ebv))
    assert "3141 records" in done.stdout
    with ebv.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 6473


def test_a_pedigree_file_with_a_loop_is_refused_with_reasons(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,SIRE,DAM\n1,0,0\n2,3,1\n3,2,1\n4,1,5\n4,0,0\n", encoding="utf-8")
    done = run(settings, "breeding", "check", "--file", str(bad), check=False)
    assert done.returncode == 1
    assert "own ancestor" in done.stdout and "自己的祖先" in done.stdout
    assert "pedigree.duplicate_id" in done.stdout and "pedigree.unknown_parent" in done.stdout
    assert "[pedigree.sire_as_dam] ×1: 1" in done.stdout  # 1 is the sire of 4, the dam of 2
    missing = run(settings, "breeding", "population", "--herdbook", "none", check=False)
    assert missing.returncode == 1 and "herdbook none has no records" in missing.stderr
