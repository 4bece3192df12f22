"""Mating plans: the rules hold and the pairing is the best, found by brute force."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pigdata.breeding.mating import plan_matings
from pigdata.breeding.pedigree import from_indices

from tests.breeding.tabular import tabular_a
from tests.strategies import mating_herd


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_plan_is_the_least_related_allowed_pairing(data: st.DataObject) -> None:
    sire, dam, first, nb = mating_herd(data.draw)
    ped = from_indices(sire, dam)
    boars = np.arange(first, first + nb)
    sows = np.arange(first + nb, sire.size)
    plan = plan_matings(ped, boars, sows)
    a = tabular_a(sire.tolist(), dam.tolist())

    def sibs(b: int, s: int) -> bool:
        return any(p[b] >= 0 and p[b] == p[s] for p in (sire, dam))

    base, extra = divmod(sows.size, nb)
    best = None
    for choice in itertools.product(range(nb), repeat=sows.size):
        counts = np.bincount(choice, minlength=nb)
        if counts.min() < base or counts.max() > base + (1 if extra else 0):
            continue
        if any(sibs(boars[b], s) for b, s in zip(choice, sows, strict=True)):
            continue
        total = sum(0.5 * a[boars[b], s] for b, s in zip(choice, sows, strict=True))
        best = total if best is None else min(best, total)
    for mating in plan.matings:
        assert not sibs(mating.boar, mating.sow)
        assert mating.kinship == 0.5 * a[mating.boar, mating.sow]
    if best is not None:
        assert not plan.unmatched_sows
        assert abs(sum(m.kinship for m in plan.matings) - best) < 1e-9
        per_boar = np.bincount([m.boar - first for m in plan.matings], minlength=nb)
        assert per_boar.min() >= base and per_boar.max() <= base + (1 if extra else 0)
        assert sum(m.son for m in plan.matings) == np.count_nonzero(per_boar)


def test_expected_delta_f_of_the_rongchang_nucleus() -> None:
    # 32 boars, 156 sows, unrelated: ΔF = 3/(32·32) + 1/(32·156); random: 1/256 + 1/1248
    sire = np.full(188, -1)
    ped = from_indices(sire, sire.copy())
    plan = plan_matings(ped, np.arange(32), np.arange(32, 188))
    assert abs(plan.delta_f - (3 / 1024 + 1 / 4992)) < 1e-15
    assert abs(plan.random_ne - 4 * 32 * 156 / 188) < 1e-9
    assert plan.mean_offspring_f == 0.0 and len(plan.matings) == 156
    # unrelated parents: replacements are related only as sibs, less so than at random
    assert plan.mean_kinship_next < plan.random_kinship_next
