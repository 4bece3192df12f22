"""The `pigdata breeding` commands as a user runs them, on a real database."""

from __future__ import annotations

import csv
import json
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


MODELS = Path(__file__).parents[2] / "docs" / "models"


def test_reml_on_pic_t1_gives_the_estimates_stated_in_the_docs_and_blup_takes_them(
    settings: Settings, tmp_path: Path
) -> None:
    estimates, ebv = tmp_path / "t1.json", tmp_path / "ebv.csv"
    done = run(settings, "breeding", "reml", str(MODELS / "pic_t1.toml"), "-o", str(estimates))
    assert "round   1" in done.stdout and "converged after" in done.stdout
    found = json.loads(estimates.read_text(encoding="utf-8"))
    docs = (Path(__file__).parents[2] / "docs" / "breeding.md").read_text(encoding="utf-8")
    assert f"{found['minus2logl']:.2f}" in docs
    for name, value in found["variances"].items():
        assert f"{value:.4f} ± {found['se'][name]:.4f}" in docs, name
    solved = run(
        settings,
        "breeding",
        "blup",
        str(MODELS / "pic_t1.toml"),
        "--variances",
        str(estimates),
        "--solutions",
        str(ebv),
    )
    assert f"-2logL {found['minus2logl']:.4f}" in solved.stdout
    with ebv.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["effect"] == "animal"]
    assert len(rows) == 6473
    assert all(0.0 <= float(r["reliability"]) <= 1.0 for r in rows)


def test_a_model_naming_a_column_the_data_lack_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "rec.csv").write_text("ID,y\n1,1.5\n2,2.5\n3,0.5\n", encoding="utf-8")
    model = tmp_path / "m.toml"
    model.write_text(
        'trait = "y"\nrecords = "rec.csv"\n[[random]]\ncolumn = "pen"\n', encoding="utf-8"
    )
    done = run(settings, "breeding", "reml", str(model), check=False)
    assert done.returncode == 1
    assert "model.column" in done.stdout + done.stderr and "pen" in done.stdout + done.stderr
