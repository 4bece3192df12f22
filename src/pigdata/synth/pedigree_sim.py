"""Large simulated pig pedigrees and performance records, for benchmarks of the breeding code.

A pig breeding population in discrete generations: each generation's boars and sows are
drawn from the previous generation's males and females; every sow has a few litters, each
by a boar drawn at random, of about ten piglets (so full sibs share parents, as in a real
herd). Breeding values pass down the pedigree (½ sire + ½ dam + Mendelian sampling), and a
share of the animals is tested, with a herd-year-season and a sex effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

LITTER = 10
LITTERS_PER_SOW = 3


@dataclass(frozen=True, slots=True)
class SimulatedPopulation:
    """Parents-first parent indices (-1 unknown), sex, generation and true breeding values."""

    sire: IntArray
    dam: IntArray
    male: npt.NDArray[np.bool_]
    generation: IntArray
    breeding_value: FloatArray


def simulate_pedigree(
    animals: int,
    generations: int,
    rng: np.random.Generator,
    genetic_sd: float = 1.0,
) -> SimulatedPopulation:
    """Give a pedigree of `animals` animals in `generations` generations (0 founders); a
    generation's boars are one in 300 of its animals, at most 200."""
    size = animals // generations
    boars_per_generation = max(2, min(200, size // 300))
    sire, dam = [np.full(size, -1)], [np.full(size, -1)]
    male = [rng.random(size) < 0.5]
    gen = [np.zeros(size, dtype=np.int64)]
    value = [rng.normal(0.0, genetic_sd, size)]
    start = 0
    for g in range(1, generations):
        count = size if g < generations - 1 else animals - size * (generations - 1)
        boars = start + rng.choice(np.flatnonzero(male[-1]), boars_per_generation, replace=False)
        sows_needed = max(1, count // (LITTER * LITTERS_PER_SOW))
        sows = start + rng.choice(np.flatnonzero(~male[-1]), sows_needed, replace=False)
        litters = -(-count // LITTER)
        litter_dam = rng.choice(sows, litters)
        litter_sire = rng.choice(boars, litters)
        s, d = np.repeat(litter_sire, LITTER)[:count], np.repeat(litter_dam, LITTER)[:count]
        older = np.concatenate(value)
        mendelian = rng.normal(0.0, genetic_sd * np.sqrt(0.5), count)
        value.append(0.5 * (older[s] + older[d]) + mendelian)
        sire.append(s)
        dam.append(d)
        male.append(rng.random(count) < 0.5)
        gen.append(np.full(count, g, dtype=np.int64))
        start += size
    return SimulatedPopulation(
        np.concatenate(sire).astype(np.int64),
        np.concatenate(dam).astype(np.int64),
        np.concatenate(male),
        np.concatenate(gen),
        np.concatenate(value),
    )


@dataclass(frozen=True, slots=True)
class SimulatedRecords:
    """Phenotypes of tested animals with their herd-year-season and sex classes."""

    animal: IntArray
    value: FloatArray
    herd_year_season: IntArray
    sex: IntArray


def simulate_records(
    population: SimulatedPopulation,
    records: int,
    rng: np.random.Generator,
    residual_sd: float = 1.0,
    groups: int = 5000,
) -> SimulatedRecords:
    """Give one record for each of `records` animals drawn from the non-founders."""
    candidates = np.flatnonzero(population.generation > 0)
    tested = np.sort(rng.choice(candidates, min(records, candidates.size), replace=False))
    hys = rng.integers(0, groups, tested.size)
    sex = population.male[tested].astype(np.int64)
    effect = rng.normal(0.0, 1.0, groups)
    value = (
        10.0
        + effect[hys]
        + 0.5 * sex
        + population.breeding_value[tested]
        + rng.normal(0.0, residual_sd, tested.size)
    )
    return SimulatedRecords(tested, value, hys, sex)
