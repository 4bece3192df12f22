"""Inbreeding coefficients by Meuwissen & Luo (1992), compiled with Numba.

Meuwissen, T. H. E. and Luo, Z. (1992) Computing inbreeding coefficients in large
populations. Genet. Sel. Evol. 24:305–313. Each animal's F is the sum over its ancestors of
L_j² D_j, where L is the row of the Cholesky-like factor of A (T in A = T D T') and D_j the
Mendelian sampling variance of ancestor j; the ancestors are visited oldest-last through a
linked list kept in decreasing order. Full sibs share F, so the trace is run once per
distinct sire–dam pair (Sargolzaei & Iwaisaki 2004's observation), which is what makes a
million pigs fast: a sow's litters share their parents.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree


@njit(cache=True)
def _trace_ancestors(
    i: int, sire: IntArray, dam: IntArray, d: FloatArray, work: FloatArray, link: IntArray
) -> float:
    # 1-based: 0 is the unknown parent. `link` chains the ancestors still to visit, youngest
    # first; `work` holds each one's L value. Both are left zeroed for the next animal.
    work[i] = 1.0
    total = 0.0
    j = i
    while j != 0:
        k = j
        half = 0.5 * work[j]
        first, second = max(sire[j], dam[j]), min(sire[j], dam[j])
        for parent in (first, second):
            if parent != 0:
                while link[k] > parent:
                    k = link[k]
                work[parent] += half
                if parent != link[k]:
                    link[parent] = link[k]
                    link[k] = parent
        total += work[j] * work[j] * d[j]
        work[j] = 0.0
        nxt = link[j]
        link[j] = 0
        j = nxt
    return total - 1.0


@njit(cache=True)
def _inbreeding(sire: IntArray, dam: IntArray, same_as: IntArray) -> tuple[FloatArray, FloatArray]:
    n = sire.shape[0] - 1
    f = np.zeros(n + 1)
    f[0] = -1.0  # so that D = 0.5 - 0.25 (F_s + F_d) covers unknown parents too
    d = np.zeros(n + 1)
    work = np.zeros(n + 1)
    link = np.zeros(n + 1, dtype=np.int64)
    for i in range(1, n + 1):
        s, m = sire[i], dam[i]
        d[i] = 0.5 - 0.25 * (f[s] + f[m])
        if s == 0 or m == 0:
            f[i] = 0.0
        elif same_as[i] != i:
            f[i] = f[same_as[i]]
        else:
            f[i] = _trace_ancestors(i, sire, dam, d, work, link)
    return f[1:], d[1:]


def _first_of_family(sire: IntArray, dam: IntArray) -> IntArray:
    # The first animal (lowest index) with the same sire and dam, 1-based, for every animal.
    n = sire.shape[0]
    order = np.lexsort((np.arange(n), dam, sire))
    ss, dd = sire[order], dam[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (ss[1:] != ss[:-1]) | (dd[1:] != dd[:-1])
    group_first = order[np.flatnonzero(starts)][np.cumsum(starts) - 1]
    same = np.empty(n, dtype=np.int64)
    same[order] = group_first
    return same + 1


def one_based(ped: Pedigree) -> tuple[IntArray, IntArray]:
    """Give sire and dam shifted so that row 0 is the unknown parent (for compiled loops)."""
    zero = np.zeros(1, dtype=np.int64)
    return np.concatenate([zero, ped.sire + 1]), np.concatenate([zero, ped.dam + 1])


def inbreeding_and_variance(ped: Pedigree) -> tuple[FloatArray, FloatArray]:
    """Give each animal's inbreeding coefficient F and Mendelian sampling variance factor D."""
    sire, dam = one_based(ped)
    same = np.concatenate([np.zeros(1, dtype=np.int64), _first_of_family(ped.sire, ped.dam)])
    f, d = _inbreeding(sire, dam, same)
    return f, d


def inbreeding(ped: Pedigree) -> FloatArray:
    """Give each animal's inbreeding coefficient F, in the pedigree's order."""
    return inbreeding_and_variance(ped)[0]
