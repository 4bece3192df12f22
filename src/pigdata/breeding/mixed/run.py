"""A model file from start to end: REML estimates or BLUP solutions, and their files.

The REML result file (JSON) holds the variances by name, so that `blup` can take them:

    {"trait": "t1", "variances": {"t5 class": 0.0019, "animal": 0.1119, "residual": 1.3466},
     "se": {…}, "ratios": {"animal": [0.0766, 0.0273], …}, "minus2logl": 9005.53,
     "iterations": 8, "converged": true}
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from pigdata.breeding.mixed.design import load_design
from pigdata.breeding.mixed.equations import Equations
from pigdata.breeding.mixed.model import Model, ModelError
from pigdata.breeding.mixed.reml import Iteration, RemlFit, fit
from pigdata.breeding.mixed.solutions import Solutions, blup, solutions


def start_values(model: Model) -> np.ndarray:
    """Give the model's variances: random effects in order, then the residual."""
    return np.array([r.variance for r in model.random] + [model.residual], dtype=np.float64)


def run_reml(
    model: Model, report: Callable[[Iteration], None] | None = None
) -> tuple[RemlFit, Solutions, Equations]:
    """Give the REML fit of a model and the solutions at the estimates."""
    if not model.random:
        raise ModelError(
            "REML 需要至少一个随机效应",
            "REML needs at least one random effect",
            rule="model.no_random",
        )
    eq = Equations(load_design(model))
    result = fit(eq, start_values(model), model.max_iterations, model.tolerance, report)
    return result, solutions(eq, result.point), eq


def run_blup(model: Model) -> tuple[Solutions, Equations]:
    """Give the BLUP solutions at the model's variances."""
    eq = Equations(load_design(model))
    return blup(eq, start_values(model)), eq


def result_document(model: Model, result: RemlFit) -> dict[str, object]:
    """Give the REML result as a JSON-ready document."""
    return {
        "trait": model.trait,
        "variances": dict(zip(result.names, map(float, result.theta), strict=True)),
        "se": dict(zip(result.names, map(float, result.se), strict=True)),
        "ratios": {r.name: [r.value, r.se] for r in result.ratios},
        "at_boundary": [n for n, b in zip(result.names, result.at_boundary, strict=True) if b],
        "minus2logl": result.minus2logl,
        "iterations": len(result.iterations),
        "converged": result.converged,
    }


def with_result_variances(model: Model, path: Path) -> Model:
    """Give the model with the variances of a REML result file."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))["variances"]
        names = [r.name for r in model.random]
        values = [float(found[n]) for n in names]
        residual = float(found["residual"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(
            f"无法从 {path} 读取该模型各随机效应的方差",
            f"cannot read this model's variances from {path}",
            rule="model.variances",
        ) from error
    return model.with_variances(values, residual)


def write_solutions(path: Path, found: Solutions) -> int:
    """Write every random level's solution, PEV and reliability as CSV; give the rows."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["effect", "level", "solution", "pev", "reliability"])
        for effect in found.effects:
            for level, value, pev, rel in zip(
                effect.levels, effect.value, effect.pev, effect.reliability, strict=True
            ):
                writer.writerow([effect.name, level, f"{value:.8g}", f"{pev:.8g}", f"{rel:.6f}"])
                rows += 1
        for name, value in zip(found.fixed_names, found.fixed, strict=True):
            writer.writerow(["fixed", name, f"{value:.8g}", "", ""])
            rows += 1
    return rows


def override(model: Model, trait: str | None) -> Model:
    """Give the model with another trait (the same effects)."""
    return model if trait is None else replace(model, trait=trait)
