"""Breeding and germplasm services over the herdbook projections: checks, inbreeding, kinship,
population statistics. Evaluation and mating plans are in `breeding_plans`.

Who sees what: the public gets a herdbook's aggregates (size, mean F, Ne, risk class);
per-animal results need a token. An animal's results belong to its herd, the premises that
keeps it: a farm sees the animals of its own herd, a government those of herds kept inside
its region (a herd not registered as premises is placed by its code's county digits, as a
registration code starts with its county's code), an admin every animal; an animal of no
herd is an admin's only. Computations always use the whole herdbook, since an animal's
inbreeding depends on ancestors kept anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata import errors
from pigdata.access.principal import Principal, Role
from pigdata.breeding.inbreeding import inbreeding
from pigdata.breeding.pedigree import Finding, IntArray, Pedigree, PedigreeError, build_pedigree
from pigdata.breeding.population import (
    Interval,
    ancestor_contributions,
    effective_founders,
    generation_intervals,
    individual_delta_f,
    ne_from_sex_ratio,
    pedigree_depth,
)
from pigdata.breeding.relationship import kinship
from pigdata.domain.conservation import EAAP_PIGS
from pigdata.services.scope import Forbidden, require_records_access
from pigdata.store import tables as t


class BreedingInputError(errors.InvalidInput):
    """A request the breeding services cannot answer; each raise names its rule."""

    title = "Unprocessable breeding request"
    rule = "breeding.request"


@dataclass(frozen=True, slots=True)
class Herdbook:
    """The stored pedigree of one herdbook, checked, with each animal's herd and breed."""

    code: str
    pedigree: Pedigree
    herd: tuple[str | None, ...]
    breed: tuple[str | None, ...]
    sex: tuple[str | None, ...]  # as recorded (None when the herdbook does not say)

    def rows_of(self, ids: Sequence[str]) -> IntArray:
        """Give the rows of the given IDs; raise naming the first unknown one."""
        rows = self.pedigree.index_of(list(ids))
        if (rows < 0).any():
            missing = ids[int(np.flatnonzero(rows < 0)[0])]
            raise BreedingInputError(
                f"系谱 {self.code or '-'} 中没有个体 {missing}",
                f"no animal {missing} in herdbook {self.code or '-'}",
                rule="breeding.unknown_id",
            )
        return rows


def _decimal_year(birth_date: date | str | None, birth_year: int | None) -> float:
    if birth_date is not None:
        day = date.fromisoformat(birth_date) if isinstance(birth_date, str) else birth_date
        return day.year + (day.timetuple().tm_yday - 1) / 365.25
    return float(birth_year) + 0.5 if birth_year is not None else float("nan")


def _stored_rows(conn: Connection, code: str) -> Sequence[Any]:
    p = t.pedigree_animals
    query = sa.select(
        p.c.registry_id,
        p.c.sire,
        p.c.dam,
        p.c.sex,
        p.c.birth_date,
        p.c.birth_year,
        p.c.herd,
        p.c.breed,
    ).where(p.c.herdbook == code)
    return conn.execute(query.order_by(p.c.registry_id)).all()


def _read_herdbook(conn: Connection, code: str) -> tuple[Herdbook | None, tuple[Finding, ...]]:
    rows = _stored_rows(conn, code)
    if not rows:
        raise BreedingInputError(
            f"系谱 {code or '-'} 没有记录",
            f"herdbook {code or '-'} has no records",
            rule="breeding.no_herdbook",
        )
    ids = [r.registry_id for r in rows]
    births = [_decimal_year(r.birth_date, r.birth_year) for r in rows]
    try:
        ped = build_pedigree(
            ids,
            [r.sire or "0" for r in rows],
            [r.dam or "0" for r in rows],
            birth=births,
            male=[r.sex == "male" for r in rows],
        )
    except PedigreeError as error:
        return None, error.findings
    where = {r.registry_id: r for r in rows}
    herd = tuple(where[i].herd if i in where else None for i in ped.ids.tolist())
    breed = tuple(where[i].breed if i in where else None for i in ped.ids.tolist())
    sex = tuple(where[i].sex if i in where else None for i in ped.ids.tolist())
    return Herdbook(code, ped, herd, breed, sex), ped.findings


def load_herdbook(conn: Connection, code: str = "") -> Herdbook:
    """Give a herdbook's checked pedigree; raise when it cannot be used (a loop)."""
    book, findings = _read_herdbook(conn, code)
    if book is None:
        raise BreedingInputError(
            "系谱成环，无法计算：" + "; ".join(f.zh for f in findings if f.fatal),
            "the pedigree has a loop, nothing can be computed: "
            + "; ".join(", ".join(f.ids) for f in findings if f.fatal),
            rule="pedigree.own_ancestor",
        )
    return book


def visible_rows(conn: Connection, book: Herdbook, who: Principal) -> np.ndarray:
    """Give a mask of the animals whose own results the principal may see."""
    require_records_access(who)
    if who.role is Role.admin:
        return np.ones(book.pedigree.size, dtype=bool)
    herds = visible_herds(conn, who, {h for h in book.herd if h is not None})
    return np.array([h in herds for h in book.herd], dtype=bool)


def visible_herds(conn: Connection, who: Principal, herds: set[str]) -> set[str]:
    """Give those of some herds (premises codes) that keep animals inside a principal's view."""
    if who.role is Role.farm:
        return herds & {who.scope or ""}
    p = t.premises
    townships: dict[str, str] = {}
    listed = sorted(herds)
    for start in range(0, len(listed), 1000):  # bound the IN list
        chunk = listed[start : start + 1000]
        query = sa.select(p.c.code, p.c.township).where(p.c.code.in_(chunk))
        townships.update((str(c), str(w)) for c, w in conn.execute(query))
    return {h for h in herds if who.covers_premises(h, townships.get(h))}


# --- herdbooks and checks ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HerdbookSummary:
    """A herdbook's size."""

    herdbook: str
    animals: int
    with_sire: int
    with_dam: int


def list_herdbooks(conn: Connection) -> list[HerdbookSummary]:
    """Give every herdbook with its number of animals (public aggregates)."""
    p = t.pedigree_animals
    query = (
        sa.select(p.c.herdbook, sa.func.count(), sa.func.count(p.c.sire), sa.func.count(p.c.dam))
        .group_by(p.c.herdbook)
        .order_by(p.c.herdbook)
    )
    return [HerdbookSummary(*row) for row in conn.execute(query).all()]


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The findings of a herdbook's pedigree checks."""

    herdbook: str
    animals: int
    usable: bool
    findings: tuple[Finding, ...]


def check_herdbook(conn: Connection, code: str = "") -> CheckReport:
    """Give the pedigree checks of a stored herdbook (counts and some IDs per finding)."""
    book, findings = _read_herdbook(conn, code)
    size = book.pedigree.size if book else len(_stored_rows(conn, code))
    return CheckReport(code, size, book is not None, findings)


def check_file_rows(
    ids: Sequence[str], sires: Sequence[str], dams: Sequence[str], births: Sequence[float]
) -> CheckReport:
    """Give the pedigree checks of rows read from a file, before anything is stored."""
    try:
        ped = build_pedigree(ids, sires, dams, birth=births)
    except PedigreeError as error:
        return CheckReport("", len(ids), False, error.findings)
    return CheckReport("", ped.size, True, ped.findings)


# --- inbreeding and kinship ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnimalInbreeding:
    """One animal's inbreeding and pedigree depth."""

    registry_id: str
    sire: str | None
    dam: str | None
    inbreeding: float
    equivalent_generations: float
    complete_generations: float
    herd: str | None


@dataclass(frozen=True, slots=True)
class InbreedingReport:
    """A herdbook's inbreeding: aggregates for all, and the animals the caller may see."""

    herdbook: str
    animals: int
    mean_inbreeding: float
    inbred: int
    max_inbreeding: float
    mean_equivalent_generations: float
    rows: tuple[AnimalInbreeding, ...]
    shown_from: int
    visible: int


def _parent_id(book: Herdbook, parent: int) -> str | None:
    return str(book.pedigree.ids[parent]) if parent >= 0 else None


def inbreeding_report(
    conn: Connection, who: Principal, code: str = "", offset: int = 0, limit: int = 100
) -> InbreedingReport:
    """Give every animal's F (Meuwissen & Luo), most inbred first; aggregates for the public."""
    book = load_herdbook(conn, code)
    ped = book.pedigree
    f = inbreeding(ped)
    complete, _, equivalent = pedigree_depth(ped)
    rows: tuple[AnimalInbreeding, ...] = ()
    visible = 0
    if who.role is not Role.public:
        mask = visible_rows(conn, book, who)
        order = [i for i in np.argsort(-f, kind="stable").tolist() if mask[i]]
        visible = len(order)
        rows = tuple(
            AnimalInbreeding(
                str(ped.ids[i]),
                _parent_id(book, ped.sire[i]),
                _parent_id(book, ped.dam[i]),
                float(f[i]),
                float(equivalent[i]),
                float(complete[i]),
                book.herd[i],
            )
            for i in order[offset : offset + limit]
        )
    return InbreedingReport(
        code,
        ped.size,
        float(f.mean()),
        int((f > 0).sum()),
        float(f.max()),
        float(equivalent.mean()),
        rows,
        offset,
        visible,
    )


@dataclass(frozen=True, slots=True)
class KinshipReport:
    """Coefficients of kinship (coancestry) among chosen animals; the diagonal is ½(1 + F)."""

    herdbook: str
    ids: tuple[str, ...]
    kinship: tuple[tuple[float, ...], ...]


def kinship_report(
    conn: Connection, who: Principal, ids: Sequence[str], code: str = ""
) -> KinshipReport:
    """Give the kinship matrix among the chosen animals."""
    if not ids or len(ids) > 2000:
        raise BreedingInputError(
            "请选择 1 至 2000 个个体", "choose 1 to 2,000 animals", rule="breeding.kinship_count"
        )
    book = load_herdbook(conn, code)
    rows = book.rows_of(ids)
    mask = visible_rows(conn, book, who)
    if not mask[rows].all():
        raise Forbidden(who, "所选个体", "the chosen animals")
    matrix = kinship(book.pedigree, rows)
    return KinshipReport(code, tuple(ids), tuple(tuple(map(float, r)) for r in matrix))


# --- population statistics --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contribution:
    """An ancestor's (or founder's) expected share of the reference population's genes."""

    registry_id: str
    share: float


@dataclass(frozen=True, slots=True)
class PopulationReport:
    """Conservation figures of a herdbook's reference population (public aggregates)."""

    herdbook: str
    reference: str  # how the reference population was chosen
    reference_size: int
    sires: int
    dams: int
    mean_inbreeding: float
    mean_equivalent_generations: float
    mean_individual_delta_f: float
    ne_individual: float
    ne_sex_ratio: float
    risk_class: str
    risk_class_zh: str
    risk_scale: str
    generation_intervals: tuple[Interval, ...]
    mean_generation_interval: float
    effective_founders: float
    effective_ancestors: float
    founder_genome_equivalents: float | None
    main_ancestors: tuple[Contribution, ...]


def reference_rows(ped: Pedigree, year: int | None) -> tuple[IntArray, str]:
    """Give the reference population: animals born in a year (default the latest), or, with
    no birth dates, the animals that have no offspring."""
    years = np.floor(ped.birth)
    if year is None and np.isfinite(years).any():
        year = int(np.nanmax(years))
    if year is not None:
        rows = np.flatnonzero(years == year)
        if not rows.size:
            raise BreedingInputError(
                f"{year} 年没有出生的个体",
                f"no animals born in {year}",
                rule="breeding.reference_empty",
            )
        return rows, f"born in {year}"
    parents = np.zeros(ped.size, dtype=bool)
    parents[ped.sire[ped.sire >= 0]] = True
    parents[ped.dam[ped.dam >= 0]] = True
    return np.flatnonzero(~parents), "animals without offspring"


def _founder_genome_equivalents(ped: Pedigree, rows: IntArray) -> float | None:
    # 1/(2 · mean kinship) needs the kinship of every reference pair: only for modest sizes.
    if rows.size > 3000:
        return None
    mean = float(kinship(ped, rows).mean())
    return 1.0 / (2.0 * mean) if mean > 0 else None


def population_report(
    conn: Connection, code: str = "", reference_year: int | None = None, ancestors: int = 20
) -> PopulationReport:
    """Give Ne (individual ΔF and sex ratio), the EAAP class, intervals and contributions."""
    book = load_herdbook(conn, code)
    ped = book.pedigree
    rows, reference = reference_rows(ped, reference_year)
    f = inbreeding(ped)
    _, _, equivalent = pedigree_depth(ped)
    delta = individual_delta_f(f, equivalent)[rows]
    mean_delta = float(np.nanmean(delta)) if np.isfinite(delta).any() else float("nan")
    ne_individual = 1.0 / (2.0 * mean_delta) if mean_delta > 0 else float("inf")
    sires = int(np.unique(ped.sire[rows][ped.sire[rows] >= 0]).size)
    dams = int(np.unique(ped.dam[rows][ped.dam[rows] >= 0]).size)
    ne_sex = ne_from_sex_ratio(sires, dams)
    # The realised Ne when the pedigree is deep enough to give it, else the census one.
    band = EAAP_PIGS.classify(ne_individual if np.isfinite(ne_individual) else ne_sex)
    intervals = generation_intervals(ped, rows)
    known = [i.years for i in intervals if i.count]
    picked, margins = ancestor_contributions(ped, rows, most=max(ancestors, 200))
    squares = float(np.sum(margins**2))
    return PopulationReport(
        herdbook=code,
        reference=reference,
        reference_size=int(rows.size),
        sires=sires,
        dams=dams,
        mean_inbreeding=float(f[rows].mean()),
        mean_equivalent_generations=float(equivalent[rows].mean()),
        mean_individual_delta_f=mean_delta,
        ne_individual=ne_individual,
        ne_sex_ratio=ne_sex,
        risk_class=band.name,
        risk_class_zh=band.zh,
        risk_scale=EAAP_PIGS.source,
        generation_intervals=intervals,
        mean_generation_interval=float(np.mean(known)) if known else float("nan"),
        effective_founders=effective_founders(ped, rows),
        effective_ancestors=1.0 / squares if squares > 0 else float("nan"),
        founder_genome_equivalents=_founder_genome_equivalents(ped, rows),
        main_ancestors=tuple(
            Contribution(str(ped.ids[i]), float(m))
            for i, m in zip(picked[:ancestors], margins[:ancestors], strict=True)
        ),
    )
