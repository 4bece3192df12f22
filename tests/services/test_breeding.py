"""Breeding services over records that went through the pipeline, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.breeding.evaluation import Records, evaluate
from pigdata.breeding.inbreeding import inbreeding
from pigdata.breeding.pedigree import build_pedigree
from pigdata.config import Settings
from pigdata.ingest.wide import read_trait_table
from pigdata.services.breeding import (
    BreedingInputError,
    check_herdbook,
    inbreeding_report,
    kinship_report,
    population_report,
)
from pigdata.services.breeding_plans import evaluation_report, mating_plan_report
from pigdata.services.intake import ingest_file
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t
from pigdata.synth.herdbook import BOARS, SOWS, herdbook_records

from tests.builders import FARM_A, FARM_B, district, ingest, issues_of

DATA = Path("/work/shared/data/breeding")
GOVERNMENT = Principal("rongchang", Role.government, "500153")
PUBLIC = Principal("anyone", Role.public)


def _pic_file_pedigree() -> tuple[Any, np.ndarray]:
    with (DATA / "pic_pedigree.csv").open() as handle:
        ids, sires, dams = zip(*list(csv.reader(handle))[1:], strict=True)
    ped = build_pedigree(ids, sires, dams)
    return ped, inbreeding(ped)


def test_pic_files_through_the_pipeline(engine: Engine, settings: Settings) -> None:
    summary = ingest_file(engine, settings, DATA / "pic_pedigree.csv", who=ADMIN)
    assert (summary.accepted, summary.rejected) == (6473, 0)
    path = DATA / "pic_phenotypes.csv"
    rows = read_trait_table(path, ["t3"])
    summary = ingest_file(engine, settings, path, who=ADMIN, rows=rows)
    assert (summary.accepted, summary.rejected) == (3141, 0)  # t3 is missing ("."), else
    ped, f = _pic_file_pedigree()
    with engine.connect() as conn:
        report = inbreeding_report(conn, ADMIN, limit=5)
        assert report.animals == 6473 and report.mean_inbreeding == pytest.approx(f.mean())
        assert report.rows[0].inbreeding == f.max()
        result = evaluation_report(
            conn, ADMIN, ["t3"], genetic=[[0.38]], residual=[[0.62]], fixed=[], limit=10_000
        )
    # the same model straight from the files
    with path.open() as handle:
        table = [r for r in list(csv.reader(handle))[1:] if r[3] != "."]
    direct = evaluate(
        ped,
        Records(ped.index_of([r[0] for r in table]), np.array([[float(r[3])] for r in table])),
        [[0.38]],
        [[0.62]],
    )
    by_id = dict(zip(ped.ids.tolist(), direct.breeding_values[:, 0].tolist(), strict=True))
    assert result.visible == 6473
    for row in result.rows:
        assert row.breeding_values[0] == pytest.approx(by_id[row.registry_id], abs=1e-8)


def _pedigree(
    rid: str, sire: str | None = None, dam: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "pedigree", "herdbook": "T", "registry_id": rid, **extra}
    if sire:
        body["sire"] = sire
    if dam:
        body["dam"] = dam
    return body


def test_pedigree_errors_are_refused_or_reported(engine: Engine, settings: Settings) -> None:
    summary = ingest(
        engine,
        settings,
        [
            _pedigree("a", birth_year=2020, sex="male"),
            _pedigree("b", birth_year=2020, sex="female"),
            _pedigree("c", "a", "b", birth_year=2019),  # born before its parents
            _pedigree("c", "a", "a"),  # a duplicate ID (and sire = dam)
            _pedigree("d", "a", "0"),
            _pedigree("e", "c", "ghost", birth_year=2022),  # ghost has no record
            _pedigree("f", "d", "a", birth_year=2022),  # a used as a dam too
            _pedigree("g", "g"),  # its own parent
        ],
    )
    assert issues_of(summary) == {3: {"pedigree.sire_as_dam"}, 7: {"pedigree.own_parent"}}
    summary = ingest(engine, settings, [_pedigree("c", "a", "b")])
    assert issues_of(summary) == {0: {"pedigree.duplicate_id"}}
    with engine.connect() as conn:
        report = check_herdbook(conn, "T")
    rules = {f.rule: f.ids for f in report.findings}
    assert report.usable
    assert rules == {
        "pedigree.unknown_parent": ("ghost",),
        "pedigree.sire_as_dam": ("a",),
        "pedigree.parent_born_after": ("c",),
    }
    # a loop made of records that are each valid alone: x → y → x
    ingest(engine, settings, [_pedigree("x", "y"), _pedigree("y", "x")])
    with engine.connect() as conn:
        report = check_herdbook(conn, "T")
        assert not report.usable
        assert [f.ids for f in report.findings if f.fatal] == [("x", "y")]
        with pytest.raises(BreedingInputError, match="loop"):
            inbreeding_report(conn, ADMIN, "T")


def _conservation_herd(engine: Engine, settings: Settings) -> list[dict[str, Any]]:
    records = list(herdbook_records(np.random.default_rng(5), FARM_A, date(2024, 1, 1)))
    summary = ingest(engine, settings, [*district(), *records])
    assert summary.rejected == 0
    return records


def test_conservation_herd_population_and_plan(engine: Engine, settings: Settings) -> None:
    records = _conservation_herd(engine, settings)
    pedigree = {r["registry_id"]: r for r in records if r["kind"] == "pedigree"}
    latest = max(r["birth_date"][:4] for r in pedigree.values())
    with engine.connect() as conn:
        population = population_report(conn, "RC")
        plan = mating_plan_report(conn, GOVERNMENT, "RC", herd=FARM_A)
        with pytest.raises(Forbidden):
            mating_plan_report(conn, Principal("b", Role.farm, FARM_B), "RC", herd=FARM_A)
    assert population.reference == f"born in {latest}"
    assert (population.sires, population.dams) == (BOARS, SOWS)
    assert population.ne_sex_ratio == 4 * BOARS * SOWS / (BOARS + SOWS)
    assert 1.5 < population.mean_generation_interval < 1.8  # 600 days ± 60
    assert population.risk_class in {
        "potentially endangered",
        "minimally endangered",
        "not at risk",
    }
    assert (plan.boars, plan.sows, len(plan.matings)) == (BOARS, SOWS, SOWS)
    for m in plan.matings:  # no full or half sibs, by the records themselves
        boar, sow = pedigree[m.boar], pedigree[m.sow]
        assert boar["sire"] != sow["sire"] and boar["dam"] != sow["dam"]
    per_boar = np.unique([m.boar for m in plan.matings], return_counts=True)[1]
    assert set(per_boar.tolist()) <= {4, 5} and per_boar.size == BOARS
    assert sum(m.keep_son for m in plan.matings) == BOARS
    assert plan.mean_offspring_inbreeding < plan.random_offspring_inbreeding
    assert math.isclose(plan.delta_f, 3 / (32 * BOARS) + 1 / (32 * SOWS))


def test_evaluation_and_access(engine: Engine, settings: Settings) -> None:
    _conservation_herd(engine, settings)
    with engine.connect() as conn:
        result = evaluation_report(conn, GOVERNMENT, ["adg"], "RC", heritability=0.3, limit=5)
        assert result.fixed_effects == ("group", "sex")
        assert result.records == (BOARS + SOWS) * 10 and result.relative_residual < 1e-10
        assert result.rows[0].reliabilities is not None
        two = evaluation_report(
            conn,
            GOVERNMENT,
            ["adg", "backfat"],
            "RC",
            genetic=[[1000, -10], [-10, 4]],
            residual=[[2500, 20], [20, 5]],
            limit=3,
        )
        assert len(two.rows[0].breeding_values) == 2
        with pytest.raises(BreedingInputError, match="heritability"):
            evaluation_report(conn, GOVERNMENT, ["adg", "backfat"], "RC", heritability=0.3)
        with pytest.raises(Forbidden):
            evaluation_report(conn, PUBLIC, ["adg"], "RC", heritability=0.3)
        other_farm = evaluation_report(
            conn, Principal("b", Role.farm, FARM_B), ["adg"], "RC", heritability=0.3
        )
        assert other_farm.visible == 0 and other_farm.rows == ()
        public = inbreeding_report(conn, PUBLIC, "RC")
        assert public.rows == () and public.animals == (BOARS + SOWS) * 10
        k = kinship_report(conn, GOVERNMENT, ["RC09M000", "RC09F000"], "RC")
        assert k.kinship[0][1] == k.kinship[1][0] and k.kinship[0][0] >= 0.5
        stored = conn.execute(sa.select(sa.func.count()).select_from(t.phenotypes)).scalar_one()
        assert stored == (BOARS + SOWS) * 10 * 2
