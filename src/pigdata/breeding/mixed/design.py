"""The design of a mixed model: records, fixed-effect matrix X, and per random effect its
incidence matrix Z and the inverse K⁻¹ of its covariance structure (var(u) = K σ²).

The additive animal effect has K = A over the whole pedigree: A⁻¹ by Henderson's rules with
the exact inbreeding (unknown parents as in `relationship.a_inverse`) and log|A| = Σ log b_i,
the Mendelian sampling variances, since A = T B T' with T unit triangular. Independent
effects (litter, pen, contemporary group, permanent environment) have K = I.

Fixed effects: an overall mean (unless the model says mean = false), then each class
factor's levels except its first (its effects are contrasts to that level; without a mean
the first factor keeps all levels), then each covariate as a regression on its value.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from pigdata.breeding.inbreeding import inbreeding_and_variance
from pigdata.breeding.mixed.model import Model, ModelError, RandomTerm
from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree, build_pedigree
from pigdata.breeding.relationship import a_inverse

TextArray = npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True)
class RandomBlock:
    """One random effect: its term, incidence Z (records × levels), K⁻¹ and log|K|."""

    term: RandomTerm
    z: sp.csr_matrix
    k_inverse: sp.csr_matrix
    logdet_k: float
    levels: TextArray

    @property
    def size(self) -> int:
        """Give the number of levels."""
        return int(self.z.shape[1])


@dataclass(frozen=True, slots=True)
class Design:
    """Everything the mixed-model equations are made of."""

    y: FloatArray
    x: sp.csr_matrix
    fixed_names: tuple[str, ...]
    blocks: tuple[RandomBlock, ...]
    pedigree: Pedigree | None = None
    inbreeding: FloatArray | None = None
    dropped: int = 0  # records left out for a missing trait or covariate

    @property
    def records(self) -> int:
        """Give the number of records used."""
        return int(self.y.size)

    @property
    def fixed_size(self) -> int:
        """Give the number of fixed-effect equations."""
        return int(self.x.shape[1])

    def offset(self, block: int) -> int:
        """Give the first equation of a random effect."""
        return self.fixed_size + sum(b.size for b in self.blocks[:block])


def _read_table(path: Path) -> dict[str, list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader)]
            rows = [row for row in reader if row]
    except (OSError, UnicodeDecodeError, StopIteration, csv.Error) as error:
        raise ModelError(
            f"无法读取数据文件 {path}", f"cannot read the data file {path}", rule="model.file"
        ) from error
    columns: dict[str, list[str]] = {h: [] for h in header}
    for row in rows:
        for name, value in zip(header, row, strict=False):
            columns[name].append(value.strip())
    if any(len(v) != len(rows) for v in columns.values()):
        raise ModelError(
            f"{path} 中有的行列数不足", f"some rows of {path} are short", rule="model.file"
        )
    return columns


def _column(table: dict[str, list[str]], name: str, path: Path) -> TextArray:
    if name not in table:
        raise ModelError(
            f"{path} 中没有列 {name}", f"no column {name} in {path}", rule="model.column"
        )
    return np.asarray(table[name], dtype=str)


def _numbers(text: TextArray, missing: npt.NDArray[np.bool_], what: str) -> FloatArray:
    values = np.full(text.size, np.nan)
    try:
        values[~missing] = text[~missing].astype(np.float64)
    except ValueError as error:
        raise ModelError(
            f"{what} 列中有非数值",
            f"the column {what} holds a value that is not a number",
            rule="model.column",
        ) from error
    return values


def class_incidence(codes: TextArray) -> tuple[sp.csr_matrix, TextArray]:
    """Give the incidence matrix (records × levels) and the sorted levels of a class column."""
    levels, which = np.unique(codes, return_inverse=True)
    n = codes.size
    z = sp.csr_matrix((np.ones(n), (np.arange(n), which.ravel())), shape=(n, levels.size))
    return z, levels


def fixed_matrix(
    mean: bool,
    classes: Sequence[tuple[str, TextArray]],
    covariates: Sequence[tuple[str, FloatArray]],
    n: int,
) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Give X and the names of its columns (see the module's rule for full rank)."""
    parts: list[sp.csr_matrix] = []
    names: list[str] = []
    if mean:
        parts.append(sp.csr_matrix(np.ones((n, 1))))
        names.append("mean")
    for position, (name, codes) in enumerate(classes):
        z, levels = class_incidence(codes)
        keep = 0 if (position == 0 and not mean) else 1
        parts.append(z[:, keep:])
        names += [f"{name}={level}" for level in levels[keep:]]
    for name, values in covariates:
        parts.append(sp.csr_matrix(values.reshape(-1, 1)))
        names.append(name)
    if not parts:
        raise ModelError("模型没有固定效应", "the model has no fixed effect", rule="model.no_fixed")
    return sp.hstack(parts, format="csr"), tuple(names)


def _pedigree(path: Path, extra: TextArray) -> Pedigree:
    table = _read_table(path)
    names = list(table)
    if len(names) < 3:
        raise ModelError(
            f"系谱文件 {path} 需要 ID、父、母三列",
            f"the pedigree file {path} needs three columns: ID, sire, dam",
            rule="model.column",
        )
    ids, sires, dams = (np.asarray(table[c], dtype=str) for c in names[:3])
    new = np.setdiff1d(np.unique(extra), ids)  # recorded animals not in the pedigree: founders
    return build_pedigree(
        np.concatenate([ids, new]),
        np.concatenate([sires, np.full(new.size, "0")]),
        np.concatenate([dams, np.full(new.size, "0")]),
    )


def animal_block(
    term: RandomTerm, ped: Pedigree, animal: IntArray
) -> tuple[RandomBlock, FloatArray]:
    """Give the additive animal effect's block and the inbreeding of every animal."""
    f, b = inbreeding_and_variance(ped)
    n = animal.size
    z = sp.csr_matrix((np.ones(n), (np.arange(n), animal)), shape=(n, ped.size))
    block = RandomBlock(term, z, a_inverse(ped, b), float(np.log(b).sum()), ped.ids)
    return block, f


def iid_block(term: RandomTerm, codes: TextArray) -> RandomBlock:
    """Give an effect of independent levels."""
    z, levels = class_incidence(codes)
    return RandomBlock(term, z, sp.identity(levels.size, format="csr"), 0.0, levels)


def _with_pedigree_columns(table: dict[str, list[str]], model: Model) -> dict[str, list[str]]:
    # A column the records lack may come from the pedigree file, looked up by the animal's
    # ID (e.g. DAM for a common-litter environment); an animal not listed there is missing.
    if model.pedigree is None or model.id_column not in table:
        return table
    wanted = {f.column for f in model.fixed} | {r.column for r in model.random}
    wanted -= set(table)
    if not wanted:
        return table
    pedigree = _read_table(model.pedigree)
    names = list(pedigree)
    if not names:
        return table
    where = {animal: row for row, animal in enumerate(pedigree[names[0]])}
    rows = [where.get(animal, -1) for animal in table[model.id_column]]
    joined = dict(table)
    for column in wanted & set(pedigree):
        joined[column] = [pedigree[column][r] if r >= 0 else "" for r in rows]
    return joined


def load_design(model: Model) -> Design:
    """Read a model's records and pedigree and give its design."""
    table = _with_pedigree_columns(_read_table(model.records), model)
    missing_of = {c: np.isin(_column(table, c, model.records), [*model.missing, ""]) for c in table}
    trait = _column(table, model.trait, model.records)
    y = _numbers(trait, missing_of[model.trait], model.trait)
    covariates = [f.column for f in model.fixed if f.kind == "covariate"]
    values = {c: _numbers(_column(table, c, model.records), missing_of[c], c) for c in covariates}
    keep = ~np.isnan(y)
    for v in values.values():
        keep &= ~np.isnan(v)
    if not keep.any():
        raise ModelError(
            f"性状 {model.trait} 没有可用记录",
            f"no usable records of {model.trait}",
            rule="model.no_records",
        )
    classes = [
        (f.column, _column(table, f.column, model.records)[keep])
        for f in model.fixed
        if f.kind == "class"
    ]
    x, names = fixed_matrix(
        model.mean, classes, [(c, values[c][keep]) for c in covariates], int(keep.sum())
    )
    ids = _column(table, model.id_column, model.records)[keep]
    ped, f = None, None
    blocks = []
    for term in model.random:
        if term.kind == "animal":
            assert model.pedigree is not None
            ped = _pedigree(model.pedigree, ids)
            block, f = animal_block(term, ped, ped.index_of(list(ids)))
            blocks.append(block)
        else:
            blocks.append(iid_block(term, _column(table, term.column, model.records)[keep]))
    dropped = int(keep.size - keep.sum())
    return Design(y[keep], x, names, tuple(blocks), ped, f, dropped)
