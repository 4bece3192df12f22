"""AI-REML, BLUP solutions and PEVs against dense formulas written out here.

The dense side builds V = Σ_k Z_k K_k Z_k' σ²_k + I σ²_e with A by the tabular method and
takes −2 log L = (n − p) log 2π + log|V| + log|X'V⁻¹X| + y'Py; its maximum is found by a
general optimiser (SciPy's L-BFGS-B over the variances).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize

from pigdata.breeding.mixed.cholesky import Cholesky
from pigdata.breeding.mixed.design import Design, animal_block, fixed_matrix, iid_block
from pigdata.breeding.mixed.equations import Equations
from pigdata.breeding.mixed.model import RandomTerm
from pigdata.breeding.mixed.reml import fit
from pigdata.breeding.mixed.solutions import blup
from pigdata.breeding.pedigree import from_indices

from tests.breeding.tabular import tabular_a


def _small(seed: int, litter_sd: float) -> tuple[Design, dict[str, np.ndarray]]:
    # 80 animals: 20 founders, then offspring of random known parents; 70 with a record.
    rng = np.random.default_rng(seed)
    n = 80
    sire = np.full(n, -1)
    dam = np.full(n, -1)
    for i in range(20, n):
        sire[i] = rng.integers(0, 10 if i < 50 else 40)
        dam[i] = rng.integers(10, 20) if i < 50 else rng.integers(20, 50)
        if sire[i] == dam[i]:
            dam[i] = -1
    ped = from_indices(sire, dam)
    a = tabular_a(sire.tolist(), dam.tolist())
    animal = np.sort(rng.choice(n, 70, replace=False))
    records = animal.size
    sex = rng.integers(0, 2, records).astype(str)
    weight = rng.normal(30.0, 3.0, records)
    litter = rng.integers(0, 9, records).astype(str)
    breeding = np.linalg.cholesky(a) @ rng.normal(0.0, 0.7, n)
    litter_effect = rng.normal(0.0, litter_sd, 9)
    y = (
        1.0
        + 0.5 * (sex == "1")
        + 0.1 * weight
        + breeding[animal]
        + litter_effect[litter.astype(int)]
        + rng.normal(0.0, 0.8, records)
    )
    x, names = fixed_matrix(True, [("sex", sex)], [("weight", weight)], records)
    litter_block = iid_block(RandomTerm("litter", "litter", "iid", 1.0), litter)
    animal_b, f = animal_block(RandomTerm("animal", "ID", "animal", 1.0), ped, animal)
    design = Design(y, x, names, (litter_block, animal_b), ped, f)
    dense_x = np.column_stack([np.ones(records), sex == "1", weight]).astype(float)
    z_litter = (litter[:, None] == np.arange(9).astype(str)[None, :]).astype(float)
    z_animal = (animal[:, None] == np.arange(n)[None, :]).astype(float)
    dense = {"y": y, "x": dense_x, "z1": z_litter, "z2": z_animal, "a": a, "f": np.diag(a) - 1}
    return design, dense


def _dense_m2logl(theta: np.ndarray, d: dict[str, np.ndarray]) -> float:
    y, x = d["y"], d["x"]
    n, p = x.shape
    v = theta[0] * d["z1"] @ d["z1"].T + theta[1] * d["z2"] @ d["a"] @ d["z2"].T
    v += theta[2] * np.eye(n)
    vi = np.linalg.inv(v)
    xvx = x.T @ vi @ x
    proj = vi - vi @ x @ np.linalg.solve(xvx, x.T @ vi)
    return float(
        (n - p) * np.log(2 * np.pi)
        + np.linalg.slogdet(v)[1]
        + np.linalg.slogdet(xvx)[1]
        + y @ proj @ y
    )


def _dense_mme(theta: np.ndarray, d: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    w = np.hstack([d["x"], d["z1"], d["z2"]])
    p, q1 = d["x"].shape[1], d["z1"].shape[1]
    penalty = np.zeros((w.shape[1], w.shape[1]))
    penalty[p : p + q1, p : p + q1] = np.eye(q1) / theta[0]
    penalty[p + q1 :, p + q1 :] = np.linalg.inv(d["a"]) / theta[1]
    c = w.T @ w / theta[2] + penalty
    return c, w.T @ d["y"] / theta[2]


@pytest.mark.parametrize("dense_tail", [0, 10_000])
@pytest.mark.parametrize("dense_rows", [0, 6])
def test_selected_inverse_equals_the_dense_inverse_on_the_pattern(
    dense_tail: int, dense_rows: int
) -> None:
    # dense rows (like fixed effects met by every record) make a full trailing block of L
    rng = np.random.default_rng(3)
    m = sp.random(150, 150, density=0.02, random_state=rng).tolil()
    m[:dense_rows, :] = rng.random((dense_rows, 150))
    c = (m @ m.T + sp.identity(150)).tocsc()
    chol = Cholesky(c)
    chol.factorise(c)
    picked = chol.selected_inverse(dense_tail)
    dense = np.linalg.inv(c.toarray())
    coo = c.tocoo()
    np.testing.assert_allclose(
        picked.elements(coo.row, coo.col), dense[coo.row, coo.col], atol=1e-12
    )
    np.testing.assert_allclose(picked.diagonal(0, 150), np.diag(dense), atol=1e-12)
    assert chol.logdet() == pytest.approx(np.linalg.slogdet(c.toarray())[1], abs=1e-9)


def test_log_likelihood_gradient_and_information_equal_dense_formulas() -> None:
    design, dense = _small(1, 0.5)
    eq = Equations(design)
    theta = np.array([0.3, 0.4, 0.7])
    point = eq.point(theta)
    assert point.minus2logl == pytest.approx(_dense_m2logl(theta, dense), abs=1e-8)
    n = dense["y"].size
    v_parts = [dense["z1"] @ dense["z1"].T, dense["z2"] @ dense["a"] @ dense["z2"].T, np.eye(n)]
    v = sum(t * vp for t, vp in zip(theta, v_parts, strict=True))
    vi = np.linalg.inv(v)
    x = dense["x"]
    proj = vi - vi @ x @ np.linalg.solve(x.T @ vi @ x, x.T @ vi)
    py = proj @ dense["y"]
    gradient = [np.trace(proj @ vp) - py @ vp @ py for vp in v_parts]
    information = [[py @ vi_ @ proj @ vj @ py for vj in v_parts] for vi_ in v_parts]
    np.testing.assert_allclose(point.gradient, gradient, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(point.information, information, rtol=1e-8, atol=1e-8)


def test_reml_finds_the_maximum_of_the_dense_likelihood() -> None:
    design, dense = _small(2, 0.6)
    result = fit(Equations(design), np.array([1.0, 1.0, 1.0]), tolerance=1e-14)
    assert result.converged
    best = minimize(
        _dense_m2logl,
        np.array([0.3, 0.4, 0.6]),
        args=(dense,),
        method="L-BFGS-B",
        bounds=[(1e-8, None)] * 3,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    )
    assert result.minus2logl <= best.fun + 1e-7
    assert result.minus2logl == pytest.approx(best.fun, abs=1e-5)
    np.testing.assert_allclose(result.theta, best.x, rtol=2e-3, atol=2e-4)
    assert (result.se > 0).all()
    total = result.theta.sum()
    assert result.ratios[1].value == pytest.approx(result.theta[1] / total)


def test_a_variance_at_the_boundary_is_held_there_and_reml_still_converges() -> None:
    design, dense = _small(5, 0.0)
    result = fit(Equations(design), np.array([0.5, 0.5, 0.5]), tolerance=1e-14)
    best = minimize(
        _dense_m2logl,
        np.array([0.1, 0.4, 0.6]),
        args=(dense,),
        method="L-BFGS-B",
        bounds=[(1e-10, None)] * 3,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    )
    assert result.minus2logl == pytest.approx(best.fun, abs=1e-4)
    assert (result.theta > 0).all()


def test_ebvs_pevs_and_reliabilities_equal_the_dense_inverse_of_the_mme() -> None:
    design, dense = _small(4, 0.5)
    theta = np.array([0.25, 0.45, 0.65])
    eq = Equations(design)
    found = blup(eq, theta)
    c, rhs = _dense_mme(theta, dense)
    inverse = np.linalg.inv(c)
    solution = inverse @ rhs
    np.testing.assert_allclose(found.fixed, solution[:3], atol=1e-9)
    litter, animal = found.effects
    np.testing.assert_allclose(litter.value, solution[3:12], atol=1e-9)
    np.testing.assert_allclose(animal.value, solution[12:], atol=1e-9)
    np.testing.assert_allclose(animal.pev, np.diag(inverse)[12:], atol=1e-10)
    np.testing.assert_allclose(litter.pev, np.diag(inverse)[3:12], atol=1e-10)
    expected = 1 - np.diag(inverse)[12:] / ((1 + dense["f"]) * theta[1])
    np.testing.assert_allclose(animal.reliability, np.clip(expected, 0, 1), atol=1e-10)
