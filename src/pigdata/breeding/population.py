"""Population statistics of a pedigree: pedigree depth, ΔF and Ne, intervals, contributions.

- Equivalent complete generations (Maignel et al. 1996): the sum over known ancestors of
  (1/2)^g, g the number of generations between animal and ancestor.
- Individual increase in inbreeding (Gutiérrez et al. 2008, 2009):
  ΔF_i = 1 − (1 − F_i)^(1/(t_i − 1)), t_i the equivalent complete generations;
  realised Ne = 1/(2 · mean ΔF_i) over a reference population.
- Ne from the sex ratio (Wright 1931): Ne = 4 Nm Nf / (Nm + Nf).
- Generation interval: the parents' mean age at the birth of their offspring, by the four
  pathways sire–son, sire–daughter, dam–son, dam–daughter (James 1977).
- Founder contributions (Lacy 1989) and effective number of founders f_e = 1/Σ p_f²; an
  unknown parent of an animal with one known parent counts as a founder of its own.
- Ancestor contributions by marginal contribution (Boichard et al. 1997) and the effective
  number of ancestors f_a = 1/Σ q_k²; founder genome equivalents f_g = 1/(2 · mean kinship).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from pigdata.breeding.inbreeding import one_based
from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree


@njit(cache=True)
def _depths(sire: IntArray, dam: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    # complete generations, maximum generations and equivalent complete generations
    n = sire.shape[0] - 1
    complete = np.full(n + 1, -1.0)  # row 0 (unknown) sits one generation below a founder
    longest = np.full(n + 1, -1.0)
    equivalent = np.zeros(n + 1)
    for i in range(1, n + 1):
        s, d = sire[i], dam[i]
        complete[i] = 1.0 + min(complete[s], complete[d])
        longest[i] = 1.0 + max(longest[s], longest[d])
        total = 0.0
        for parent in (s, d):
            if parent != 0:
                total += 0.5 * (1.0 + equivalent[parent])
        equivalent[i] = total
    return complete[1:], longest[1:], equivalent[1:]


def pedigree_depth(ped: Pedigree) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Give each animal's complete, maximum and equivalent complete generations."""
    sire, dam = one_based(ped)
    return _depths(sire, dam)


def individual_delta_f(f: FloatArray, equivalent: FloatArray) -> FloatArray:
    """Give each animal's individual ΔF (NaN where t ≤ 1: too shallow a pedigree)."""
    deep = equivalent > 1.0
    out = np.full(f.shape, np.nan)
    out[deep] = 1.0 - np.power(1.0 - f[deep], 1.0 / (equivalent[deep] - 1.0))
    return out


def ne_from_sex_ratio(males: int, females: int) -> float:
    """Give Wright's effective size 4 Nm Nf / (Nm + Nf) (0 without males or females)."""
    return 4.0 * males * females / (males + females) if males and females else 0.0


@dataclass(frozen=True, slots=True)
class Interval:
    """The mean age of parents (years) at their offspring's birth along one pathway."""

    pathway: str
    years: float
    count: int


def generation_intervals(ped: Pedigree, reference: IntArray) -> tuple[Interval, ...]:
    """Give the generation interval of each pathway over the reference animals' births."""
    out = []
    for parent, parent_name in ((ped.sire, "sire"), (ped.dam, "dam")):
        for is_male, child_name in ((True, "son"), (False, "daughter")):
            kids = reference[(ped.male[reference] == is_male) & (parent[reference] >= 0)]
            ages = ped.birth[kids] - ped.birth[parent[kids]]
            ages = ages[~np.isnan(ages)]
            mean = float(ages.mean()) if ages.size else float("nan")
            out.append(Interval(f"{parent_name}–{child_name}", mean, int(ages.size)))
    return tuple(out)


@njit(cache=True)
def _pass_up(sire: IntArray, dam: IntArray, share: FloatArray, cut: np.ndarray) -> FloatArray:
    # Each animal passes half its share to each known parent, oldest last; a `cut` animal
    # keeps its share (it stands for its ancestors). Unknown parents collect in row 0.
    n = sire.shape[0] - 1
    for i in range(n, 0, -1):
        if not cut[i]:
            half = 0.5 * share[i]
            share[sire[i]] += half
            share[dam[i]] += half
    return share


@njit(cache=True)
def _from_chosen(sire: IntArray, dam: IntArray, chosen: np.ndarray) -> FloatArray:
    # The fraction of each animal's genes that comes through the chosen ancestors.
    n = sire.shape[0] - 1
    part = np.zeros(n + 1)
    for i in range(1, n + 1):
        part[i] = 1.0 if chosen[i] else 0.5 * (part[sire[i]] + part[dam[i]])
    return part


def _reference_share(ped: Pedigree, reference: IntArray) -> FloatArray:
    share = np.zeros(ped.size + 1)
    np.add.at(share, reference + 1, 1.0 / reference.size)
    return share


def _shares(ped: Pedigree, reference: IntArray) -> FloatArray:
    # each animal's expected share of the reference population's genes (row 0: unknown)
    sire, dam = one_based(ped)
    cut = np.zeros(ped.size + 1, dtype=np.bool_)
    return _pass_up(sire, dam, _reference_share(ped, reference), cut)


def founder_contributions(ped: Pedigree, reference: IntArray) -> FloatArray:
    """Give each founder's contribution to the reference population (0 for non-founders);
    an unknown parent of a half-founder adds half of that animal's share as its own founder,
    so the founders' and unknown parents' shares sum to 1."""
    share = _shares(ped, reference)[1:]
    founder = (ped.sire < 0) & (ped.dam < 0)
    return np.where(founder, share, 0.0)


def effective_founders(ped: Pedigree, reference: IntArray) -> float:
    """Give f_e = 1/Σ p², with each half-founder's unknown parent as a founder of its own."""
    share = _shares(ped, reference)[1:]
    founder = (ped.sire < 0) & (ped.dam < 0)
    half = (ped.sire < 0) ^ (ped.dam < 0)
    squares = float(np.sum(share[founder] ** 2) + np.sum((0.5 * share[half]) ** 2))
    return 1.0 / squares if squares > 0 else float("nan")


def ancestor_contributions(
    ped: Pedigree, reference: IntArray, most: int = 200
) -> tuple[IntArray, FloatArray]:
    """Give the main ancestors in order and their marginal contributions (Boichard 1997)."""
    sire, dam = one_based(ped)
    start = _reference_share(ped, reference)
    chosen = np.zeros(ped.size + 1, dtype=np.bool_)
    picked, margins = [], []
    for _ in range(min(most, ped.size)):
        share = _pass_up(sire, dam, start.copy(), chosen)
        explained = _from_chosen(sire, dam, chosen)
        margin = share * (1.0 - explained)
        margin[0] = 0.0
        margin[chosen] = 0.0
        margin[reference + 1] = 0.0  # ancestors of the reference, not its members
        best = int(np.argmax(margin))
        if margin[best] <= 1e-12:
            break
        chosen[best] = True
        picked.append(best - 1)
        margins.append(float(margin[best]))
    return np.asarray(picked, dtype=np.int64), np.asarray(margins)
