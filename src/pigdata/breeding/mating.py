"""Conservation mating plans: pair boars and sows for the least kinship under the farm rules.

Each sow is mated once and the sows are shared out evenly among the boars (⌊S/B⌋ or ⌈S/B⌉
each), so that every boar can leave a son and every sow a daughter with equal family
sizes. With the contributions fixed that way, what the pairing changes is the inbreeding of
the offspring: the plan minimises the sum of boar–sow kinships, an assignment problem solved
exactly (Hungarian method, SciPy's linear_sum_assignment) over boar "slots". Full- and
half-sib pairs are forbidden (they share a known sire or a known dam).

Expected rates of inbreeding per generation for the rules' scheme (each boar replaced by a
son, each sow by a daughter) are by Gowe, Robertson & Latter (1959), ΔF = 3/(32 Nm) +
1/(32 Nf); for random mating with random replacement by Wright (1931), ΔF = 1/(8 Nm) +
1/(8 Nf); Ne = 1/(2ΔF).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from pigdata.breeding.pedigree import FloatArray, IntArray, Pedigree
from pigdata.breeding.relationship import kinship

_FORBIDDEN = 1.0e6  # cost of a pair the rules forbid
_REQUIRED = 1.0e3  # bonus that makes the first ⌊S/B⌋ slots of every boar be filled
_RANDOM_DRAWS = 200


@dataclass(frozen=True, slots=True)
class Mating:
    """One proposed mating, with the offspring's expected inbreeding (the parents' kinship)."""

    boar: int
    sow: int
    kinship: float
    son: bool  # the boar's replacement son is to be kept from this mating


@dataclass(frozen=True, slots=True)
class MatingPlan:
    """The proposed matings and what they give beside random mating."""

    matings: tuple[Mating, ...]
    unmatched_sows: tuple[int, ...]  # sows no allowed boar is left for
    mean_offspring_f: float
    random_offspring_f: float
    mean_kinship_next: float  # mean kinship of the replacements (sons and daughters)
    random_kinship_next: float
    delta_f: float
    ne: float
    random_delta_f: float
    random_ne: float


def forbidden_pairs(ped: Pedigree, boars: IntArray, sows: IntArray) -> np.ndarray:
    """Give a boars × sows mask of full- and half-sib pairs (a shared known parent)."""
    mask = np.zeros((boars.size, sows.size), dtype=bool)
    for parent in (ped.sire, ped.dam):
        pb, ps = parent[boars][:, None], parent[sows][None, :]
        mask |= (pb >= 0) & (pb == ps)
    return mask


def delta_f_within_family(males: int, females: int) -> float:
    """Give ΔF per generation when each sire leaves a son and each dam a daughter (Gowe 1959)."""
    return 3.0 / (32.0 * males) + 1.0 / (32.0 * females)


def delta_f_random(males: int, females: int) -> float:
    """Give ΔF per generation under random mating and replacement (Wright 1931)."""
    return 1.0 / (8.0 * males) + 1.0 / (8.0 * females)


def _slots(boars: int, sows: int) -> tuple[IntArray, np.ndarray]:
    base, extra = divmod(sows, boars)
    per_boar = base + (1 if extra else 0)
    owner = np.repeat(np.arange(boars), per_boar)
    required = np.tile(np.arange(per_boar) < base, boars)
    return owner, required


def _assign(cost: FloatArray, banned: np.ndarray) -> tuple[IntArray, IntArray]:
    # cost and banned are sows × boars; gives each sow's boar (-1 when only banned pairs remain)
    sows, boars = cost.shape
    owner, required = _slots(boars, sows)
    slot_cost = cost[:, owner] + np.where(banned[:, owner], _FORBIDDEN, 0.0)
    slot_cost -= np.where(required, _REQUIRED, 0.0)[None, :]
    rows, cols = linear_sum_assignment(slot_cost)
    boar_of = np.full(sows, -1, dtype=np.int64)
    boar_of[rows] = owner[cols]
    allowed = ~banned[rows, owner[cols]]
    boar_of[rows[~allowed]] = -1
    return boar_of, owner


def _replacements(boar_of: IntArray, cost: FloatArray) -> tuple[IntArray, IntArray]:
    # The matings (sow rows) that give the replacements: every mated sow's daughter, and for
    # each boar a son from his least related mating.
    mated = np.flatnonzero(boar_of >= 0)
    daughters = mated
    sons = []
    for boar in np.unique(boar_of[mated]):
        mine = mated[boar_of[mated] == boar]
        sons.append(mine[np.argmin(cost[mine, boar])])
    return daughters, np.asarray(sons, dtype=np.int64)


def next_generation_kinship(
    family_boar: IntArray,
    family_sow: IntArray,
    k_boars: FloatArray,
    k_sows: FloatArray,
    k_cross: FloatArray,
) -> float:
    """Give the mean kinship (self included) of offspring whose parents are given per animal.

    k_boars, k_sows: kinship within boars and within sows (self-kinship on the diagonal);
    k_cross: boars × sows. Two different offspring have kinship ¼ of the four parental ones;
    an animal's self-kinship is ½(1 + F) with F its parents' kinship.
    """
    b, s = family_boar, family_sow
    if not b.size:
        return float("nan")
    between = 0.25 * (
        k_boars[np.ix_(b, b)]
        + k_cross[np.ix_(b, s)]
        + k_cross[np.ix_(b, s)].T
        + k_sows[np.ix_(s, s)]
    )
    np.fill_diagonal(between, 0.5 * (1.0 + k_cross[b, s]))
    return float(between.mean())


def plan_matings(
    ped: Pedigree, boars: IntArray, sows: IntArray, seed: int = 20240601
) -> MatingPlan:
    """Give the mating plan of least offspring inbreeding under the conservation rules."""
    k = kinship(ped, np.concatenate([boars, sows]))
    nb = boars.size
    k_boars, k_sows, k_cross = k[:nb, :nb], k[nb:, nb:], k[:nb, nb:]
    cost = k_cross.T  # sows × boars
    banned = forbidden_pairs(ped, boars, sows).T
    boar_of, _ = _assign(cost, banned)
    daughters, sons = _replacements(boar_of, cost)
    family_sow = np.concatenate([sons, daughters])
    family_boar = boar_of[family_sow]
    mated = np.flatnonzero(boar_of >= 0)
    son_rows = set(sons.tolist())
    matings = tuple(
        Mating(int(boars[boar_of[s]]), int(sows[s]), float(cost[s, boar_of[s]]), s in son_rows)
        for s in mated
    )
    random_f, random_next = _random_mating(cost, k_boars, k_sows, k_cross, seed)
    males, females = int(np.unique(boar_of[mated]).size), int(mated.size)
    plan_df = delta_f_within_family(max(males, 1), max(females, 1))
    random_df = delta_f_random(nb, sows.size)
    return MatingPlan(
        matings=matings,
        unmatched_sows=tuple(int(sows[s]) for s in np.flatnonzero(boar_of < 0)),
        mean_offspring_f=float(cost[mated, boar_of[mated]].mean()) if mated.size else float("nan"),
        random_offspring_f=random_f,
        mean_kinship_next=next_generation_kinship(
            family_boar, family_sow, k_boars, k_sows, k_cross
        ),
        random_kinship_next=random_next,
        delta_f=plan_df,
        ne=1.0 / (2.0 * plan_df),
        random_delta_f=random_df,
        random_ne=1.0 / (2.0 * random_df),
    )


def _random_mating(
    cost: FloatArray, k_boars: FloatArray, k_sows: FloatArray, k_cross: FloatArray, seed: int
) -> tuple[float, float]:
    # Random mating: offspring F is the mean kinship over all boar–sow pairs; for the next
    # generation, sons and daughters come from random parents, averaged over many draws.
    rng = np.random.default_rng(seed)
    sows, boars = cost.shape
    draws = []
    for _ in range(_RANDOM_DRAWS):
        sire_of_son = rng.integers(0, boars, boars)
        dam_of_son = rng.integers(0, sows, boars)
        sire_of_daughter = rng.integers(0, boars, sows)
        dam_of_daughter = rng.integers(0, sows, sows)
        draws.append(
            next_generation_kinship(
                np.concatenate([sire_of_son, sire_of_daughter]),
                np.concatenate([dam_of_son, dam_of_daughter]),
                k_boars,
                k_sows,
                k_cross,
            )
        )
    return float(cost.mean()), float(np.mean(draws))
