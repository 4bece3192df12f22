"""Animal-model BLUP, single- and multi-trait, solved by preconditioned conjugate gradients.

Model y = Xb + Za + e with var(a) = A ⊗ G0 and var(e) = R0 per animal (traits of one animal
share a residual covariance; a missing trait drops its row and column). The mixed-model
equations (Henderson 1984)

    [X'R⁻¹X   X'R⁻¹Z          ] [b]   [X'R⁻¹y]
    [Z'R⁻¹X   Z'R⁻¹Z + A⁻¹⊗G0⁻¹] [a] = [Z'R⁻¹y]

are built as a SciPy sparse matrix and solved in double precision by conjugate gradients
with a diagonal (Jacobi) preconditioner, the way BLUPF90 solves national evaluations.
Fixed effects are class variables; to keep the equations of full rank the first factor
keeps all its levels and each further factor drops its first level (its effects are then
contrasts to that level). Without factors the model has an overall mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import cg

from pigdata.breeding.inbreeding import inbreeding_and_variance
from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree
from pigdata.breeding.relationship import a_inverse

# Above this many equations the exact reliabilities (from the inverse of the whole
# coefficient matrix) cost too much memory and time; they are then left out.
RELIABILITY_LIMIT = 4_000


@dataclass(frozen=True, slots=True)
class Records:
    """Phenotypes: the pedigree row of each record, values (records × traits, NaN missing), and
    fixed-effect class codes per record (one array per factor)."""

    animal: IntArray
    values: FloatArray
    factors: tuple[IntArray, ...] = ()


@dataclass(frozen=True, slots=True)
class Equations:
    """The mixed-model equations and where each effect sits in them."""

    lhs: sp.csr_matrix
    rhs: FloatArray
    traits: int
    fixed_levels: tuple[int, ...]  # equations per factor (levels kept × traits)
    animals: int

    @property
    def first_animal_equation(self) -> int:
        """Give the index of the first animal equation."""
        return sum(self.fixed_levels)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Breeding values (animals × traits), fixed-effect solutions, reliabilities if affordable."""

    breeding_values: FloatArray
    fixed: FloatArray
    reliability: FloatArray | None
    iterations: int
    relative_residual: float
    equations: int


def _encode(codes: IntArray, drop_first: bool) -> tuple[IntArray, int]:
    # Dense level numbers 0..L-1; a dropped first level becomes -1 (no column).
    levels, dense = np.unique(codes, return_inverse=True)
    dense = dense.astype(np.int64)
    if drop_first:
        dense -= 1
        return dense, int(levels.size - 1)
    return dense, int(levels.size)


def _observations(values: FloatArray) -> tuple[IntArray, IntArray, IntArray]:
    # (record, trait, observation number) of every value that is there, record-major.
    seen = ~np.isnan(values)
    rec, trait = np.nonzero(seen)
    number = np.full(values.shape, -1, dtype=np.int64)
    number[rec, trait] = np.arange(rec.size)
    return rec, trait, number


def _design(records: Records, n: int, t: int) -> tuple[sp.csr_matrix, tuple[int, ...]]:
    rec, trait, _ = _observations(records.values)
    factors = records.factors or (np.zeros(records.animal.size, dtype=np.int64),)
    rows, cols, sizes, offset = [], [], [], 0
    for position, codes in enumerate(factors):
        dense, levels = _encode(np.asarray(codes), drop_first=position > 0)
        level = dense[rec]
        kept = level >= 0
        rows.append(np.flatnonzero(kept))
        cols.append(offset + level[kept] * t + trait[kept])
        sizes.append(levels * t)
        offset += levels * t
    rows.append(np.arange(rec.size))
    cols.append(offset + records.animal[rec] * t + trait)
    row, col = np.concatenate(rows), np.concatenate(cols)
    shape = (rec.size, offset + n * t)
    return sp.csr_matrix((np.ones(row.size), (row, col)), shape=shape), tuple(sizes)


def _residual_inverse(values: FloatArray, r0: FloatArray) -> sp.csr_matrix:
    # Block-diagonal R⁻¹: one block per record over its observed traits, one inverse per
    # pattern of missing traits.
    seen = ~np.isnan(values)
    _, _, number = _observations(values)
    patterns, which = np.unique(seen, axis=0, return_inverse=True)
    rows, cols, vals = [], [], []
    for p, pattern in enumerate(patterns):
        traits = np.flatnonzero(pattern)
        if not traits.size:
            continue
        inverse = np.linalg.inv(r0[np.ix_(traits, traits)])
        members = np.flatnonzero(which.ravel() == p)
        for a, ta in enumerate(traits):
            for b, tb in enumerate(traits):
                rows.append(number[members, ta])
                cols.append(number[members, tb])
                vals.append(np.full(members.size, inverse[a, b]))
    size = int(seen.sum())
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size)
    )


def build_equations(
    ped: Pedigree,
    records: Records,
    g0: FloatArray,
    r0: FloatArray,
    inverse_a: sp.spmatrix | None = None,
) -> Equations:
    """Give the mixed-model equations of an animal model (A⁻¹ built when not given)."""
    g0, r0 = np.atleast_2d(g0).astype(np.float64), np.atleast_2d(r0).astype(np.float64)
    values = np.asarray(records.values, dtype=np.float64).reshape(records.animal.size, -1)
    t = values.shape[1]
    if g0.shape != (t, t) or r0.shape != (t, t):
        raise ValueError(f"G0 and R0 must be {t}×{t} for {t} trait(s)")
    design, fixed_levels = _design(Records(records.animal, values, records.factors), ped.size, t)
    r_inv = _residual_inverse(values, r0)
    weighted = (design.T @ r_inv).tocsr()
    lhs = (weighted @ design).tocsr()
    a_inv = a_inverse(ped) if inverse_a is None else inverse_a
    genetic = sp.kron(a_inv, np.linalg.inv(g0), format="csr")
    start = sum(fixed_levels)
    lhs = lhs + sp.block_diag((sp.csr_matrix((start, start)), genetic), format="csr")
    observed = values[~np.isnan(values)]
    rhs = np.asarray(weighted @ observed, dtype=np.float64)
    return Equations(lhs.tocsr(), rhs, t, fixed_levels, ped.size)


def solve_pcg(
    lhs: sp.csr_matrix, rhs: FloatArray, tolerance: float = 1e-12, max_iterations: int = 10_000
) -> tuple[FloatArray, int, float]:
    """Give the solution, iterations and relative residual of PCG with a Jacobi preconditioner."""
    diagonal = lhs.diagonal()
    diagonal[diagonal == 0] = 1.0
    preconditioner = sp.diags(1.0 / diagonal)
    counter = [0]

    def count(_: FloatArray) -> None:
        counter[0] += 1

    solution, _ = cg(
        lhs, rhs, rtol=tolerance, atol=0.0, maxiter=max_iterations, M=preconditioner, callback=count
    )
    norm = float(np.linalg.norm(rhs)) or 1.0
    residual = float(np.linalg.norm(rhs - lhs @ solution)) / norm
    return np.asarray(solution, dtype=np.float64), counter[0], residual


def _reliability(eq: Equations, ped: Pedigree, g0: FloatArray) -> FloatArray:
    # r² = 1 − PEV / ((1 + F) σ²_a), PEV from the animal block of the inverse coefficient matrix.
    inverse_diagonal = np.diag(np.linalg.inv(eq.lhs.toarray()))
    start, t = eq.first_animal_equation, eq.traits
    pev = inverse_diagonal[start:].reshape(eq.animals, t)
    f = inbreeding_and_variance(ped)[0]
    return np.clip(1.0 - pev / ((1.0 + f)[:, None] * np.diag(g0)[None, :]), 0.0, 1.0)


def evaluate(
    ped: Pedigree,
    records: Records,
    g0: FloatArray | Sequence[Sequence[float]],
    r0: FloatArray | Sequence[Sequence[float]],
    tolerance: float = 1e-12,
    reliability_limit: int = RELIABILITY_LIMIT,
) -> Evaluation:
    """Give breeding values by animal-model BLUP for the given (co)variance components."""
    g, r = (
        np.atleast_2d(np.asarray(g0, dtype=np.float64)),
        np.atleast_2d(np.asarray(r0, dtype=np.float64)),
    )
    eq = build_equations(ped, records, g, r)
    solution, iterations, residual = solve_pcg(eq.lhs, eq.rhs, tolerance)
    start = eq.first_animal_equation
    reliability = _reliability(eq, ped, g) if eq.rhs.size <= reliability_limit else None
    return Evaluation(
        breeding_values=solution[start:].reshape(eq.animals, eq.traits),
        fixed=solution[:start],
        reliability=reliability,
        iterations=iterations,
        relative_residual=residual,
        equations=int(eq.rhs.size),
    )
