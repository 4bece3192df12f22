"""Monthly herd simulation of every farm at once: sows, gilts, boars and monthly cohorts.

Biology (DOMAIN.md): 114-day gestation, so a month's farrowings come from the matings of 3–4
months before at the farm's farrowing rate (~85 %); about 2.2 litters per sow per year, about
11 born alive per litter, about 12 % pre-weaning mortality; growing pigs are kept in monthly
cohorts and sold for slaughter at 5–6 months (about 170 days on average). Every flow is
counted, so each farm's inventory closes exactly:

    total at end = total at start + born alive + moved in − deaths − sold for slaughter − moved out

where total = breeding sows + replacement gilts + boars + piglets + finishers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pigdata.domain.records import HERD_COUNTS
from pigdata.synth.farms import CONS, FIN, SOW, BoolArray, Farms, IntArray

COHORTS = 6  # cohort c holds the pigs born c months before the end of the month
PIGLET_COHORTS = 2  # cohorts 0 and 1 (up to about 60 days) are piglets; the rest finishers
SELL_EARLY = 0.4  # share of a cohort sold in its 6th month; the rest in its 7th
# Monthly death rates after weaning, by cohort (nursery higher than finishing): about 5 % in all.
POST_WEANING_DEATHS = np.array([0.0, 0.015, 0.012, 0.008, 0.007, 0.006])
# Live-weight gain of a pig in a month by cohort (kg), about 110 kg from birth to sale.
MONTHLY_GAIN = np.array([3.0, 9.0, 16.0, 24.0, 28.0, 26.0])
SOW_DEATHS, SOW_CULLS, GILT_DEATHS, BOAR_CULLS = 0.004, 0.033, 0.003, 0.025
GILT_SHARE = 0.15  # replacement gilts kept per sow of the target herd
PIGLETS_OUT_OF_COUNTY = 0.2
AVERAGE_MONTH = 365.25 / 12
BURN_IN_MONTHS = 9

REPORT_FIELDS = HERD_COUNTS


def sow_drift(x: float) -> float:
    """Give the sow herd's share of its normal size at a point x (0–1) of the demo.

    A slow decline to about 90 % mid-way and a recovery, so that capacity statistics move
    from green into the yellow band and back.
    """
    return 1.0 - 0.105 * float(np.sin(np.pi * min(max(x, 0.0), 1.0)))


@dataclass
class HerdState:
    """Every farm's herd at the end of a month."""

    sows: IntArray
    gilts: IntArray
    boars: IntArray
    cohorts: IntArray  # (farms, COHORTS)
    matings: IntArray  # (farms, 4): matings 1, 2, 3 and 4 months ago

    def total(self) -> IntArray:
        """Give every farm's total head."""
        total: IntArray = self.sows + self.gilts + self.boars + self.cohorts.sum(axis=1)
        return total


@dataclass
class MonthFlows:
    """One month of every farm: the herd report's numbers and the moves between farms."""

    report: dict[str, IntArray]
    feed_kg: IntArray
    piglet_moves: list[tuple[int, int, int]]  # (sow farm, destination site, head)
    breeding_moves: list[tuple[int, int, int]]  # (supplier farm, buyer farm, head)


@dataclass
class Needs:
    """What traced animals require of a month: sales per farm, piglets per sow farm's client."""

    sold: IntArray
    piglets: IntArray  # indexed by the sow farm; delivered to its first client


def _targets(farms: Farms, drift: float) -> tuple[IntArray, IntArray]:
    level = np.where(farms.kind == CONS, 1.0, drift)
    sows = np.where(farms.kind == FIN, 0, np.round(farms.cap_sows * farms.util * level))
    return sows.astype(np.int64), np.round(GILT_SHARE * sows).astype(np.int64)


def initial_state(farms: Farms, drift: float) -> HerdState:
    """Give the herds before the burn-in: breeding stock in place, no growing pigs yet."""
    sows, gilts = _targets(farms, drift)
    per_month = sows * farms.litters / 12.0 / farms.farrowing_rate
    matings = np.repeat(np.round(per_month).astype(np.int64)[:, None], 4, axis=1)
    return HerdState(
        sows, gilts, farms.boars.copy(), np.zeros((len(sows), COHORTS), dtype=np.int64), matings
    )


def _breed(
    rng: np.random.Generator, farms: Farms, state: HerdState, days: int
) -> dict[str, IntArray]:
    due = np.round(0.75 * state.matings[:, 3] + 0.25 * state.matings[:, 2]).astype(np.int64)
    farrowings = rng.binomial(due, farms.farrowing_rate)
    born = rng.poisson(farrowings * farms.born_alive)
    weaned = rng.binomial(born, 1.0 - farms.preweaning)
    noise = rng.lognormal(0.0, 0.06, len(born))
    matings = np.round(state.sows * farms.litters * days / 365.0 / farms.farrowing_rate * noise)
    state.matings = np.column_stack([matings.astype(np.int64), state.matings[:, :3]])
    return {"farrowings": farrowings, "born_alive": born, "weaned": weaned, "deaths": born - weaned}


def _age(
    rng: np.random.Generator, state: HerdState, weaned: IntArray, scale: float
) -> tuple[IntArray, IntArray, IntArray]:
    old = state.cohorts
    cohorts = np.zeros_like(old)
    cohorts[:, 1:] = old[:, :-1]
    cohorts[:, 0] = weaned
    leaving = old[:, -1]
    leaving_dead = rng.binomial(leaving, POST_WEANING_DEATHS[-1] * scale)
    return cohorts, leaving - leaving_dead, leaving_dead


def _split_piglets(
    farms: Farms, out: int, sow: int, clients: list[int], need: int
) -> list[tuple[int, int]]:
    external = int(farms.piglet_external[sow])
    ext = (
        round(PIGLETS_OUT_OF_COUNTY * out)
        if external >= 0 and clients
        else (out if external >= 0 else 0)
    )
    local = out - ext
    shares = [local // len(clients)] * len(clients) if clients else []
    if shares:
        shares[0] += local - sum(shares)
        lift = min(max(0, need - shares[0]), ext)  # traced piglets go to the first client
        shares[0], ext = shares[0] + lift, ext - lift
    moves = [(c, s) for c, s in zip(clients, shares, strict=True) if s > 0]
    return moves + ([(external, ext)] if ext > 0 else [])


def _move_piglets(
    farms: Farms, cohorts: IntArray, clients: dict[int, list[int]], need: IntArray
) -> tuple[IntArray, IntArray, list[tuple[int, int, int]]]:
    moved_in = np.zeros(len(farms.kind), dtype=np.int64)
    moved_out = np.zeros(len(farms.kind), dtype=np.int64)
    moves: list[tuple[int, int, int]] = []
    for sow in np.flatnonzero(farms.kind == SOW).tolist():
        out = int(cohorts[sow, 2])
        split = _split_piglets(farms, out, sow, clients.get(sow, []), int(need[sow]))
        for dest, head in split:
            moves.append((sow, dest, head))
            moved_out[sow] += head
            if dest < len(farms.kind):
                cohorts[dest, 2] += head
                moved_in[dest] += head
        cohorts[sow, 2] -= int(moved_out[sow])
    return moved_in, moved_out, moves


def _purchases(
    farms: Farms, cohorts: IntArray, need: IntArray, trigger: BoolArray
) -> tuple[IntArray, IntArray, list[tuple[int, int, int]]]:
    # Buyers buy in batches: when enough gilts are missing, or a boar must be replaced.
    wanted = np.where(farms.buys_breeding & trigger, need, 0)
    supplier = np.maximum(farms.supplier, 0)
    demand = np.bincount(supplier, weights=wanted, minlength=len(wanted))
    available = np.floor(0.35 * cohorts[:, 5])
    ratio = np.where(demand > 0, np.minimum(1.0, available / np.maximum(demand, 1.0)), 0.0)
    bought = np.floor(wanted * ratio[supplier]).astype(np.int64)
    sold = np.bincount(supplier, weights=bought, minlength=len(wanted)).astype(np.int64)
    cohorts[:, 5] -= sold
    buyers = np.flatnonzero(bought > 0)
    moves = list(
        zip(supplier[buyers].tolist(), buyers.tolist(), bought[buyers].tolist(), strict=True)
    )
    return bought, sold, moves


@dataclass
class _Breeding:
    sow_deaths: IntArray
    gilt_deaths: IntArray
    culls: IntArray
    boar_culls: IntArray


def _renew_breeding_stock(
    rng: np.random.Generator,
    farms: Farms,
    state: HerdState,
    target: IntArray,
    gilt_target: IntArray,
    scale: float,
) -> _Breeding:
    sows = state.sows
    sow_deaths = rng.binomial(sows, SOW_DEATHS * scale)
    culls = rng.binomial(sows - sow_deaths, SOW_CULLS * scale)
    mid = sows - sow_deaths - culls
    extra = np.minimum(np.maximum(0, mid - target), np.ceil(0.03 * sows).astype(np.int64))
    culls, mid = culls + extra, mid - extra
    entries = np.minimum(np.maximum(0, target - mid), state.gilts)
    state.sows = mid + entries
    gilts = state.gilts - entries
    gilt_deaths = rng.binomial(gilts, GILT_DEATHS * scale)
    state.gilts = gilts - gilt_deaths
    boar_culls = rng.binomial(state.boars, BOAR_CULLS * scale)
    state.boars = state.boars - boar_culls
    return _Breeding(sow_deaths, gilt_deaths, culls, boar_culls)


def _select_own(
    farms: Farms, state: HerdState, cohorts: IntArray, gilt_need: IntArray, boar_need: IntArray
) -> None:
    # Farms that breed their own replacements pick them from the oldest finishers.
    own = ~farms.buys_breeding
    pool = np.where(own, np.floor(0.3 * cohorts[:, 5]), 0).astype(np.int64)
    boars = np.minimum(boar_need, pool)
    gilts = np.minimum(gilt_need, pool - boars)
    cohorts[:, 5] -= np.where(own, boars + gilts, 0)
    state.boars += np.where(own, boars, 0)
    state.gilts += np.where(own, gilts, 0)


def _sell(cohorts: IntArray, leaving: IntArray, need: IntArray) -> IntArray:
    early = np.round(SELL_EARLY * cohorts[:, 5]).astype(np.int64)
    cohorts[:, 5] -= early
    sold = leaving + early
    for c in (5, 4):  # traced pigs due this month must be among the sold
        extra = np.minimum(np.maximum(0, need - sold), cohorts[:, c])
        cohorts[:, c] -= extra
        sold = sold + extra
    return sold


def _clients(farms: Farms) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for fin in np.flatnonzero(farms.piglet_source >= 0).tolist():
        found.setdefault(int(farms.piglet_source[fin]), []).append(fin)
    return found


def _report(state: HerdState, flows: dict[str, IntArray]) -> dict[str, IntArray]:
    report = {
        "breeding_sows": state.sows.copy(),
        "replacement_gilts": state.gilts.copy(),
        "boars": state.boars.copy(),
        "piglets": state.cohorts[:, :PIGLET_COHORTS].sum(axis=1),
        "finishers": state.cohorts[:, PIGLET_COHORTS:].sum(axis=1),
        "matings": state.matings[:, 0].copy(),
    }
    report.update(flows)
    return {name: report[name] for name in REPORT_FIELDS}


def _check_balance(start: IntArray, state: HerdState, report: dict[str, IntArray]) -> None:
    expected = (
        start
        + report["born_alive"]
        + report["moved_in"]
        - report["deaths"]
        - report["sold_for_slaughter"]
        - report["moved_out"]
    )
    if not np.array_equal(expected, state.total()) or (state.cohorts < 0).any():
        raise RuntimeError("herd simulation lost count of its pigs")


class HerdSimulator:
    """Steps every farm's herd a month at a time, after a burn-in to a steady state."""

    def __init__(self, farms: Farms, rng: np.random.Generator, drift: float) -> None:
        self.farms = farms
        self.rng = rng
        self.clients = _clients(farms)
        self.state = initial_state(farms, drift)
        for _ in range(BURN_IN_MONTHS):
            self.step(30, drift, None)

    def primary_client(self, sow_farm: int) -> int:
        """Give the finishing farm that receives a sow farm's traced piglets, or -1."""
        return self.clients.get(sow_farm, [-1])[0]

    def step(self, days: int, drift: float, needs: Needs | None) -> MonthFlows:
        """Give one month's flows of every farm, the herd moving toward its drifted size."""
        farms, state, rng, n = self.farms, self.state, self.rng, len(self.farms.kind)
        scale, start = days / AVERAGE_MONTH, state.total()
        none = np.zeros(n, dtype=np.int64)
        needs = needs or Needs(none, none)
        flows = _breed(rng, farms, state, days)
        cohorts, leaving, leaving_dead = _age(rng, state, flows["weaned"], scale)
        pig_in, pig_out, piglet_moves = _move_piglets(farms, cohorts, self.clients, needs.piglets)
        dead = rng.binomial(cohorts, POST_WEANING_DEATHS * scale)
        cohorts -= dead
        target, gilt_target = _targets(farms, drift)
        renewed = _renew_breeding_stock(rng, farms, state, target, gilt_target, scale)
        gilt_need = np.maximum(0, gilt_target - state.gilts)
        boar_need = np.maximum(0, farms.boars - state.boars)
        trigger = (gilt_need >= np.maximum(2, np.round(0.08 * target))) | (boar_need > 0)
        bought, sold_stock, breeding_moves = _purchases(
            farms, cohorts, gilt_need + boar_need, trigger
        )
        new_boars = np.minimum(boar_need, bought)
        state.boars += new_boars
        state.gilts += bought - new_boars
        _select_own(farms, state, cohorts, gilt_need, boar_need)
        sold = _sell(cohorts, leaving, needs.sold)
        state.cohorts = cohorts
        flows["deaths"] = (
            flows["deaths"]
            + dead.sum(axis=1)
            + leaving_dead
            + renewed.sow_deaths
            + renewed.gilt_deaths
        )
        flows["sold_for_slaughter"] = sold + renewed.culls + renewed.boar_culls
        flows["moved_in"] = pig_in + bought
        flows["moved_out"] = pig_out + sold_stock
        report = _report(state, flows)
        _check_balance(start, state, report)
        gain = (cohorts * MONTHLY_GAIN).sum(axis=1) * scale + 13.0 * sold
        feed = np.round(farms.fcr * gain).astype(np.int64)
        return MonthFlows(report, feed, piglet_moves, breeding_moves)
