"""BLUP solutions against a dense direct solve of mixed-model equations built here by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from pigdata.breeding.evaluation import Records, build_equations, evaluate
from pigdata.breeding.pedigree import build_pedigree, from_indices

from tests.breeding.tabular import tabular_a

DATA = Path("/work/shared/data/breeding")


def _pic_t3() -> tuple[object, Records]:
    with (DATA / "pic_pedigree.csv").open() as handle:
        ids, sires, dams = zip(*list(csv.reader(handle))[1:], strict=True)
    ped = build_pedigree(ids, sires, dams)
    with (DATA / "pic_phenotypes.csv").open() as handle:
        rows = [r for r in list(csv.reader(handle))[1:] if r[3] != "."]
    animal = ped.index_of([r[0] for r in rows])
    values = np.array([[float(r[3])] for r in rows])
    return ped, Records(animal, values)


def test_pic_t3_breeding_values_equal_a_dense_solve() -> None:
    ped, records = _pic_t3()
    h2 = 0.38
    result = evaluate(ped, records, [[h2]], [[1 - h2]], reliability_limit=0)
    eq = build_equations(ped, records, np.array([[h2]]), np.array([[1 - h2]]))
    dense = np.linalg.solve(eq.lhs.toarray(), eq.rhs)
    np.testing.assert_allclose(result.breeding_values[:, 0], dense[1:], atol=1e-6, rtol=0)
    np.testing.assert_allclose(result.fixed, dense[:1], atol=1e-6, rtol=0)


def test_two_traits_with_missing_values_and_two_factors_equal_dense_henderson() -> None:
    rng = np.random.default_rng(7)
    n = 60
    sire = np.array([-1] * 10 + [int(rng.integers(0, i // 2 + 1)) * 2 for i in range(10, n)])
    dam = np.array([-1] * 10 + [int(rng.integers(0, i // 2)) * 2 + 1 for i in range(10, n)])
    sire[10:] = np.minimum(sire[10:], np.arange(10, n) - 1)
    dam[10:] = np.minimum(dam[10:], np.arange(10, n) - 1)
    ped = from_indices(sire, dam)
    animal = np.arange(20, n)
    values = rng.normal(size=(animal.size, 2))
    values[rng.random(values.shape) < 0.25] = np.nan
    values[np.isnan(values).all(axis=1), 0] = 1.0
    herd = rng.integers(0, 4, animal.size)
    sex = rng.integers(0, 2, animal.size)
    g0 = np.array([[1.0, 0.3], [0.3, 0.5]])
    r0 = np.array([[2.0, 0.4], [0.4, 1.5]])
    result = evaluate(ped, Records(animal, values, (herd, sex)), g0, r0)
    # Henderson's equations written out densely: X has herd levels for both traits, then sex
    # level 1 (level 0 is the reference), observations ordered animal by animal.
    seen = ~np.isnan(values)
    rows = [(r, k) for r in range(animal.size) for k in range(2) if seen[r, k]]
    x = np.zeros((len(rows), 4 * 2 + 1 * 2))
    z = np.zeros((len(rows), n * 2))
    for o, (r, k) in enumerate(rows):
        x[o, herd[r] * 2 + k] = 1
        if sex[r] == 1:
            x[o, 8 + k] = 1
        z[o, animal[r] * 2 + k] = 1
    r_full = np.zeros((len(rows), len(rows)))
    for o, (r, k) in enumerate(rows):
        for p, (r2, k2) in enumerate(rows):
            if r == r2:
                r_full[o, p] = r0[k, k2]
    r_inv = np.linalg.inv(r_full)
    w = np.hstack([x, z])
    lhs = w.T @ r_inv @ w
    lhs[10:, 10:] += np.kron(np.linalg.inv(tabular_a(sire, dam)), np.linalg.inv(g0))
    y = np.array([values[r, k] for r, k in rows])
    solution = np.linalg.solve(lhs, w.T @ r_inv @ y)
    np.testing.assert_allclose(result.breeding_values.ravel(), solution[10:], atol=1e-6)
    # reliabilities from the dense inverse, by their definition
    pev = np.diag(np.linalg.inv(lhs))[10:].reshape(n, 2)
    f = np.diag(tabular_a(sire, dam)) - 1
    expected = 1 - pev / ((1 + f)[:, None] * np.diag(g0)[None, :])
    assert result.reliability is not None
    np.testing.assert_allclose(result.reliability, np.clip(expected, 0, 1), atol=1e-8)
