"""Pedigree depth, ΔF, Ne, intervals and contributions, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np

from pigdata.breeding.inbreeding import inbreeding
from pigdata.breeding.pedigree import build_pedigree
from pigdata.breeding.population import (
    ancestor_contributions,
    effective_founders,
    founder_contributions,
    generation_intervals,
    individual_delta_f,
    ne_from_sex_ratio,
    pedigree_depth,
)
from pigdata.domain.conservation import EAAP_PIGS

# a, b founders; c = a × b; d = c × unknown; e = c × d (a parent–offspring mating)
IDS = ["a", "b", "c", "d", "e"]
SIRES = ["0", "0", "a", "c", "c"]
DAMS = ["0", "0", "b", "0", "d"]
BIRTH = [2018.0, 2018.5, 2020.0, 2021.0, 2022.5]
MALE = [True, False, True, False, True]


def _ped():  # type: ignore[no-untyped-def]
    return build_pedigree(IDS, SIRES, DAMS, birth=BIRTH, male=MALE)


def test_depths_by_hand() -> None:
    ped = _ped()
    complete, longest, equivalent = pedigree_depth(ped)
    by_id = {i: k for k, i in enumerate(ped.ids.tolist())}
    assert [complete[by_id[x]] for x in IDS] == [0, 0, 1, 0, 1]
    assert [longest[by_id[x]] for x in IDS] == [0, 0, 1, 2, 3]
    assert [equivalent[by_id[x]] for x in IDS] == [0, 0, 1, 1, 2]


def test_individual_delta_f_and_ne() -> None:
    ped = _ped()
    f = inbreeding(ped)
    _, _, t = pedigree_depth(ped)
    e = int(ped.index_of(["e"])[0])
    assert f[e] == 0.25  # kinship of c and its daughter d
    delta = individual_delta_f(f, t)
    assert math.isclose(delta[e], 1 - 0.75 ** (1 / (2 - 1)))  # t = 2
    assert np.isnan(delta[ped.index_of(["c"])[0]])  # one generation deep: no ΔF
    assert ne_from_sex_ratio(32, 156) == 4 * 32 * 156 / 188
    assert EAAP_PIGS.classify(20).name == "critical"
    assert EAAP_PIGS.classify(106.2).name == "potentially endangered"
    assert EAAP_PIGS.classify(500).name == "not at risk"


def test_contributions_by_hand() -> None:
    ped = _ped()
    reference = ped.index_of(["e"])
    p = founder_contributions(ped, reference)
    by_id = dict(zip(ped.ids.tolist(), p.tolist(), strict=True))
    assert by_id["a"] == by_id["b"] == 0.375  # the other 0.25 is d's unknown dam
    assert math.isclose(effective_founders(ped, reference), 1 / (2 * 0.375**2 + 0.25**2))
    ancestors, margins = ancestor_contributions(ped, reference)
    assert ped.ids[ancestors].tolist() == ["c", "d"]
    assert margins.tolist() == [0.75, 0.25]


def test_generation_intervals_by_pathway() -> None:
    ped = _ped()
    intervals = {i.pathway: i for i in generation_intervals(ped, np.arange(ped.size))}
    # c from a (2020 − 2018) and e from c (2022.5 − 2020)
    assert intervals["sire–son"].years == 2.25 and intervals["sire–son"].count == 2
    assert intervals["sire–daughter"].years == 1.0  # d from c
    assert intervals["dam–son"].years == 1.5  # c from b (2020 − 2018.5) and e from d (1.5)
    assert intervals["dam–son"].count == 2
    assert intervals["dam–daughter"].count == 0
