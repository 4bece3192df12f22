"""Inbreeding coefficients by two exact methods, compiled with Numba.

Colleau's indirect method (Colleau 2002, Genet. Sel. Evol. 34:409; for inbreeding as in
Sargolzaei, Iwaisaki & Colleau 2005, J. Anim. Breed. Genet. 122:325) is the default: for
each sire and generation, one product A·e_s = T D T' e_s over the ancestors of the sire
and of his mates gives his relationship to every mate, so F of all his offspring. A sire
with many litters costs one pass, which is what makes a million pigs fast.

Meuwissen, T. H. E. and Luo, Z. (1992) Computing inbreeding coefficients in large
populations. Genet. Sel. Evol. 24:305–313. Each animal's F is the sum over its ancestors of
L_j² D_j, where L is the row of the Cholesky-like factor of A (T in A = T D T') and D_j the
Mendelian sampling variance of ancestor j; the ancestors are visited oldest-last through a
linked list kept in decreasing order. Full sibs share F, so the trace is run once per
distinct sire–dam pair. It is kept as the second, independent method that the tests and
the benchmark compare with.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree, generations


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


def meuwissen_luo(ped: Pedigree) -> tuple[FloatArray, FloatArray]:
    """Give F and D by Meuwissen & Luo (1992), traced once per sire–dam pair."""
    sire, dam = one_based(ped)
    same = np.concatenate([np.zeros(1, dtype=np.int64), _first_of_family(ped.sire, ped.dam)])
    f, d = _inbreeding(sire, dam, same)
    return f, d


def colleau(ped: Pedigree) -> tuple[FloatArray, FloatArray]:
    """Give F and D by Colleau's indirect method, one A·e_s product per sire and generation."""
    generation = generations(ped.sire, ped.dam)
    order = np.lexsort((ped.sire, generation))
    key_gen, key_sire = generation[order], ped.sire[order]
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = (key_gen[1:] != key_gen[:-1]) | (key_sire[1:] != key_sire[:-1])
    group_start = np.append(np.flatnonzero(starts), order.size).astype(np.int64)
    sire, dam = one_based(ped)
    parents = np.unique(np.concatenate([sire[sire > 0], dam[dam > 0]])).astype(np.int64)
    return _colleau(sire, dam, (order + 1).astype(np.int64), group_start, parents)


def inbreeding_and_variance(ped: Pedigree) -> tuple[FloatArray, FloatArray]:
    """Give each animal's inbreeding coefficient F and Mendelian sampling variance factor D."""
    if ped.size == 0:
        return np.zeros(0), np.zeros(0)
    return colleau(ped)


def inbreeding(ped: Pedigree) -> FloatArray:
    """Give each animal's inbreeding coefficient F, in the pedigree's order."""
    return inbreeding_and_variance(ped)[0]


# --- Colleau's indirect method, one sire at a time -------------------------------------------


@njit(cache=True)
def _mark_ancestors(
    roots: IntArray, sire: IntArray, dam: IntArray, mark: IntArray, stamp: int, queue: IntArray
) -> int:
    # Stamp the roots and all their ancestors (1-based), listed in `queue`; give how many.
    count = 0
    for r in roots:
        if r != 0 and mark[r] != stamp:
            mark[r] = stamp
            queue[count] = r
            count += 1
    head = 0
    while head < count:
        j = queue[head]
        head += 1
        for parent in (sire[j], dam[j]):
            if parent != 0 and mark[parent] != stamp:
                mark[parent] = stamp
                queue[count] = parent
                count += 1
    return count


@njit(cache=True)
def _sire_row(
    s: int,
    mates: IntArray,
    sire: IntArray,
    dam: IntArray,
    d: FloatArray,
    parents: IntArray,
    buffers: FloatArray,
    marks: IntArray,
    stamp: int,
    queue: IntArray,
) -> None:
    # buffers[1][m] = a(s, m) for every mate m: A e_s = T D T' e_s, ancestors only. Every
    # ancestor is a parent, so the passes walk the sorted list of parents and skip the rest.
    work, z = buffers[0], buffers[1]
    own, reach = marks[0], marks[1]
    count = _mark_ancestors(np.array([s]), sire, dam, own, stamp, queue)
    for k in range(count):
        work[queue[k]] = 0.0
    work[s] = 1.0
    last = np.searchsorted(parents, s)
    for k in range(last, -1, -1):  # T' e_s: offspring pass half to their parents
        j = parents[k]
        if own[j] == stamp:
            work[sire[j]] += 0.5 * work[j]
            work[dam[j]] += 0.5 * work[j]
    _mark_ancestors(mates, sire, dam, reach, stamp, queue)
    z[0] = 0.0
    for k in range(np.searchsorted(parents, mates[-1]) + 1):  # T (D y), parents first
        i = parents[k]
        if reach[i] == stamp:
            own_part = d[i] * work[i] if own[i] == stamp else 0.0
            z[i] = own_part + 0.5 * (z[sire[i]] + z[dam[i]])


@njit(cache=True)
def _colleau(
    sire: IntArray, dam: IntArray, order: IntArray, group_start: IntArray, parents: IntArray
) -> tuple[FloatArray, FloatArray]:
    # `order` lists the animals (1-based) by generation, then sire; `group_start` marks where
    # each (generation, sire) group begins in it. All parents of a group's animals are in
    # earlier generations, so their F and D are known when the group is reached.
    n = sire.shape[0] - 1
    f = np.zeros(n + 1)
    f[0] = -1.0
    d = np.zeros(n + 1)
    buffers = np.zeros((2, n + 1))
    marks = np.zeros((2, n + 1), dtype=np.int64)
    queue = np.empty(n + 1, dtype=np.int64)
    for g in range(group_start.shape[0] - 1):
        members = order[group_start[g] : group_start[g + 1]]
        for i in members:
            d[i] = 0.5 - 0.25 * (f[sire[i]] + f[dam[i]])
        s = sire[members[0]]
        mates = np.unique(dam[members])
        if s == 0 or mates[-1] == 0:
            f[members] = 0.0
            continue
        known = mates[mates != 0]
        _sire_row(s, known, sire, dam, d, parents, buffers, marks, g + 1, queue)
        for i in members:
            f[i] = 0.5 * buffers[1][dam[i]] if dam[i] != 0 else 0.0
    f[0] = 0.0
    return f[1:], d[1:]
