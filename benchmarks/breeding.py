"""Inbreeding and BLUP at national size on a simulated pig population, beside baselines run
in the same process.

1. Inbreeding of a simulated pedigree (default 1,000,000 animals in 15 generations; 200
   boars and ~2,200 sows a generation, three litters of 10 a sow): Colleau's indirect method (ours),
   beside Meuwissen & Luo (our second exact method) on the same pedigree, and beside the
   PyPI package PyAGH (its compiled `fcoeff`, the routine its makeA uses for F) on a smaller
   pedigree of the same design, since its cost grows with the square of the size.
2. Animal-model BLUP (default 1,000,000 animals, 500,000 records, herd-year-season and sex
   fixed, h² = 0.3): A⁻¹, the mixed-model equations and PCG, with wall time, Python-traced
   peak memory (tracemalloc) and the process's peak RSS; beside SciPy's direct sparse solver
   (SuperLU) on a smaller population, where both run, with the largest difference.
3. AI-REML (default 100,000 animals, 80,000 records, herd-year-season and sex fixed, a
   common-litter effect beside the animal effect; simulated σ²_a 0.3, σ²_litter 0.15,
   σ²_e 0.55): time per round and in total, beside one CHOLMOD factorisation and one
   selected inverse of the same equations timed in the same run.

    python benchmarks/breeding.py [--animals 1000000] [--records 500000] [--small 50000]
                                  [--small-blup 20000] [--reml-animals 100000]
                                  [--skip-inbreeding] [--skip-blup] [--skip-reml]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.sparse.linalg import spsolve

from pigdata.breeding.evaluation import Records, build_equations, evaluate
from pigdata.breeding.inbreeding import colleau, meuwissen_luo
from pigdata.breeding.mixed.design import Design, animal_block, fixed_matrix, iid_block
from pigdata.breeding.mixed.equations import Equations
from pigdata.breeding.mixed.model import RandomTerm
from pigdata.breeding.mixed.reml import Iteration, fit
from pigdata.breeding.pedigree import Pedigree, from_indices
from pigdata.synth.pedigree_sim import simulate_pedigree, simulate_records

GENERATIONS = 15
H2 = 0.3
REML_TRUE = (0.15, 0.3, 0.55)  # litter, animal, residual


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def pyagh_inbreeding(ped: Pedigree) -> np.ndarray | None:
    """F by PyAGH's compiled routine (unknown parent = n, as its makeA passes them)."""
    try:
        import FUNC  # PyAGH's extension module
    except ImportError:
        return None
    n = ped.size
    sire = np.where(ped.sire >= 0, ped.sire, n).astype(np.int32)
    dam = np.where(ped.dam >= 0, ped.dam, n).astype(np.int32)
    f = np.zeros(n + 1)
    f[n] = -1.0
    dii = np.zeros(n)
    FUNC.fcoeff(dam, sire, f, dii, np.array([n], np.int32), np.array([1], np.int32))
    return f[:n]


def inbreeding_figures(animals: int, small: int, rng_seed: int) -> None:
    # compile outside the timings
    tiny = from_indices(np.array([-1, -1, 0, 0]), np.array([-1, -1, 1, 1]))
    colleau(tiny)
    meuwissen_luo(tiny)
    population = simulate_pedigree(animals, GENERATIONS, np.random.default_rng(rng_seed))
    ped = from_indices(population.sire, population.dam)
    (f, _), ours = timed(lambda: colleau(ped))
    print(
        f"inbreeding, {ped.size:,} animals, {GENERATIONS} generations: mean F {f.mean():.6f}, "
        f"max {f.max():.4f}"
    )
    print(f"  Colleau (ours)              {ours:8.2f} s")
    (f2, _), second = timed(lambda: meuwissen_luo(ped))
    print(
        f"  Meuwissen–Luo (ours)        {second:8.2f} s   ratio {second / ours:6.1f}×  "
        f"max |ΔF| {np.abs(f - f2).max():.1e}"
    )
    population = simulate_pedigree(small, GENERATIONS, np.random.default_rng(rng_seed))
    ped = from_indices(population.sire, population.dam)
    (f, _), ours = timed(lambda: colleau(ped))
    other, theirs = timed(lambda: pyagh_inbreeding(ped))
    print(f"inbreeding, {ped.size:,} animals (same design):")
    print(f"  Colleau (ours)              {ours:8.3f} s")
    if other is None:
        print("  PyAGH not installed (pip install PyAGH==0.3.3)")
    else:
        print(
            f"  PyAGH 0.3.3 fcoeff          {theirs:8.3f} s   ratio {theirs / ours:6.1f}×  "
            f"max |ΔF| {np.abs(f - other).max():.1e}"
        )


def _records(animals: int, records: int, seed: int) -> tuple[Pedigree, Records]:
    rng = np.random.default_rng(seed)
    population = simulate_pedigree(animals, GENERATIONS, rng, genetic_sd=np.sqrt(H2))
    tests = simulate_records(population, records, rng, residual_sd=np.sqrt(1 - H2))
    ped = from_indices(population.sire, population.dam)
    data = Records(tests.animal, tests.value[:, None], (tests.herd_year_season, tests.sex))
    return ped, data


def blup_figures(animals: int, records: int, small: int, seed: int) -> None:
    ped, data = _records(animals, records, seed)
    tracemalloc.start()
    result, seconds = timed(lambda: evaluate(ped, data, [[H2]], [[1 - H2]], tolerance=1e-10))
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"BLUP, {ped.size:,} animals, {records:,} records, {result.equations:,} equations:")
    print(
        f"  A⁻¹ + MME + PCG (ours)      {seconds:8.2f} s   {result.iterations} iterations, "
        f"relative residual {result.relative_residual:.1e}"
    )
    print(f"  peak memory: traced {traced / 2**30:.2f} GiB, process RSS {rss / 2**30:.2f} GiB")
    ped, data = _records(small, small // 2, seed)
    quick, ours = timed(lambda: evaluate(ped, data, [[H2]], [[1 - H2]], tolerance=1e-10))
    eq = build_equations(ped, data, np.array([[H2]]), np.array([[1 - H2]]))
    direct, theirs = timed(lambda: spsolve(eq.lhs.tocsc(), eq.rhs))
    start = eq.first_animal_equation
    gap = np.abs(direct[start:] - quick.breeding_values[:, 0]).max()
    print(f"BLUP, {ped.size:,} animals, {small // 2:,} records:")
    print(f"  A⁻¹ + MME + PCG (ours)      {ours:8.2f} s")
    print(
        f"  SciPy SuperLU direct solve  {theirs:8.2f} s   ratio {theirs / ours:6.1f}×  "
        f"(the same equations; max |ΔEBV| {gap:.1e})"
    )


def _litter_design(animals: int, records: int, seed: int) -> tuple[Design, np.ndarray]:
    rng = np.random.default_rng(seed)
    population = simulate_pedigree(animals, GENERATIONS, rng, genetic_sd=np.sqrt(REML_TRUE[1]))
    tests = simulate_records(
        population, records, rng, residual_sd=np.sqrt(REML_TRUE[2]), groups=max(animals // 50, 2)
    )
    # a litter: the animals of one sire–dam pair (one mating in the simulated design)
    pair = population.sire[tests.animal] * (animals + 1) + population.dam[tests.animal]
    _, litter = np.unique(pair, return_inverse=True)
    litter_effect = rng.normal(0.0, np.sqrt(REML_TRUE[0]), int(litter.max()) + 1)
    y = tests.value + litter_effect[litter.ravel()]
    ped = from_indices(population.sire, population.dam)
    x, names = fixed_matrix(
        True,
        [("hys", tests.herd_year_season.astype(str)), ("sex", tests.sex.astype(str))],
        [],
        y.size,
    )
    litter_block = iid_block(RandomTerm("litter", "litter", "iid", 1.0), litter.ravel().astype(str))
    animal, f = animal_block(RandomTerm("animal", "ID", "animal", 1.0), ped, tests.animal)
    return Design(y, x, names, (litter_block, animal), ped, f), y


def reml_figures(animals: int, records: int, seed: int) -> None:
    _tiny_reml()  # compile the selected inverse outside the timings
    design, y = _litter_design(animals, records, seed)
    eq, setup = timed(lambda: Equations(design))
    start = np.full(3, float(np.var(y)) / 3.0)
    _, factorisation = timed(lambda: eq.cholesky.factorise(eq.coefficients(start)))
    _, selected = timed(lambda: eq.cholesky.selected_inverse())
    factor = eq.cholesky.factor
    assert factor is not None
    fill = int(factor.L().nnz)
    rounds: list[Iteration] = []
    result, total = timed(lambda: fit(eq, start, report=rounds.append))
    per_round = total / len(rounds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"AI-REML, {design.pedigree.size if design.pedigree else 0:,} animals, "
        f"{design.records:,} records, {eq.size:,} equations, {fill:,} non-zeros in L, "
        f"litter + animal:"
    )
    print(f"  setup (W'W, symbolic analysis) {setup:8.2f} s")
    print(f"  one CHOLMOD factorisation      {factorisation:8.2f} s")
    print(f"  one selected inverse           {selected:8.2f} s")
    print(
        f"  AI-REML (ours)                 {total:8.2f} s   {len(rounds)} rounds "
        f"({', '.join(r.method for r in rounds)}), {per_round:.2f} s a round = "
        f"{per_round / factorisation:.1f}× one factorisation; converged {result.converged}"
    )
    estimates = ", ".join(
        f"{n} {v:.4f} ± {s:.4f} (simulated {t})"
        for n, v, s, t in zip(result.names, result.theta, result.se, REML_TRUE, strict=True)
    )
    print(f"  estimates: {estimates}; -2logL {result.minus2logl:.2f}")
    print(f"  peak process RSS {rss / 2**30:.2f} GiB")


def _tiny_reml() -> None:
    design, _ = _litter_design(3000, 2000, 1)
    fit(Equations(design), np.full(3, 0.5), max_iterations=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--animals", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--small", type=int, default=50_000, help="animals beside PyAGH")
    parser.add_argument("--small-blup", type=int, default=20_000, help="animals beside SuperLU")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reml-animals", type=int, default=100_000)
    parser.add_argument("--reml-records", type=int, default=80_000)
    parser.add_argument("--skip-inbreeding", action="store_true")
    parser.add_argument("--skip-blup", action="store_true")
    parser.add_argument("--skip-reml", action="store_true")
    args = parser.parse_args()
    if not args.skip_inbreeding:
        inbreeding_figures(args.animals, args.small, args.seed)
    if not args.skip_blup:
        blup_figures(args.animals, args.records, args.small_blup, args.seed)
    if not args.skip_reml:
        reml_figures(args.reml_animals, args.reml_records, args.seed)


if __name__ == "__main__":
    main()
