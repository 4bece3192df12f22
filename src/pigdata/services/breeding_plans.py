"""Genetic evaluation (animal-model BLUP) and conservation mating plans over the herdbook and
phenotype projections.

An evaluation reads a herdbook's `phenotype` records of the chosen traits, one record per
animal and trait; the fixed effects are the contemporary group of the animal's record of the
first trait it has (herd-year-season, as sent) and its sex from the pedigree. Variance
components are given: for one trait a heritability (with the phenotypic variance of the
records) or both variances; for several traits the genetic and residual covariance matrices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.breeding.evaluation import Records, evaluate
from pigdata.breeding.mating import plan_matings
from pigdata.breeding.pedigree import FloatArray, IntArray
from pigdata.domain.conservation import NY_T_3451_2019
from pigdata.services.breeding import (
    BreedingInputError,
    Herdbook,
    load_herdbook,
    visible_herds,
    visible_rows,
)
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t

FIXED_EFFECTS = ("group", "sex")


@dataclass(frozen=True, slots=True)
class BreedingValue:
    """An animal's estimated breeding values (one per trait) and their reliabilities."""

    registry_id: str
    breeding_values: tuple[float, ...]
    reliabilities: tuple[float, ...] | None
    phenotyped: bool


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """The result of a BLUP run: what went in, how the solver did, and the breeding values."""

    herdbook: str
    traits: tuple[str, ...]
    fixed_effects: tuple[str, ...]
    genetic_covariance: tuple[tuple[float, ...], ...]
    residual_covariance: tuple[tuple[float, ...], ...]
    records: int
    animals: int
    equations: int
    iterations: int
    relative_residual: float
    rows: tuple[BreedingValue, ...]
    shown_from: int
    visible: int


def _phenotypes(conn: Connection, code: str, traits: Sequence[str]) -> Sequence[Any]:
    f = t.phenotypes
    query = sa.select(f.c.registry_id, f.c.trait, f.c.value, f.c.contemporary_group).where(
        f.c.herdbook == code, f.c.trait.in_(list(traits))
    )
    return conn.execute(query.order_by(f.c.registry_id, f.c.trait)).all()


def _records(
    book: Herdbook, rows: Sequence[Any], traits: Sequence[str], fixed: Sequence[str]
) -> tuple[Records, tuple[str, ...]]:
    ids = sorted({str(r.registry_id) for r in rows})
    animal = book.rows_of(ids)
    where = {rid: k for k, rid in enumerate(ids)}
    values = np.full((len(ids), len(traits)), np.nan)
    group = ["" for _ in ids]
    column = {name: k for k, name in enumerate(traits)}
    for r in sorted(rows, key=lambda r: column[str(r.trait)]):
        k = where[str(r.registry_id)]
        values[k, column[str(r.trait)]] = float(r.value)
        group[k] = group[k] or str(r.contemporary_group or "")
    factors: list[IntArray] = []
    used: list[str] = []
    if "group" in fixed and any(group):
        factors.append(np.unique(np.asarray(group), return_inverse=True)[1].astype(np.int64))
        used.append("group")
    if "sex" in fixed:
        sex = np.asarray([book.sex[i] or "unknown" for i in animal.tolist()])
        if np.unique(sex).size > 1:
            factors.append(np.unique(sex, return_inverse=True)[1].astype(np.int64))
            used.append("sex")
    return Records(animal, values, tuple(factors)), tuple(used)


def _variances(
    values: FloatArray,
    heritability: float | None,
    genetic: Sequence[Sequence[float]] | None,
    residual: Sequence[Sequence[float]] | None,
) -> tuple[FloatArray, FloatArray]:
    t_count = values.shape[1]
    if genetic is not None and residual is not None:
        g, r = np.atleast_2d(np.asarray(genetic, float)), np.atleast_2d(np.asarray(residual, float))
        if g.shape != (t_count, t_count) or r.shape != (t_count, t_count):
            raise BreedingInputError(
                f"遗传与残差协方差矩阵应为 {t_count}×{t_count}",
                f"genetic and residual covariance matrices must be {t_count}×{t_count}",
                rule="evaluation.covariance_shape",
            )
        for name, matrix in (("genetic", g), ("residual", r)):
            if not np.allclose(matrix, matrix.T) or np.linalg.eigvalsh(matrix).min() <= 0:
                raise BreedingInputError(
                    f"{'遗传' if name == 'genetic' else '残差'}协方差矩阵应对称正定",
                    f"the {name} covariance matrix must be symmetric positive definite",
                    rule="evaluation.covariance_positive",
                )
        return g, r
    if heritability is None or t_count != 1 or not 0 < heritability < 1:
        raise BreedingInputError(
            "单性状请给出 0 与 1 之间的遗传力，多性状请给出遗传与残差协方差矩阵",
            "give a heritability between 0 and 1 for one trait, or both covariance matrices",
            rule="evaluation.variances",
        )
    phenotypic = float(np.nanvar(values[:, 0]))
    return np.array([[heritability * phenotypic]]), np.array([[(1 - heritability) * phenotypic]])


def evaluation_report(
    conn: Connection,
    who: Principal,
    traits: Sequence[str],
    code: str = "",
    heritability: float | None = None,
    genetic: Sequence[Sequence[float]] | None = None,
    residual: Sequence[Sequence[float]] | None = None,
    fixed: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> EvaluationReport:
    """Give breeding values by single- or multi-trait animal-model BLUP, best first."""
    book = load_herdbook(conn, code)
    mask = visible_rows(conn, book, who)
    rows = _phenotypes(conn, code, traits)
    if not traits or not rows:
        raise BreedingInputError(
            f"系谱 {code or '-'} 没有性状 {', '.join(traits)} 的测定记录",
            f"herdbook {code or '-'} has no records of trait(s) {', '.join(traits)}",
            rule="evaluation.no_records",
        )
    records, used = _records(book, rows, traits, FIXED_EFFECTS if fixed is None else fixed)
    g, r = _variances(records.values, heritability, genetic, residual)
    result = evaluate(book.pedigree, records, g, r)
    phenotyped = np.zeros(book.pedigree.size, dtype=bool)
    phenotyped[records.animal] = True
    order = [i for i in np.argsort(-result.breeding_values[:, 0], kind="stable") if mask[i]]
    rel = result.reliability
    shown = tuple(
        BreedingValue(
            str(book.pedigree.ids[i]),
            tuple(float(v) for v in result.breeding_values[i]),
            None if rel is None else tuple(float(v) for v in rel[i]),
            bool(phenotyped[i]),
        )
        for i in order[offset : offset + limit]
    )
    return EvaluationReport(
        herdbook=code,
        traits=tuple(traits),
        fixed_effects=used,
        genetic_covariance=tuple(tuple(map(float, row)) for row in g),
        residual_covariance=tuple(tuple(map(float, row)) for row in r),
        records=int(records.animal.size),
        animals=book.pedigree.size,
        equations=result.equations,
        iterations=result.iterations,
        relative_residual=result.relative_residual,
        rows=shown,
        shown_from=offset,
        visible=len(order),
    )


# --- mating plans -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedMating:
    """A boar and a sow to mate, the kinship of the pair, and whether to keep a son from it."""

    boar: str
    sow: str
    kinship: float
    keep_son: bool


@dataclass(frozen=True, slots=True)
class MatingPlanReport:
    """A conservation mating plan beside random mating."""

    herdbook: str
    herd: str | None
    rules: str
    boars: int
    sows: int
    matings: tuple[PlannedMating, ...]
    unmatched_sows: tuple[str, ...]
    mean_offspring_inbreeding: float
    random_offspring_inbreeding: float
    mean_kinship_next_generation: float
    random_kinship_next_generation: float
    delta_f: float
    ne: float
    random_delta_f: float
    random_ne: float


def _candidates(book: Herdbook, herd: str | None, year: int | None) -> tuple[IntArray, IntArray]:
    ped = book.pedigree
    in_herd = np.array([herd is None or h == herd for h in book.herd], dtype=bool)
    years = np.floor(ped.birth)
    if year is None and np.isfinite(years[in_herd]).any():
        year = int(np.nanmax(years[in_herd]))
    chosen = in_herd & (years == year) if year is not None else in_herd
    sex = np.asarray([s or "" for s in book.sex])  # by the recorded sex only
    return np.flatnonzero(chosen & (sex == "male")), np.flatnonzero(chosen & (sex == "female"))


def mating_plan_report(
    conn: Connection,
    who: Principal,
    code: str = "",
    herd: str | None = None,
    boars: Sequence[str] | None = None,
    sows: Sequence[str] | None = None,
    year: int | None = None,
) -> MatingPlanReport:
    """Give the least-kinship mating plan of a herd's boars and sows under NY/T 3451 rules.

    Without lists, the boars and sows are the herd's animals born in the latest (or the given)
    year, by sex.
    """
    if who.role is Role.farm and herd != who.scope:
        raise Forbidden(who, "其他场的配种计划", "another herd's mating plan")
    if herd is not None and who.role is Role.government and not visible_herds(conn, who, {herd}):
        raise Forbidden(who, f"辖区外场 {herd} 的配种计划", f"the mating plan of herd {herd}")
    book = load_herdbook(conn, code)
    mask = visible_rows(conn, book, who)
    if boars is not None and sows is not None:
        boar_rows, sow_rows = book.rows_of(boars), book.rows_of(sows)
    else:
        boar_rows, sow_rows = _candidates(book, herd, year)
    if not boar_rows.size or not sow_rows.size:
        raise BreedingInputError(
            "没有可配种的公猪或母猪", "no boars or no sows to mate", rule="mating.no_candidates"
        )
    if not (mask[boar_rows].all() and mask[sow_rows].all()):
        raise Forbidden(who, "所选个体", "the chosen animals")
    plan = plan_matings(book.pedigree, boar_rows, sow_rows)
    ids = book.pedigree.ids
    return MatingPlanReport(
        herdbook=code,
        herd=herd,
        rules=NY_T_3451_2019.source,
        boars=int(boar_rows.size),
        sows=int(sow_rows.size),
        matings=tuple(
            PlannedMating(str(ids[m.boar]), str(ids[m.sow]), m.kinship, m.son) for m in plan.matings
        ),
        unmatched_sows=tuple(str(ids[s]) for s in plan.unmatched_sows),
        mean_offspring_inbreeding=plan.mean_offspring_f,
        random_offspring_inbreeding=plan.random_offspring_f,
        mean_kinship_next_generation=plan.mean_kinship_next,
        random_kinship_next_generation=plan.random_kinship_next,
        delta_f=plan.delta_f,
        ne=plan.ne,
        random_delta_f=plan.random_delta_f,
        random_ne=plan.random_ne,
    )
