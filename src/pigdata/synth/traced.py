"""Market pigs traced one by one from birth to slaughter: who they are and where they go.

Each traced pig is planned before any month is simulated (its animal record comes first):
its birth farm, parents, birth date, the day it leaves for slaughter (about 170 days later)
and its route — straight to a slaughterhouse of the district, through a live-hog market, or
first as a piglet from a sow farm to a finishing farm. The months then carry these pigs in
their movements and slaughter records; the herd simulation makes room for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from pigdata.synth.animals import (
    BREEDS,
    CASTRATED,
    FEMALE,
    SEXES,
    Registry,
    ear_tag,
    offspring_breed,
)
from pigdata.synth.district import District
from pigdata.synth.farms import CONS, FTF, SOW, IntArray
from pigdata.synth.spec import Month

TRACED_PER_SCALE = 3000
DIRECT, MARKET, VIA_FARM = 0, 1, 2  # routes
ROUTE_SHARES = (0.55, 0.30, 0.15)
SIRE_KNOWN = 0.85


@dataclass
class TracedPlan:
    """The traced pigs, one entry per pig in ear-tag order."""

    serial: IntArray
    birth_farm: IntArray
    ship_farm: IntArray  # where it leaves from for slaughter
    birth: IntArray  # date ordinals
    ship: IntArray
    ship_month: IntArray
    route: IntArray  # DIRECT or MARKET from the ship farm; VIA_FARM pigs then go DIRECT
    piglet_month: IntArray  # month of the piglet move to the finishing farm, -1 if none
    sex: IntArray
    breed: IntArray
    sire: IntArray  # serial, 0 when not recorded
    dam: IntArray

    def shipping(self, month: int) -> IntArray:
        """Give the pigs that leave for slaughter in a month, by index."""
        return np.flatnonzero(self.ship_month == month)

    def as_piglets(self, month: int) -> IntArray:
        """Give the pigs moved as piglets to a finishing farm in a month, by index."""
        return np.flatnonzero(self.piglet_month == month)


def _month_of(days: IntArray, months: list[Month]) -> IntArray:
    firsts = np.array([m.first.toordinal() for m in months])
    index = np.searchsorted(firsts, days, side="right") - 1
    # Days before the demo fall in months counted back from its first (about 30.4 days each).
    before = np.floor((days - firsts[0]) / 30.44).astype(np.int64)
    return np.where(days < firsts[0], before, index).astype(np.int64)


def _ship_days(
    rng: np.random.Generator, n: int, months: list[Month], last_day: date
) -> tuple[IntArray, IntArray]:
    month = rng.integers(len(months), size=n)
    firsts = np.array([m.first.toordinal() for m in months])
    lasts = np.array([min(m.last, last_day).toordinal() for m in months])
    day = firsts[month] + np.floor(rng.random(n) * (lasts[month] - firsts[month] + 1))
    return month.astype(np.int64), day.astype(np.int64)


def _choose(rng: np.random.Generator, candidates: IntArray, weights: IntArray, n: int) -> IntArray:
    p = weights[candidates].astype(np.float64)
    return candidates[rng.choice(len(candidates), size=n, p=p / p.sum())].astype(np.int64)


def _routes(
    rng: np.random.Generator, n: int, birth_month: IntArray, sow_farms: IntArray
) -> IntArray:
    route = rng.choice(3, size=n, p=ROUTE_SHARES).astype(np.int64)
    # A piglet move before the demo began would leave the trace with a gap: go direct instead.
    ok = (birth_month + 2 >= 0) & (len(sow_farms) > 0)
    return np.where((route == VIA_FARM) & ~ok, DIRECT, route)


def _farms_for(
    rng: np.random.Generator,
    district: District,
    registry: Registry,
    route: IntArray,
    primary: dict[int, int],
) -> tuple[IntArray, IntArray]:
    farms = district.farms
    breeders = np.flatnonzero(
        ((farms.kind == FTF) | (farms.kind == CONS))
        & (farms.cap_sows >= 30)
        & (registry.sow_count > 0)
    )
    if len(breeders) == 0:
        breeders = np.flatnonzero(
            ((farms.kind == FTF) | (farms.kind == CONS)) & (registry.sow_count > 0)
        )
    birth = _choose(rng, breeders, farms.cap_sows, len(route))
    via = np.flatnonzero(route == VIA_FARM)
    ship = birth.copy()
    if len(via):
        sow_farms = np.array(sorted(s for s in primary if farms.kind[s] == SOW), dtype=np.int64)
        birth[via] = _choose(rng, sow_farms, farms.cap_sows, len(via))
        ship[via] = np.array([primary[int(s)] for s in birth[via]], dtype=np.int64)
    return birth, ship


def _parents(
    rng: np.random.Generator, registry: Registry, farm: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    n = len(farm)
    dam = registry.sow_start[farm] + np.floor(rng.random(n) * registry.sow_count[farm])
    sire = registry.boar_start[farm] + np.floor(rng.random(n) * registry.boar_count[farm])
    dam, sire = dam.astype(np.int64), sire.astype(np.int64)
    breed = np.array(
        [
            offspring_breed(int(registry.breed[s - 1]), int(registry.breed[d - 1]))
            for s, d in zip(sire.tolist(), dam.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    sire = np.where(rng.random(n) < SIRE_KNOWN, sire, 0)
    return sire, dam, breed


def plan_traced(
    rng: np.random.Generator,
    district: District,
    registry: Registry,
    months: list[Month],
    last_day: date,
    scale: float,
    primary: dict[int, int],
) -> TracedPlan:
    """Give the traced pigs of the demo, their tags following the registry's serials."""
    n = max(1, round(TRACED_PER_SCALE * scale))
    ship_month, ship = _ship_days(rng, n, months, last_day)
    age = np.clip(np.round(rng.normal(170.0, 7.0, n)), 155, 190).astype(np.int64)
    birth = ship - age
    birth_month = _month_of(birth, months)
    route = _routes(rng, n, birth_month, np.array(sorted(primary), dtype=np.int64))
    birth_farm, ship_farm = _farms_for(rng, district, registry, route, primary)
    sire, dam, breed = _parents(rng, registry, birth_farm)
    order = np.lexsort((birth, ship_month))  # tags in order of shipping, then birth
    sex = np.where(rng.random(n) < 0.5, CASTRATED, FEMALE).astype(np.int64)
    piglet_month = np.where(route == VIA_FARM, birth_month + 2, -1)
    plan = TracedPlan(
        serial=np.arange(n, dtype=np.int64) + registry.size + 1,
        birth_farm=birth_farm[order],
        ship_farm=ship_farm[order],
        birth=birth[order],
        ship=ship[order],
        ship_month=ship_month[order],
        route=route[order],
        piglet_month=piglet_month[order],
        sex=sex[order],
        breed=breed[order],
        sire=sire[order],
        dam=dam[order],
    )
    return plan


def traced_records(
    district: District, registry: Registry, plan: TracedPlan
) -> Iterator[dict[str, Any]]:
    """Give the animal record of every traced pig."""
    codes = [site.code for site in district.sites]

    def tag(serial: int) -> str:
        return ear_tag(codes[int(registry.birth_site[serial - 1])][:6], serial)

    rows = zip(
        plan.serial.tolist(),
        plan.birth_farm.tolist(),
        plan.birth.tolist(),
        plan.sex.tolist(),
        plan.breed.tolist(),
        plan.sire.tolist(),
        plan.dam.tolist(),
        strict=True,
    )
    for serial, farm, birth, sex, breed, sire, dam in rows:
        body: dict[str, Any] = {
            "kind": "animal",
            "ear_tag": ear_tag(codes[farm][:6], serial),
            "species": "pig",
            "breed": BREEDS[breed],
            "sex": SEXES[sex],
            "birth_date": date.fromordinal(birth).isoformat(),
            "birth_premises": codes[farm],
        }
        if sire:
            body["sire"] = tag(sire)
        body["dam"] = tag(dam)
        yield body


def traced_tag(district: District, plan: TracedPlan, index: int) -> str:
    """Give the ear tag of traced pig `index`."""
    return ear_tag(district.sites[int(plan.birth_farm[index])].code[:6], int(plan.serial[index]))
