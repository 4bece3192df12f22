"""Pedigree checks and renumbering: from IDs with sire and dam to parents-first integer arrays.

Animals are renumbered 0..n-1 so that every parent comes before its offspring; an unknown
parent is -1. Parents that are referenced but have no record of their own are added as
founders (and reported), so that every index refers to a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pigdata import errors

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

UNKNOWN = -1
# How a pedigree file spells an unknown parent.
UNKNOWN_SPELLINGS = frozenset({"", "0", ".", "NA", "na", "-", "NaN", "nan", "None"})
_SHOWN = 20  # IDs named in one finding; the count says how many there are in all


@dataclass(frozen=True, slots=True)
class Finding:
    """One kind of pedigree error, with how many animals it touches and some of their IDs."""

    rule: str
    zh: str
    en: str
    count: int
    ids: tuple[str, ...]
    fatal: bool  # a fatal finding stops the computations (no parents-first order exists)

    def describe(self) -> str:
        """Give the finding as one bilingual line."""
        shown = ", ".join(self.ids)
        more = f" …(+{self.count - len(self.ids)})" if self.count > len(self.ids) else ""
        return f"{self.zh} / {self.en} [{self.rule}] ×{self.count}: {shown}{more}"


@dataclass(frozen=True, slots=True)
class Pedigree:
    """A checked pedigree, parents before offspring: IDs, parent indices (-1 unknown), data."""

    ids: npt.NDArray[np.str_]
    sire: IntArray
    dam: IntArray
    birth: FloatArray  # birth as a decimal year (NaN when unknown)
    male: npt.NDArray[np.bool_]  # True for males; females and unknown sex are False
    findings: tuple[Finding, ...] = field(default=())

    @property
    def size(self) -> int:
        """Give the number of animals."""
        return int(self.ids.shape[0])

    def index_of(self, wanted: Sequence[str]) -> IntArray:
        """Give the row of each wanted ID (-1 for an ID not in the pedigree)."""
        order = np.argsort(self.ids, kind="stable")
        keys = np.asarray(wanted, dtype=self.ids.dtype if len(wanted) else "U1")
        pos = np.searchsorted(self.ids[order], keys)
        pos = np.minimum(pos, self.size - 1)
        found = self.ids[order][pos] == keys
        return np.where(found, order[pos], UNKNOWN).astype(np.int64)


def _finding(rule: str, zh: str, en: str, ids: npt.NDArray[np.str_], fatal: bool) -> Finding:
    unique = np.unique(ids)
    return Finding(rule, zh, en, int(unique.size), tuple(unique[:_SHOWN].tolist()), fatal)


def generations(sire: IntArray, dam: IntArray) -> IntArray:
    """Give each animal's generation (founders 0, else 1 + the older parent's), -1 in a loop.

    Generation-wise sweeps: the number of passes is the depth of the pedigree, not its size.
    """
    n = sire.shape[0]
    gen = np.full(n, UNKNOWN, dtype=np.int64)
    has_sire, has_dam = sire >= 0, dam >= 0
    s, d = np.where(has_sire, sire, 0), np.where(has_dam, dam, 0)
    gen[~has_sire & ~has_dam] = 0
    pending = np.flatnonzero(gen < 0)
    level = 0
    while pending.size:
        level += 1
        ps, pd = s[pending], d[pending]
        ready = (~has_sire[pending] | (gen[ps] >= 0)) & (~has_dam[pending] | (gen[pd] >= 0))
        if not ready.any():
            break
        done = pending[ready]
        gen[done] = (
            np.maximum(
                np.where(has_sire[done], gen[s[done]], -1),
                np.where(has_dam[done], gen[d[done]], -1),
            )
            + 1
        )
        pending = pending[~ready]
    return gen


def _loop_members(sire: IntArray, dam: IntArray) -> npt.NDArray[np.bool_]:
    # An animal is its own ancestor when it lies in a strongly connected part of the
    # parent graph with more than one member (or is its own parent).
    n = sire.shape[0]
    child = np.concatenate([np.flatnonzero(sire >= 0), np.flatnonzero(dam >= 0)])
    parent = np.concatenate([sire[sire >= 0], dam[dam >= 0]])
    graph = coo_matrix((np.ones(child.size), (parent, child)), shape=(n, n)).tocsr()
    _, label = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(label)
    own = np.zeros(n, dtype=bool)
    own[child[parent == child]] = True
    in_loop: npt.NDArray[np.bool_] = own | (sizes[label] > 1)
    return in_loop


def _parent_index(
    ids: npt.NDArray[np.str_], parent_ids: npt.NDArray[np.str_]
) -> tuple[IntArray, npt.NDArray[np.str_]]:
    known = ~np.isin(parent_ids, list(UNKNOWN_SPELLINGS))
    order = np.argsort(ids, kind="stable")
    pos = np.searchsorted(ids[order], parent_ids)
    pos = np.minimum(pos, max(ids.size - 1, 0))
    found = known & (ids[order][pos] == parent_ids) if ids.size else np.zeros_like(known)
    index = np.where(found, order[pos] if ids.size else 0, UNKNOWN).astype(np.int64)
    return index, parent_ids[known & ~found]


class PedigreeError(errors.InvalidInput):
    """A pedigree no computation can use (an animal is its own ancestor); the rule is that of
    the first fatal finding, and `findings` holds them all."""

    rule = "pedigree.own_ancestor"

    def __init__(self, findings: Sequence[Finding]) -> None:
        fatal = [f for f in findings if f.fatal] or list(findings)
        super().__init__(
            "; ".join(f"{f.zh}：{', '.join(f.ids)}" for f in fatal),
            "; ".join(f"{f.en}: {', '.join(f.ids)}" for f in fatal),
            rule=fatal[0].rule if fatal else None,
        )
        self.findings = tuple(findings)


def _text(values: Sequence[object] | npt.NDArray[np.generic]) -> npt.NDArray[np.str_]:
    array = np.asarray(values)
    if array.dtype.kind == "U":
        return np.char.strip(array)
    return np.char.strip(np.array(["" if v is None else str(v) for v in array.tolist()]))


def _duplicates(ids: npt.NDArray[np.str_]) -> tuple[npt.NDArray[np.intp], list[Finding]]:
    _, first = np.unique(ids, return_index=True)
    keep = np.sort(first)
    if keep.size == ids.size:
        return keep, []
    dropped = np.setdiff1d(np.arange(ids.size), keep)
    return keep, [
        _finding(
            "pedigree.duplicate_id",
            "个体号重复（只用第一条记录）",
            "duplicate animal ID (the first record is used)",
            ids[dropped],
            fatal=False,
        )
    ]


def _birth_order(
    sire: IntArray, dam: IntArray, birth: FloatArray, ids: npt.NDArray[np.str_]
) -> list[Finding]:
    late = np.zeros(ids.size, dtype=bool)
    for parent in (sire, dam):
        has = parent >= 0
        late[has] |= birth[parent[has]] > birth[has]  # NaN compares False: unknown is no error
    if not late.any():
        return []
    return [
        _finding(
            "pedigree.parent_born_after",
            "亲本出生晚于后代",
            "a parent is born after its offspring",
            ids[late],
            fatal=False,
        )
    ]


def _sex_conflicts(sire: IntArray, dam: IntArray, ids: npt.NDArray[np.str_]) -> list[Finding]:
    both = np.intersect1d(sire[sire >= 0], dam[dam >= 0])
    if not both.size:
        return []
    return [
        _finding(
            "pedigree.sire_as_dam",
            "同一个体既作父本又作母本",
            "the same animal is used as a sire and as a dam",
            ids[both],
            fatal=False,
        )
    ]


def _with_missing_parents(
    ids: npt.NDArray[np.str_], sire_ids: npt.NDArray[np.str_], dam_ids: npt.NDArray[np.str_]
) -> tuple[npt.NDArray[np.str_], list[Finding]]:
    everyone = np.concatenate([sire_ids, dam_ids])
    named = everyone[~np.isin(everyone, list(UNKNOWN_SPELLINGS))]
    missing = np.setdiff1d(named, ids)
    if not missing.size:
        return ids, []
    finding = _finding(
        "pedigree.unknown_parent",
        "引用的亲本没有自己的记录（作为基础个体加入）",
        "a parent is referenced but has no record (added as a founder)",
        missing,
        fatal=False,
    )
    return np.concatenate([missing, ids]), [finding]


def build_pedigree(
    ids: Sequence[object] | npt.NDArray[np.generic],
    sires: Sequence[object] | npt.NDArray[np.generic],
    dams: Sequence[object] | npt.NDArray[np.generic],
    birth: Sequence[float] | FloatArray | None = None,
    male: Sequence[bool] | npt.NDArray[np.bool_] | None = None,
) -> Pedigree:
    """Give the checked pedigree, parents first, with every finding; raise when it has a loop.

    Unknown parents may be spelt 0, empty, "." or NA. Birth is a decimal year (NaN unknown).
    """
    raw_ids, raw_sires, raw_dams = _text(ids), _text(sires), _text(dams)
    n = raw_ids.size
    raw_birth = np.full(n, np.nan) if birth is None else np.asarray(birth, dtype=np.float64)
    raw_male = np.zeros(n, dtype=bool) if male is None else np.asarray(male, dtype=bool)
    keep, findings = _duplicates(raw_ids)
    all_ids, added = _with_missing_parents(raw_ids[keep], raw_sires[keep], raw_dams[keep])
    findings += added
    extra = all_ids.size - keep.size
    sire, _ = _parent_index(all_ids, np.concatenate([np.full(extra, "0"), raw_sires[keep]]))
    dam, _ = _parent_index(all_ids, np.concatenate([np.full(extra, "0"), raw_dams[keep]]))
    births = np.concatenate([np.full(extra, np.nan), raw_birth[keep]])
    males = np.concatenate([np.zeros(extra, dtype=bool), raw_male[keep]])
    males[sire[sire >= 0]] = True  # a sire is male whatever its own record says
    findings += _sex_conflicts(sire, dam, all_ids)
    findings += _birth_order(sire, dam, births, all_ids)
    gen = generations(sire, dam)
    if (gen < 0).any():
        loops = _loop_members(sire, dam)
        findings.append(
            _finding(
                "pedigree.own_ancestor",
                "个体是自己的祖先（系谱成环）",
                "an animal is its own ancestor (a loop in the pedigree)",
                all_ids[loops],
                fatal=True,
            )
        )
        raise PedigreeError([f for f in findings if f.fatal] + [f for f in findings if not f.fatal])
    return _renumbered(all_ids, sire, dam, births, males, gen, tuple(findings))


def _renumbered(
    ids: npt.NDArray[np.str_],
    sire: IntArray,
    dam: IntArray,
    birth: FloatArray,
    male: npt.NDArray[np.bool_],
    gen: IntArray,
    findings: tuple[Finding, ...],
) -> Pedigree:
    order = np.argsort(gen, kind="stable")
    new_of_old = np.empty_like(order)
    new_of_old[order] = np.arange(order.size)

    def remap(parent: IntArray) -> IntArray:
        moved = parent[order]
        return np.where(moved >= 0, new_of_old[np.maximum(moved, 0)], UNKNOWN).astype(np.int64)

    return Pedigree(ids[order], remap(sire), remap(dam), birth[order], male[order], findings)


def from_indices(sire: IntArray, dam: IntArray, birth: FloatArray | None = None) -> Pedigree:
    """Give a pedigree of integer parent indices already parents-first (-1 unknown), unchecked.

    For simulated pedigrees: IDs are the row numbers as text.
    """
    n = sire.shape[0]
    ids = np.arange(n).astype(str)
    male = np.zeros(n, dtype=bool)
    male[sire[sire >= 0]] = True
    years = np.full(n, np.nan) if birth is None else birth
    return Pedigree(ids, sire.astype(np.int64), dam.astype(np.int64), years, male)
