"""The herdbook of the demo's Rongchang pig conservation herd (荣昌猪保种场): ten generations
of 32 boars and 156 sows, with performance records for the breeding services to work on.

Like the real nucleus (DOMAIN.md), the herd is closed: each boar is replaced by one of his
sons and each sow by one of her daughters; the sows were mated at random among the boars,
so inbreeding builds up slowly. Each animal is tested for average daily gain (g/d) and
backfat (mm), simulated from breeding values passed down the pedigree, a contemporary
group (birth year and season) and a residual.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np

HERDBOOK = "RC"
BREED = "荣昌猪"
BOARS, SOWS, GENERATIONS = 32, 156, 10
GENERATION_DAYS = 600
LAST_BIRTH_BEFORE_START = 300  # days: the youngest generation is tested before the demo starts
STREAM_HERDBOOK = 41  # the demo's random stream of this module (others use 1–7)
# trait: (mean, genetic SD, residual SD, group SD); heritabilities 0.30 and 0.45
TRAITS = {"adg": (560.0, 32.9, 50.2, 20.0), "backfat": (28.0, 2.0, 2.2, 1.0)}


def _ids(generation: int) -> tuple[list[str], list[str]]:
    boars = [f"RC{generation:02d}M{k:03d}" for k in range(BOARS)]
    sows = [f"RC{generation:02d}F{k:03d}" for k in range(SOWS)]
    return boars, sows


def _parents(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # For one generation: the boar row of each sow's mate, and the sow that gives each boar's son.
    mate = np.concatenate([rng.permutation(BOARS), rng.integers(0, BOARS, SOWS - BOARS)])
    mate = mate[rng.permutation(SOWS)]
    son_dam = np.array([rng.choice(np.flatnonzero(mate == b)) for b in range(BOARS)])
    return mate, son_dam


def herdbook_records(rng: np.random.Generator, herd: str, start: date) -> Iterator[dict[str, Any]]:
    """Give the herdbook's pedigree records, then its performance records, all before start."""
    last = start - timedelta(days=LAST_BIRTH_BEFORE_START)
    value = {trait: np.zeros(BOARS + SOWS) for trait in TRAITS}
    tests: list[dict[str, Any]] = []
    for g in range(GENERATIONS):
        born = last - timedelta(days=(GENERATIONS - 1 - g) * GENERATION_DAYS)
        boars, sows = _ids(g)
        if g == 0:
            sires = dams = [None] * (BOARS + SOWS)
            parent_rows = None
        else:
            mate, son_dam = _parents(rng)
            prev_boars, prev_sows = _ids(g - 1)
            sires = [prev_boars[mate[d]] for d in son_dam] + [prev_boars[m] for m in mate]
            dams = [prev_sows[d] for d in son_dam] + list(prev_sows)
            parent_rows = (
                np.concatenate([mate[son_dam], mate]),
                np.concatenate([son_dam, np.arange(SOWS)]),
            )
        value = _breeding_values(rng, value, parent_rows)
        group = f"{born.year}-{(born.month - 1) // 3 + 1}"
        group_effect = {t: rng.normal(0.0, sd) for t, (_, _, _, sd) in TRAITS.items()}
        for k, animal in enumerate(boars + sows):
            day = born + timedelta(days=int(rng.integers(0, 60)))
            yield _pedigree(animal, sires[k], dams[k], k < BOARS, day, herd)
            own = {t: group_effect[t] + value[t][k] for t in TRAITS}
            tests.extend(_tests(rng, animal, own, group, day))
    yield from tests


def _breeding_values(
    rng: np.random.Generator,
    previous: dict[str, np.ndarray],
    parent_rows: tuple[np.ndarray, np.ndarray] | None,
) -> dict[str, np.ndarray]:
    out = {}
    for trait, (_, genetic_sd, _, _) in TRAITS.items():
        noise = rng.normal(0.0, genetic_sd, BOARS + SOWS)
        if parent_rows is None:
            out[trait] = noise
        else:
            sire, dam = parent_rows
            old = previous[trait]
            out[trait] = 0.5 * (old[sire] + old[BOARS + dam]) + noise * np.sqrt(0.5)
    return out


def _pedigree(
    animal: str, sire: str | None, dam: str | None, male: bool, born: date, herd: str
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "pedigree",
        "herdbook": HERDBOOK,
        "registry_id": animal,
        "sex": "male" if male else "female",
        "birth_date": born.isoformat(),
        "breed": BREED,
        "herd": herd,
    }
    if sire is not None:
        body["sire"], body["dam"] = sire, dam
    return body


def _tests(
    rng: np.random.Generator, animal: str, own: dict[str, float], group: str, born: date
) -> Iterator[dict[str, Any]]:
    # `own` is the animal's group effect plus its breeding value, per trait
    tested = born + timedelta(days=180)  # tested at about 100 kg
    for trait, (mean, _, residual_sd, _) in TRAITS.items():
        phenotype = mean + own[trait] + rng.normal(0.0, residual_sd)
        yield {
            "kind": "phenotype",
            "herdbook": HERDBOOK,
            "registry_id": animal,
            "trait": trait,
            "value": f"{phenotype:.1f}",
            "group": group,
            "date": tested.isoformat(),
        }
