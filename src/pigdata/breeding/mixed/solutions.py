"""BLUP solutions of a mixed model with their prediction error variances and reliabilities.

PEV of a level is its diagonal element of C⁻¹ (C scaled by R⁻¹, so C⁻¹ is the prediction
error covariance), from the selected inverse: exact, with no inverse of the whole matrix.
Reliability r² = 1 − PEV/var(u): var(u) = (1 + F) σ²_a for an animal, σ²_k for an
independent level. The accuracy is r = √r².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pigdata.breeding.mixed.design import TextArray
from pigdata.breeding.mixed.equations import Equations, Point
from pigdata.breeding.pedigree import FloatArray


@dataclass(frozen=True, slots=True)
class EffectSolutions:
    """The solutions of one random effect's levels."""

    name: str
    levels: TextArray
    value: FloatArray
    pev: FloatArray
    reliability: FloatArray


@dataclass(frozen=True, slots=True)
class Solutions:
    """Fixed-effect estimates and every random effect's predictions."""

    fixed_names: tuple[str, ...]
    fixed: FloatArray
    effects: tuple[EffectSolutions, ...]
    minus2logl: float


def solutions(eq: Equations, point: Point) -> Solutions:
    """Give the solutions at a point (its factorisation and selected inverse)."""
    d = eq.design
    effects = []
    for k, b in enumerate(d.blocks):
        pev = point.inverse.diagonal(eq.offsets[k], eq.offsets[k + 1])
        prior = np.full(b.size, point.theta[k])
        if b.term.kind == "animal" and d.inbreeding is not None:
            prior = prior * (1.0 + d.inbreeding)
        reliability = np.clip(1.0 - pev / prior, 0.0, 1.0)
        effects.append(
            EffectSolutions(b.term.name, b.levels, eq.block(point.solution, k), pev, reliability)
        )
    fixed = point.solution[: d.fixed_size]
    return Solutions(d.fixed_names, fixed, tuple(effects), point.minus2logl)


def blup(eq: Equations, theta: FloatArray) -> Solutions:
    """Give the solutions at given variances (random effects, then residual)."""
    return solutions(eq, eq.point(np.asarray(theta, dtype=np.float64)))
