"""Sparse Cholesky factors (CHOLMOD through scikit-sparse) and the selected inverse.

REML needs, besides the solutions, the log-determinant of the coefficient matrix C and the
elements of C⁻¹ on the pattern of the relationship inverses (for traces such as
tr(A⁻¹ C^aa)) and on the diagonal (prediction error variances). CHOLMOD gives P C P' = L L'
and log|C|; the elements of Z = (P C P')⁻¹ on the pattern of L follow from L alone by the
recursion of Takahashi, Fagan & Chen (1973), also in Erisman & Tinney (1975): with the unit
factor L̃ = L diag(L)⁻¹ and D = diag(L)²,

    Z_ij = −Σ_{k>j} L̃_kj Z_ik  (i > j),      Z_jj = 1/D_j − Σ_{k>j} L̃_kj Z_kj,

taken from the last column to the first. Every Z_ik needed sits on the pattern of L (the
pattern of a Cholesky factor is closed under this recursion), so nothing outside it is
formed: the cost is about Σ_j |L_j|², far less than the dense inverse. The trailing columns
of L that are full (the dense rows AMD orders last) are inverted as one dense block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numba import njit
from scipy.linalg import solve_triangular
from sksparse.cholmod import CholmodNotPositiveDefiniteError, Factor, analyze

from pigdata import errors
from pigdata.breeding.pedigree import FloatArray, IntArray


class NotPositiveDefinite(errors.InvalidInput):
    """The mixed-model equations have no Cholesky factor: a design not of full rank."""

    rule = "model.rank"

    def __init__(self) -> None:
        super().__init__(
            "混合模型方程组不正定：固定效应可能线性相关（如嵌套的类别或重复的协变量）",
            "the mixed-model equations are not positive definite: the fixed effects are "
            "probably linearly dependent (nested classes or a repeated covariate)",
        )


# The largest dense trailing block of L inverted densely (t² doubles: 8,000 is 512 MB).
DENSE_TAIL = 8_000


@njit(cache=True)
def _seek(indices: IntArray, start: int, stop: int, row: int) -> int:
    # Where `row` sits in the sorted indices[start:stop]: galloping, then bisection, so a
    # long column is crossed in O(log gap) steps for each row sought.
    step, lo = 1, start
    while lo + step < stop and indices[lo + step] <= row:
        lo += step
        step *= 2
    hi = min(lo + step, stop)
    while lo < hi:  # the first position with indices[pos] >= row
        mid = (lo + hi) // 2
        if indices[mid] < row:
            lo = mid + 1
        else:
            hi = mid
    if lo == stop or indices[lo] != row:
        raise ValueError("the pattern of L is not closed")
    return lo


@njit(cache=True)
def _takahashi(
    indptr: IntArray, indices: IntArray, data: FloatArray, z: FloatArray, done: int
) -> FloatArray:
    # L in CSC, row indices sorted, the diagonal first in each column; the columns from
    # `done` on are already in z (the dense trailing block).
    for j in range(done - 1, -1, -1):
        start, end = indptr[j], indptr[j + 1]
        pivot = data[start]
        m = end - start - 1
        rows = indices[start + 1 : end]
        unit = data[start + 1 : end] / pivot
        acc = np.zeros(m)
        for b in range(m):
            k = rows[b]
            acc[b] -= unit[b] * z[indptr[k]]  # the diagonal Z_kk
            p, stop = indptr[k] + 1, indptr[k + 1]
            for a in range(b + 1, m):  # Z_ik, i = rows[a] > k, sought in column k
                p = _seek(indices, p, stop, rows[a])
                acc[a] -= unit[b] * z[p]
                acc[b] -= unit[a] * z[p]
        diagonal = 1.0 / (pivot * pivot)
        for a in range(m):
            z[start + 1 + a] = acc[a]
            diagonal -= unit[a] * acc[a]
        z[start] = diagonal
    return z


@njit(cache=True)
def _pick(
    indptr: IntArray, indices: IntArray, z: FloatArray, rows: IntArray, cols: IntArray
) -> FloatArray:
    # Z at (rows, cols) in the permuted order; each pair is looked up in the lower triangle.
    out = np.empty(rows.shape[0])
    for t in range(rows.shape[0]):
        r, c = max(rows[t], cols[t]), min(rows[t], cols[t])
        lo, hi = indptr[c], indptr[c + 1]
        p = lo + np.searchsorted(indices[lo:hi], r)
        if p == hi or indices[p] != r:
            raise ValueError("an element outside the pattern of L")
        out[t] = z[p]
    return out


@dataclass(frozen=True, slots=True)
class SelectedInverse:
    """The elements of C⁻¹ on the pattern of C's Cholesky factor, in C's own numbering."""

    indptr: IntArray
    indices: IntArray
    values: FloatArray
    position: IntArray  # position[i]: where row i of C went in the permuted order

    def elements(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Give C⁻¹ at the pairs (rows, cols); each must lie on the pattern of C."""
        return _pick(
            self.indptr,
            self.indices,
            self.values,
            self.position[np.asarray(rows, dtype=np.int64)],
            self.position[np.asarray(cols, dtype=np.int64)],
        )

    def diagonal(self, start: int, stop: int) -> FloatArray:
        """Give the diagonal of C⁻¹ from row start to stop."""
        where = self.position[start:stop]
        return self.values[self.indptr[where]]

    def trace_with(self, block: sp.csr_matrix, offset: int) -> float:
        """Give tr(K C⁻¹[block]) for a symmetric K placed at rows and columns offset…"""
        coo = block.tocoo()
        picked = self.elements(coo.row + offset, coo.col + offset)
        return float(np.dot(coo.data, picked))


def _dense_tail(lower: sp.csc_matrix, z: FloatArray, most: int) -> int:
    """Fill z for the trailing columns of L that are full below the diagonal, by a dense
    inverse, and give the first of them.

    Dense rows of C (fixed effects met by many animals, the levels of big groups) are ordered
    last and make a dense trailing block of L, which holds most of the recursion's work; its
    part of the inverse is L_tt⁻ᵀ L_tt⁻¹, formed with LAPACK.
    """
    n = int(lower.shape[0])
    below = np.diff(lower.indptr) - 1
    full = below == n - 1 - np.arange(n)
    t = 0
    while t < min(n, most) and full[n - 1 - t]:
        t += 1
    if t < 2:
        return n
    first = n - t
    block = lower[first:, first:].toarray()
    inverse_l = solve_triangular(block, np.eye(t), lower=True)
    inverse = inverse_l.T @ inverse_l
    z[lower.indptr[first] :] = inverse[np.triu_indices(t)]  # column-major lower, by symmetry
    return first


class Cholesky:
    """One symbolic analysis of a pattern, refactored for new values of the same pattern."""

    def __init__(self, pattern: sp.csc_matrix) -> None:
        self._symbolic: Any = analyze(pattern, mode="simplicial", ordering_method="amd")
        self.factor: Factor | None = None

    def factorise(self, matrix: sp.csc_matrix) -> Factor:
        """Factor a matrix of the analysed pattern; raise when it is not positive definite."""
        try:
            self.factor = self._symbolic.cholesky(matrix)
        except CholmodNotPositiveDefiniteError as error:
            raise NotPositiveDefinite() from error
        return self.factor

    def logdet(self) -> float:
        """Give log|C| of the last factorisation."""
        assert self.factor is not None
        return float(self.factor.logdet())

    def solve(self, rhs: FloatArray) -> FloatArray:
        """Give C⁻¹ rhs for the last factorisation."""
        assert self.factor is not None
        return np.asarray(self.factor(rhs), dtype=np.float64)

    def selected_inverse(self, dense_tail: int = DENSE_TAIL) -> SelectedInverse:
        """Give C⁻¹ on the pattern of L (Takahashi's recursion; a full trailing block of up
        to `dense_tail` columns inverted densely)."""
        assert self.factor is not None
        lower = sp.csc_matrix(self.factor.L())
        lower.sort_indices()
        indptr = lower.indptr.astype(np.int64)
        indices = lower.indices.astype(np.int64)
        z = np.zeros(lower.data.size)
        done = _dense_tail(lower, z, dense_tail)
        values = _takahashi(indptr, indices, lower.data.astype(np.float64), z, done)
        perm = np.asarray(self.factor.P(), dtype=np.int64)
        position = np.empty_like(perm)
        position[perm] = np.arange(perm.size)
        return SelectedInverse(indptr, indices, values, position)
