"""Variance components by AI-REML (Gilmour, Thompson & Cullis 1995) with EM steps.

Each iteration takes the Newton step with the average information, θ ← θ − AI⁻¹ ∂(−2 log L)/∂θ.
When that step leaves the parameter space (a variance below a floor of 10⁻⁸ times the
variance of the records), the variances it would push out are held at the floor and the AI
step is taken over the others (a boundary constraint, as in ASReml). When neither step stays
in the space, AI is singular, or the step raises −2 log L, the iteration takes the EM step
instead, which never leaves the space and never lowers the likelihood (Dempster, Laird &
Rubin 1977). Convergence: Σ(Δθ)²/Σθ² below
the model's tolerance (as in AIREMLF90). At the estimate, var(θ̂) ≈ 2·AI⁻¹ (AI being the
information of −2 log L); ratios r_k = σ²_k/σ²_p (σ²_p = Σθ, h² for the animal effect) get
delta-method SEs: var(r_k) ≈ g'Vg with g_j = (δ_kj σ²_p − σ²_k)/σ⁴_p.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pigdata.breeding.mixed.equations import Equations, Point
from pigdata.breeding.pedigree import FloatArray

# Below this share of the phenotypic variance a variance counts as having left the space.
FLOOR = 1e-8
# A variance within this many floors of the floor is reported as at the boundary.
BOUNDARY = 10.0


@dataclass(frozen=True, slots=True)
class Iteration:
    """One REML iteration as it is reported."""

    number: int
    method: str  # "AI" or "EM"
    minus2logl: float
    theta: tuple[float, ...]
    change: float
    seconds: float


@dataclass(frozen=True, slots=True)
class Ratio:
    """A variance ratio to the phenotypic variance, with its delta-method SE."""

    name: str
    value: float
    se: float


@dataclass(frozen=True, slots=True)
class RemlFit:
    """REML estimates: variances (random effects, then residual), SEs, ratios, −2 log L."""

    names: tuple[str, ...]
    theta: FloatArray
    covariance: FloatArray
    minus2logl: float
    iterations: tuple[Iteration, ...]
    converged: bool
    ratios: tuple[Ratio, ...]
    point: Point
    at_boundary: tuple[bool, ...]  # held at the floor: no SE (the AI inverse does not apply)

    @property
    def se(self) -> FloatArray:
        """Give the standard errors of the variances."""
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))


def _root(variance: float) -> float:
    return float(np.sqrt(max(variance, 0.0)))


def ratios(names: tuple[str, ...], theta: FloatArray, covariance: FloatArray) -> tuple[Ratio, ...]:
    """Give σ²_k/σ²_p for each random effect, and σ²_p itself, with delta-method SEs."""
    total = float(theta.sum())
    out = []
    for k, name in enumerate(names[:-1]):
        g = -theta[k] / total**2 * np.ones(theta.size)
        g[k] += 1.0 / total
        out.append(Ratio(name, float(theta[k] / total), _root(float(g @ covariance @ g))))
    ones = np.ones(theta.size)
    out.append(Ratio("phenotypic", total, _root(float(ones @ covariance @ ones))))
    return tuple(out)


def _newton(point: Point, free: npt.NDArray[np.bool_], floor: float) -> FloatArray | None:
    # The AI step over the free variances, the others held at the floor (the boundary).
    candidate = np.where(free, point.theta, floor)
    if not free.any():
        return None
    sub = point.information[np.ix_(free, free)]
    try:
        step = np.linalg.solve(sub, point.gradient[free])
    except np.linalg.LinAlgError:
        return None
    candidate[free] = point.theta[free] - step
    ok = bool(np.all(candidate >= floor)) and bool(np.isfinite(candidate).all())
    return candidate if ok else None


def _ai_steps(point: Point, floor: float) -> list[tuple[str, FloatArray]]:
    """Give the AI step, and when it leaves the space, the AI step with the variances it
    would push out held at the boundary (as ASReml's boundary constraint does)."""
    free = np.ones(point.theta.size, dtype=bool)
    full = _newton(point, free, floor)
    if full is not None:
        return [("AI", full)]
    try:
        step = np.linalg.solve(point.information, point.gradient)
    except np.linalg.LinAlgError:
        return []
    free = point.theta - step > floor
    bounded = _newton(point, free, floor)
    return [("AI-bound", bounded)] if bounded is not None else []


def _covariance(information: FloatArray, free: npt.NDArray[np.bool_]) -> FloatArray:
    # 2·AI⁻¹ over the variances inside the space; one held at the boundary gets no variance.
    covariance = np.zeros_like(information)
    sub = information[np.ix_(free, free)]
    try:
        inverse = np.linalg.inv(sub)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(sub)
    covariance[np.ix_(free, free)] = 2.0 * inverse
    return covariance


def fit(
    eq: Equations,
    start: FloatArray,
    max_iterations: int = 200,
    tolerance: float = 1e-10,
    report: Callable[[Iteration], None] | None = None,
) -> RemlFit:
    """Give the REML estimates from start values, reporting each iteration as it ends."""
    names = (*(b.term.name for b in eq.design.blocks), "residual")
    floor = FLOOR * float(np.var(eq.design.y)) if eq.design.records > 1 else FLOOR
    point = eq.point(np.asarray(start, dtype=np.float64))
    done: list[Iteration] = []
    converged = False
    for number in range(1, max_iterations + 1):
        began = time.perf_counter()
        trial, method = None, "EM"
        for name, candidate in _ai_steps(point, floor):
            proposal = eq.point(candidate)
            if proposal.minus2logl <= point.minus2logl + 1e-9 * abs(point.minus2logl):
                trial, method = proposal, name
        if trial is None:
            trial = eq.point(np.maximum(point.em, floor))
        change = float(np.sum((trial.theta - point.theta) ** 2) / np.sum(trial.theta**2))
        point = trial
        done.append(
            Iteration(
                number,
                method,
                point.minus2logl,
                tuple(map(float, point.theta)),
                change,
                time.perf_counter() - began,
            )
        )
        if report is not None:
            report(done[-1])
        if change < tolerance:
            converged = True
            break
    boundary = point.theta <= BOUNDARY * floor
    covariance = _covariance(point.information, ~boundary)
    return RemlFit(
        names,
        point.theta,
        covariance,
        point.minus2logl,
        tuple(done),
        converged,
        ratios(names, point.theta, covariance),
        point,
        tuple(bool(b) for b in boundary),
    )
