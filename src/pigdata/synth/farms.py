"""The farms of the demo as arrays: kind, size, breed profile, suppliers and biology.

Farm 0 is the conservation farm of the native breed; the others are shuffled so that kinds
and sizes are spread over the registration codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pigdata.synth.spec import DemoSpec

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Farm kinds
FTF = 0  # farrow-to-finish (自繁自养)
SOW = 1  # sow farm selling piglets (仔猪繁育场)
FIN = 2  # finishing farm buying piglets (育肥场)
CONS = 3  # conservation farm of the native breed (保种场)

# Breed profiles of a farm's breeding herd
COMMERCIAL = 0  # 长大二元 sows, 杜洛克 boars → 杜长大 market pigs
NATIVE = 1  # 荣昌猪 sows, 荣昌猪 or 杜洛克 boars
PUREBRED = 2  # 长白 / 大白 sows, 杜洛克 / 长白 / 大白 boars (breeding-stock company)
CONSERVATION = 3  # pure 荣昌猪 with a pedigree

CONSERVATION_SOWS = 156  # the Rongchang pig nucleus (DOMAIN.md): about 156 sows, 32 boars
CONSERVATION_BOARS = 32


@dataclass
class Farms:
    """Per-farm parameters, index i = farm i = site i of the district."""

    kind: IntArray
    cap_sows: IntArray
    cap_fin: IntArray
    util: FloatArray
    boars: IntArray
    profile: IntArray
    supplier_role: BoolArray
    buys_breeding: BoolArray
    supplier: IntArray
    piglet_source: IntArray
    piglet_external: IntArray
    litters: FloatArray
    born_alive: FloatArray
    preweaning: FloatArray
    farrowing_rate: FloatArray
    fcr: FloatArray


def _log_uniform(rng: np.random.Generator, low: float, high: float, size: int) -> IntArray:
    return np.round(np.exp(rng.uniform(np.log(low), np.log(high), size))).astype(np.int64)


def _kinds_and_sizes(rng: np.random.Generator, n: int) -> tuple[IntArray, IntArray]:
    n_large, n_sow = max(1, round(0.04 * n)), max(1, round(0.06 * n))
    n_fin, n_medium = max(1, round(0.10 * n)), max(1, round(0.25 * n))
    n_small = max(0, n - n_large - n_sow - n_fin - n_medium)
    small = 10 + np.floor(41 * rng.beta(1.4, 2.6, n_small)).astype(np.int64)
    sizes = np.concatenate(
        [
            small,
            _log_uniform(rng, 60, 450, n_medium),
            _log_uniform(rng, 500, 3000, n_large),
            _log_uniform(rng, 150, 1200, n_sow),
            np.zeros(n_fin, dtype=np.int64),
        ]
    )
    kinds = np.concatenate(
        [np.full(n_small + n_medium + n_large, FTF), np.full(n_sow, SOW), np.full(n_fin, FIN)]
    ).astype(np.int64)
    order = rng.permutation(len(sizes))
    return kinds[order], sizes[order]


def _boars(cap: IntArray, kind: IntArray) -> IntArray:
    # Small farms keep their own boars; large ones use AI and need few.
    per = np.where(
        cap < 60,
        np.maximum(1, np.round(cap / 20)),
        np.where(cap < 500, np.maximum(2, np.round(cap / 30)), np.maximum(4, np.round(cap / 80))),
    )
    return np.where(kind == FIN, 0, per).astype(np.int64)


def _profiles(
    rng: np.random.Generator, kind: IntArray, cap: IntArray
) -> tuple[IntArray, BoolArray]:
    n = len(kind)
    profile = np.full(n, COMMERCIAL, dtype=np.int64)
    native_p = np.where(cap < 60, 0.25, 0.10)
    profile[(kind == FTF) & (rng.random(n) < native_p) & (cap < 500)] = NATIVE
    large = np.flatnonzero((kind == FTF) & (cap >= 500))
    suppliers = large[: max(1, len(large) // 2)]
    profile[suppliers] = PUREBRED
    role = np.zeros(n, dtype=np.bool_)
    role[suppliers] = True
    return profile, role


def _buyers(
    rng: np.random.Generator, kind: IntArray, cap: IntArray, profile: IntArray, role: BoolArray
) -> tuple[BoolArray, IntArray]:
    n = len(kind)
    p = np.where(cap < 60, 0.5, np.where(cap < 500, 0.2, 0.0))
    buys = ((kind == FTF) & ~role & (rng.random(n) < p)) | (kind == SOW)
    purebred = np.flatnonzero(role)
    supplier = np.where(profile == NATIVE, 0, purebred[rng.integers(len(purebred), size=n)])
    return buys, np.where(buys, supplier, -1).astype(np.int64)


def _piglet_links(kind: IntArray, cap: IntArray, util: FloatArray) -> tuple[IntArray, IntArray]:
    sow, fin = np.flatnonzero(kind == SOW), np.flatnonzero(kind == FIN)
    source = np.full(len(kind), -1, dtype=np.int64)
    source[fin] = sow[np.arange(len(fin)) % len(sow)]
    clients = np.bincount(source[fin], minlength=len(kind))
    # A finishing farm takes its share of 80 % of its sow farm's piglets for about 4 months.
    made = cap * util * 2.2 * 10.0 / 12.0
    share = 0.8 * made[source[fin]] / np.maximum(clients[source[fin]], 1)
    cap_fin = np.zeros(len(kind), dtype=np.int64)
    cap_fin[fin] = np.round(share * 4.2 * 1.15).astype(np.int64)
    return source, cap_fin


def _biology(rng: np.random.Generator, n: int, profile: IntArray) -> dict[str, FloatArray]:
    native = (profile == NATIVE) | (profile == CONSERVATION)
    return {
        "litters": np.clip(rng.normal(2.2, 0.07, n), 2.0, 2.4),
        "born_alive": np.clip(rng.normal(11.0, 0.45, n) - 0.5 * native, 9.6, 12.4),
        "preweaning": np.clip(rng.normal(0.12, 0.018, n), 0.07, 0.18),
        "farrowing_rate": np.clip(rng.normal(0.85, 0.025, n), 0.78, 0.92),
        "fcr": np.clip(rng.normal(2.7, 0.08, n), 2.45, 2.95),
    }


def plan_farms(rng: np.random.Generator, spec: DemoSpec) -> Farms:
    """Give the farms' parameters; farm 0 is the conservation farm."""
    n = max(8, round(300 * spec.scale))
    kind, cap = _kinds_and_sizes(rng, n)
    cons_sows = max(12, round(CONSERVATION_SOWS * min(1.0, spec.scale)))
    kind = np.concatenate([[CONS], kind]).astype(np.int64)
    cap = np.concatenate([[cons_sows], cap]).astype(np.int64)
    util = np.where(kind == CONS, 1.0, rng.uniform(0.78, 0.95, len(kind)))
    profile, role = _profiles(rng, kind, cap)
    profile[0], role[0] = CONSERVATION, True
    buys, supplier = _buyers(rng, kind, cap, profile, role)
    source, fin_cap = _piglet_links(kind, cap, util)
    cap_fin = np.where(
        kind == FIN,
        fin_cap,
        np.where(kind == SOW, 0, np.round(cap * rng.uniform(9.0, 11.0, len(kind)))),
    ).astype(np.int64)
    boars = _boars(cap, kind)
    boars[0] = max(4, round(CONSERVATION_BOARS * min(1.0, spec.scale)))
    return Farms(
        kind=kind,
        cap_sows=cap,
        cap_fin=cap_fin,
        util=util,
        boars=boars,
        profile=profile,
        supplier_role=role,
        buys_breeding=buys,
        supplier=supplier,
        piglet_source=source,
        piglet_external=np.full(len(kind), -1, dtype=np.int64),
        **_biology(rng, len(kind), profile),
    )
