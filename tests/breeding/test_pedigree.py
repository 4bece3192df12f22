"""Pedigree checks: each error is found, named and counted."""

from __future__ import annotations

import numpy as np
import pytest

from pigdata.breeding.pedigree import PedigreeError, build_pedigree, generations


def _rules(ped_findings: tuple[object, ...]) -> dict[str, tuple[str, ...]]:
    return {f.rule: f.ids for f in ped_findings}  # type: ignore[attr-defined]


def test_each_error_is_reported_with_its_animals() -> None:
    ids = ["a", "b", "c", "c", "d", "e"]
    sires = ["0", "0", "a", "a", "a", "ghost"]
    dams = ["0", "0", "b", "a", "c", "a"]  # a is a sire and a dam; ghost has no record
    birth = [2020.0, 2020.0, 2019.0, 2021.0, 2022.0, 2023.0]  # c born before its parent a
    ped = build_pedigree(ids, sires, dams, birth=birth)
    rules = _rules(ped.findings)
    assert rules["pedigree.duplicate_id"] == ("c",)
    assert rules["pedigree.unknown_parent"] == ("ghost",)
    assert rules["pedigree.sire_as_dam"] == ("a",)
    assert rules["pedigree.parent_born_after"] == ("c",)
    assert ped.size == 6  # five distinct animals and the added founder "ghost"
    position = {name: i for i, name in enumerate(ped.ids.tolist())}
    for child in range(ped.size):
        for parent in (ped.sire[child], ped.dam[child]):
            assert parent < child
    assert ped.sire[position["c"]] == position["a"]  # the first record of c was kept


def test_an_animal_its_own_ancestor_stops_the_computation() -> None:
    ids = ["a", "b", "c", "d", "e"]
    sires = ["c", "a", "b", "0", "d"]  # a → b → c → a, and e hangs below d only
    dams = ["0", "0", "d", "0", "0"]
    with pytest.raises(PedigreeError) as raised:
        build_pedigree(ids, sires, dams)
    loop = [f for f in raised.value.findings if f.rule == "pedigree.own_ancestor"]
    assert loop and loop[0].ids == ("a", "b", "c") and loop[0].fatal
    assert "自己的祖先" in str(raised.value) and "own ancestor" in str(raised.value)


def test_own_parent_is_a_loop() -> None:
    with pytest.raises(PedigreeError):
        build_pedigree(["x"], ["x"], ["0"])


def test_generations_count_from_founders() -> None:
    sire = np.array([-1, -1, 0, 0, 2])
    dam = np.array([-1, -1, 1, -1, 3])
    assert generations(sire, dam).tolist() == [0, 0, 1, 1, 2]
