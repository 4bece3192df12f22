"""Relationships: A-inverse by Henderson's rules with inbreeding, and A among chosen animals.

A⁻¹ (Henderson 1976; Quaas 1976 for inbreeding): for animal i with parents s and d,
b_i = 0.5 − 0.25(F_s + F_d) with both known, 0.75 − 0.25 F_p with one, 1 with none; δ = 1/b_i
goes to (i,i), −δ/2 to (i,s), (s,i), (i,d), (d,i) and δ/4 to (s,s), (s,d), (d,s), (d,d).

A among chosen animals uses A = T D T' (Colleau 2002's indirect method): for each chosen
animal's unit vector, one backward pass (T'x), a scaling by D and one forward pass (T·) over
the chosen animals' ancestors only.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit

from pigdata.breeding.inbreeding import inbreeding_and_variance, one_based
from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree


def a_inverse(ped: Pedigree, variance: FloatArray | None = None) -> sp.csr_matrix:
    """Give A⁻¹ as a sparse matrix in the pedigree's order (D from F when not given)."""
    d = inbreeding_and_variance(ped)[1] if variance is None else variance
    delta = 1.0 / d
    n = ped.size
    me = np.arange(n)
    rows, cols, vals = [me], [me], [delta]
    for parent in (ped.sire, ped.dam):
        has = parent >= 0
        rows += [me[has], parent[has]]
        cols += [parent[has], me[has]]
        vals += [-0.5 * delta[has], -0.5 * delta[has]]
    for first in (ped.sire, ped.dam):
        for second in (ped.sire, ped.dam):
            has = (first >= 0) & (second >= 0)
            rows.append(first[has])
            cols.append(second[has])
            vals.append(0.25 * delta[has])
    matrix = sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )
    return matrix.tocsr()  # duplicates are summed


def ancestors_of(ped: Pedigree, chosen: IntArray) -> IntArray:
    """Give the chosen animals and all their known ancestors, parents-first, as row numbers."""
    keep = np.zeros(ped.size, dtype=bool)
    keep[chosen] = True
    frontier = np.unique(chosen)
    while frontier.size:
        parents = np.concatenate([ped.sire[frontier], ped.dam[frontier]])
        parents = np.unique(parents[parents >= 0])
        frontier = parents[~keep[parents]]
        keep[frontier] = True
    return np.flatnonzero(keep)


@njit(cache=True)
def _columns_of_a(sire: IntArray, dam: IntArray, d: FloatArray, x: FloatArray) -> FloatArray:
    # x holds unit vectors in rows 1..n (row 0 is the unknown parent); gives A x.
    n, k = sire.shape[0] - 1, x.shape[1]
    for i in range(n, 0, -1):  # solve (I - P)' y = x: offspring pass half to their parents
        s, m = sire[i], dam[i]
        for c in range(k):
            half = 0.5 * x[i, c]
            if s != 0:
                x[s, c] += half
            if m != 0:
                x[m, c] += half
    for i in range(1, n + 1):  # solve (I - P) z = D y: forward, parents first
        s, m = sire[i], dam[i]
        for c in range(k):
            x[i, c] = d[i] * x[i, c] + 0.5 * (x[s, c] + x[m, c])
    return x


def relationships(ped: Pedigree, chosen: IntArray) -> FloatArray:
    """Give the additive relationship matrix A among the chosen rows (k × k)."""
    closure = ancestors_of(ped, chosen)
    sub = _subpedigree(ped, closure)
    _, d = inbreeding_and_variance(sub)
    sire, dam = one_based(sub)
    where = np.searchsorted(closure, chosen)
    x = np.zeros((closure.size + 1, chosen.size))
    x[where + 1, np.arange(chosen.size)] = 1.0
    a = _columns_of_a(sire, dam, np.concatenate([np.zeros(1), d]), x)
    return np.ascontiguousarray(a[where + 1])


def kinship(ped: Pedigree, chosen: IntArray) -> FloatArray:
    """Give the coefficients of kinship (coancestry, A/2) among the chosen rows."""
    return 0.5 * relationships(ped, chosen)


def _subpedigree(ped: Pedigree, rows: IntArray) -> Pedigree:
    # `rows` is closed under parents and sorted, so parents stay before offspring.
    position = np.full(ped.size, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)

    def remap(parent: IntArray) -> IntArray:
        picked = parent[rows]
        return np.where(picked >= 0, position[np.maximum(picked, 0)], -1).astype(np.int64)

    return Pedigree(ped.ids[rows], remap(ped.sire), remap(ped.dam), ped.birth[rows], ped.male[rows])
