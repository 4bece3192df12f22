"""Tagged animals: the registered breeding stock of every farm and the native breed's pedigree.

Ear tags are 1 (pig) + the county of the farm where the animal was born + an 8-digit serial;
serials are given out in order, so every tag of the demo is unique. The conservation farm's
herd carries four generations of pedigree (closed herd: each boar leaves a son, each sow a
daughter, boar lines rotate over the sows). Other farms' breeding animals are registered up
to a cap per farm, with the farm's breeds; bought-in stock was born at the farm's supplier.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from pigdata.synth.district import District
from pigdata.synth.farms import CONS, CONSERVATION, FIN, NATIVE, PUREBRED, IntArray

BREEDS = ("荣昌猪", "长白", "大白", "杜洛克", "长大二元", "杜长大", "荣昌猪杂交", "杂交")
RONGCHANG, LANDRACE, YORKSHIRE, DUROC, LY, DLY, NATIVE_CROSS, CROSS = range(8)
SEXES = ("male", "female", "castrated")
MALE, FEMALE, CASTRATED = range(3)
REGISTERED_SOWS_CAP = 30  # breeding sows with individual records kept per farm
REGISTERED_BOARS_CAP = 5
GENERATIONS = 4
GENERATION_DAYS = 730


def ear_tag(county: str, serial: int) -> str:
    """Give the 15-digit ear tag of a pig tagged in a county."""
    return f"1{county}{serial:08d}"


def offspring_breed(sire: int, dam: int) -> int:
    """Give the breed of a cross of two breeds."""
    pair = {sire, dam}
    if sire == dam:
        return sire
    if pair == {DUROC, LY}:
        return DLY
    if pair == {LANDRACE, YORKSHIRE}:
        return LY
    return NATIVE_CROSS if RONGCHANG in pair else CROSS


@dataclass
class Registry:
    """Every registered breeding animal by serial (serial = index + 1), and each farm's range."""

    breed: IntArray
    sex: IntArray
    birth: IntArray  # date ordinals
    birth_site: IntArray
    sire: IntArray  # serial, 0 when unknown
    dam: IntArray
    sow_start: IntArray  # first serial of each farm's registered sows (0 when none)
    sow_count: IntArray
    boar_start: IntArray
    boar_count: IntArray

    @property
    def size(self) -> int:
        """Give the number of registered animals."""
        return len(self.breed)


class _Builder:
    def __init__(self) -> None:
        self.columns: dict[str, list[int]] = {
            k: [] for k in ("breed", "sex", "birth", "birth_site", "sire", "dam")
        }

    @property
    def next_serial(self) -> int:
        return len(self.columns["breed"]) + 1

    def add(self, rows: dict[str, npt.ArrayLike]) -> int:
        first = self.next_serial
        for name, values in rows.items():
            self.columns[name].extend(np.asarray(values, dtype=np.int64).tolist())
        return first


def _pedigree(
    rng: np.random.Generator, builder: _Builder, sows: int, boars: int, start: int
) -> tuple[int, int]:
    """Add the conservation herd's generations; give the first serials of the living boars, sows."""
    prev_boars = prev_sows = 0
    for g in range(GENERATIONS):
        base = start - (GENERATIONS - 1 - g) * GENERATION_DAYS
        b, s = np.arange(boars), np.arange(sows)
        known = g > 0
        rows_b = {
            "sire": prev_boars + b if known else np.zeros(boars),
            "dam": prev_sows + (b * 7 + g) % sows if known else np.zeros(boars),
        }
        rows_s = {
            "sire": prev_boars + (s + g) % boars if known else np.zeros(sows),
            "dam": prev_sows + s if known else np.zeros(sows),
        }
        prev_boars = builder.add(
            {
                "breed": np.full(boars, RONGCHANG),
                "sex": np.full(boars, MALE),
                "birth": base - rng.integers(500, 800, boars),
                "birth_site": np.zeros(boars),
                **rows_b,
            }
        )
        prev_sows = builder.add(
            {
                "breed": np.full(sows, RONGCHANG),
                "sex": np.full(sows, FEMALE),
                "birth": base - rng.integers(500, 800, sows),
                "birth_site": np.zeros(sows),
                **rows_s,
            }
        )
    return prev_boars, prev_sows


def _farm_breeds(
    rng: np.random.Generator, profile: int, sows: int, boars: int
) -> tuple[IntArray, IntArray]:
    if profile == NATIVE:
        return (
            np.full(sows, RONGCHANG),
            np.where(rng.random(boars) < 0.7, RONGCHANG, DUROC).astype(np.int64),
        )
    if profile == PUREBRED:
        return (
            rng.choice([LANDRACE, YORKSHIRE], sows),
            rng.choice([DUROC, LANDRACE, YORKSHIRE], boars),
        )
    return np.full(sows, LY), np.full(boars, DUROC)


def _farm_stock(
    rng: np.random.Generator, district: District, builder: _Builder, farm: int, start: int
) -> tuple[int, int, int, int]:
    farms = district.farms
    sows = min(REGISTERED_SOWS_CAP, round(float(farms.cap_sows[farm] * farms.util[farm])))
    boars = min(REGISTERED_BOARS_CAP, int(farms.boars[farm]))
    sow_breed, boar_breed = _farm_breeds(rng, int(farms.profile[farm]), sows, boars)
    born_at = int(farms.supplier[farm]) if farms.buys_breeding[farm] else farm
    zeros = np.zeros(sows + boars)
    first = builder.add(
        {
            "breed": np.concatenate([sow_breed, boar_breed]),
            "sex": np.concatenate([np.full(sows, FEMALE), np.full(boars, MALE)]),
            "birth": start - rng.integers(520, 1500, sows + boars),
            "birth_site": np.full(sows + boars, born_at),
            "sire": zeros,
            "dam": zeros,
        }
    )
    return first, sows, first + sows, boars


def build_registry(rng: np.random.Generator, district: District, start: date) -> Registry:
    """Give the registered breeding animals of every farm, the conservation herd first."""
    farms, builder, day0 = district.farms, _Builder(), start.toordinal()
    n = len(farms.kind)
    ranges = np.zeros((4, n), dtype=np.int64)
    cons = int(np.flatnonzero(farms.profile == CONSERVATION)[0])
    boar0, sow0 = _pedigree(rng, builder, int(farms.cap_sows[cons]), int(farms.boars[cons]), day0)
    ranges[:, cons] = (sow0, farms.cap_sows[cons], boar0, farms.boars[cons])
    for farm in range(n):
        if farms.kind[farm] not in (FIN, CONS):
            ranges[:, farm] = _farm_stock(rng, district, builder, farm, day0)
    cols = {k: np.array(v, dtype=np.int64) for k, v in builder.columns.items()}
    return Registry(
        **cols, sow_start=ranges[0], sow_count=ranges[1], boar_start=ranges[2], boar_count=ranges[3]
    )


def _animal(
    tag: str, breed: int, sex: int, birth: int, premises: str, sire: str | None, dam: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "animal",
        "ear_tag": tag,
        "species": "pig",
        "breed": BREEDS[breed],
        "sex": SEXES[sex],
        "birth_date": date.fromordinal(birth).isoformat(),
        "birth_premises": premises,
    }
    if sire is not None:
        body["sire"] = sire
    if dam is not None:
        body["dam"] = dam
    return body


def registry_records(district: District, registry: Registry) -> Iterator[dict[str, Any]]:
    """Give the animal record of every registered breeding animal, parents before offspring."""
    codes = [site.code for site in district.sites]

    def tag(serial: int) -> str | None:
        return (
            None
            if serial <= 0
            else ear_tag(codes[int(registry.birth_site[serial - 1])][:6], serial)
        )

    columns = zip(
        registry.breed.tolist(),
        registry.sex.tolist(),
        registry.birth.tolist(),
        registry.birth_site.tolist(),
        registry.sire.tolist(),
        registry.dam.tolist(),
        strict=True,
    )
    for i, (breed, sex, birth, site, sire, dam) in enumerate(columns):
        yield _animal(
            ear_tag(codes[site][:6], i + 1), breed, sex, birth, codes[site], tag(sire), tag(dam)
        )
