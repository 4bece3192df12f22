"""Inbreeding, relationships and A⁻¹ against the tabular method worked out here."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pigdata.breeding.inbreeding import colleau, inbreeding, meuwissen_luo
from pigdata.breeding.pedigree import Pedigree, build_pedigree, from_indices
from pigdata.breeding.relationship import a_inverse, kinship, relationships

from tests.breeding.tabular import tabular_a
from tests.strategies import pedigrees

PIC = Path("/work/shared/data/breeding/pic_pedigree.csv")


@settings(max_examples=150, deadline=None)
@given(pedigrees())
def test_inbreeding_equals_the_tabular_method(parents: tuple[list[int], list[int]]) -> None:
    sire, dam = parents
    a = tabular_a(sire, dam)
    ped = from_indices(np.array(sire), np.array(dam))
    for method in (colleau, meuwissen_luo):  # two exact methods, each against the table
        f, d = method(ped)
        np.testing.assert_allclose(f, np.diag(a) - 1.0, atol=1e-12)
        known = (np.array(sire) >= 0).astype(int) + (np.array(dam) >= 0).astype(int)
        parents_f = [
            (f[s] if s >= 0 else 0.0) + (f[m] if m >= 0 else 0.0)
            for s, m in zip(sire, dam, strict=True)
        ]
        expected_d = np.where(known == 2, 0.5, np.where(known == 1, 0.75, 1.0)) - 0.25 * np.array(
            parents_f
        )
        np.testing.assert_allclose(d, expected_d, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(pedigrees(), st.data())
def test_relationships_and_inverse_equal_the_tabular_method(
    parents: tuple[list[int], list[int]], data: st.DataObject
) -> None:
    sire, dam = parents
    a = tabular_a(sire, dam)
    ped = from_indices(np.array(sire), np.array(dam))
    chosen = np.array(
        data.draw(st.lists(st.integers(0, len(sire) - 1), min_size=1, max_size=6, unique=True))
    )
    np.testing.assert_allclose(relationships(ped, chosen), a[np.ix_(chosen, chosen)], atol=1e-12)
    np.testing.assert_allclose(kinship(ped, chosen), 0.5 * a[np.ix_(chosen, chosen)], atol=1e-12)
    np.testing.assert_allclose(a_inverse(ped).toarray(), np.linalg.inv(a), atol=1e-8)


def test_shuffled_ids_give_the_same_inbreeding() -> None:
    # offspring listed before parents, text IDs: the checks renumber them parents-first
    ids = ["z", "y", "x", "a", "b", "c", "d"]
    sires = ["a", "a", "a", "0", "0", "0", "."]
    dams = ["x", "b", "b", "", "0", "b", "NA"]
    ped = build_pedigree(ids, sires, dams)
    f = dict(zip(ped.ids.tolist(), inbreeding(ped).tolist(), strict=True))
    # x is a full sib offspring of a × b; z is a × x: a parent–offspring mating, F = 1/4
    assert f["x"] == 0.0 and f["y"] == 0.0
    assert f["z"] == 0.25
    assert ped.findings == ()


def test_pic_pedigree_reads_and_has_the_mean_f_stated_in_the_docs() -> None:
    with PIC.open() as handle:
        rows = list(csv.reader(handle))[1:]
    ids, sires, dams = zip(*rows, strict=True)
    ped: Pedigree = build_pedigree(ids, sires, dams)
    assert ped.size == 6473 and ped.findings == ()
    f = inbreeding(ped)
    docs = (Path(__file__).parents[2] / "docs" / "breeding.md").read_text(encoding="utf-8")
    assert f"{f.mean():.6f}" in docs
    np.testing.assert_allclose(meuwissen_luo(ped)[0], f, atol=1e-12)
    # the whole pedigree by the tabular method
    a_diagonal = np.diag(tabular_a(ped.sire.tolist(), ped.dam.tolist()))
    np.testing.assert_allclose(f, a_diagonal - 1.0, atol=1e-12)
