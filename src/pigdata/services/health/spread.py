"""Outbreak spread estimate: from a suspected index premises, who is likely infected by now.

The model runs over the movements recorded between the index day and the end day and over
local spread between premises near each other (`spread_model`); the parameters are the rule
data of `pigdata.domain.spread_rules` in force on the index day. Only premises that some
chain of those movements and local contacts could reach from the index take part, so a
district's estimate simulates the few hundred herds at risk, not every registered one.

Like contact tracing, the estimate crosses administrative borders on purpose and is for
officials: an admin, or a government whose region covers the index premises.
"""

from __future__ import annotations

import io
import math
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata import csvout, errors
from pigdata.access.principal import Principal, Role
from pigdata.domain.health_rules import rule_on
from pigdata.domain.spread_rules import SPREAD_RULES, SpreadRule
from pigdata.services.health.spread_exact import exact_spread
from pigdata.services.health.spread_model import (
    FloatArray,
    IntArray,
    SpreadNetwork,
    SpreadTally,
    simulate,
)
from pigdata.services.health.tracing import UnknownPremises
from pigdata.services.health.zones import PremisesPoints, load_points
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t


class SpreadMethod(StrEnum):
    monte_carlo = "monte_carlo"  # seeded runs of the model, any network
    exact = "exact"  # the probabilities themselves, tree-like networks only


MAX_SPREAD_DAYS = 366  # a year from the index day: far beyond any undetected spread
MAX_RUNS = 100_000
DEFAULT_RUNS = 2_000


class SpreadWindow(errors.InvalidInput):
    """The end day lies before the index day or too far after it."""

    rule = "spread.window"

    def __init__(self, first: date, until: date) -> None:
        super().__init__(
            f"传播估计：结束日 until={until} 须在指数日 date={first} 之后 {MAX_SPREAD_DAYS} 天内",
            f"spread estimate: field until={until} must lie on or after the index date "
            f"date={first} and within {MAX_SPREAD_DAYS} days of it",
        )


class SpreadRuns(errors.InvalidInput):
    """The number of runs is outside what an estimate takes."""

    rule = "spread.runs"

    def __init__(self, runs: int) -> None:
        super().__init__(
            f"传播估计：运行次数 runs={runs} 须在 1 到 {MAX_RUNS} 之间",
            f"spread estimate: field runs={runs} must lie between 1 and {MAX_RUNS}",
        )


class NoSpreadRule(errors.InvalidInput):
    """No parameter set is in force on the index day."""

    rule = "spread.rule"

    def __init__(self, first: date) -> None:
        super().__init__(
            f"传播估计：指数日 date={first} 无有效的传播参数",
            f"spread estimate: no spread parameters are in force on field date={first}",
        )


class NotTreeLike(errors.InvalidInput):
    """The exact method was asked for a network where some herd has two possible sources."""

    rule = "spread.exact_tree"

    def __init__(self, index: str) -> None:
        super().__init__(
            f"传播估计：自 {index} 起的网络中有场所可从两个以上场所感染，method=exact 不适用，"
            "请用 monte_carlo",
            f"spread estimate: in the network from {index} some premises can be infected from "
            "two or more premises, so field method=exact does not apply; use monte_carlo",
        )


@dataclass(frozen=True, slots=True)
class SpreadPremises:
    """One premises the estimate found at risk."""

    rank: int
    premises: str
    name: str | None
    township: str | None
    probability: float  # share of runs in which it was infected by the end day (or exact)
    standard_error: float  # sqrt(p (1 - p) / runs); 0 for the exact method
    infected_runs: int | None  # None for the exact method
    mean_day: float  # mean infection day after the index day, over the runs that infect it
    expected_date: date  # the index day plus mean_day, rounded to the nearest day


@dataclass(frozen=True, slots=True)
class SpreadReport:
    """An estimate from one index premises over [first, until], premises ranked by risk."""

    index: str
    first: date
    until: date
    method: SpreadMethod
    runs: int
    seed: int
    rule: SpreadRule
    movements_used: int
    herds_considered: int
    premises: list[SpreadPremises]


def estimate_spread(
    conn: Connection,
    who: Principal,
    index: str,
    first: date,
    until: date,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    rule: SpreadRule | None = None,
    method: SpreadMethod = SpreadMethod.monte_carlo,
) -> SpreadReport:
    """Give, per premises, the probability of infection by `until` from `index` on `first`."""
    _require_official(conn, who, index)
    if not 1 <= runs <= MAX_RUNS:
        raise SpreadRuns(runs)
    if not first <= until <= first + timedelta(days=MAX_SPREAD_DAYS):
        raise SpreadWindow(first, until)
    rule = rule or rule_on(SPREAD_RULES, first)
    if rule is None:
        raise NoSpreadRule(first)
    codes, net = _network(conn, index, first, until, rule)
    if method is SpreadMethod.exact:
        exact = exact_spread(net, rule.latent_days)
        if exact is None:
            raise NotTreeLike(index)
        found = _Estimate(exact.probability, exact.mean_day, None, runs)
    else:
        found = _Estimate.of(simulate(net, runs, seed, rule.latent_days))
    return SpreadReport(
        index=index,
        first=first,
        until=until,
        method=method,
        runs=runs,
        seed=seed,
        rule=rule,
        movements_used=int(net.src.size),
        herds_considered=net.herds,
        premises=_ranked(conn, codes, net.index, found, first),
    )


def _require_official(conn: Connection, who: Principal, code: str) -> None:
    township = conn.execute(
        sa.select(t.premises.c.township).where(t.premises.c.code == code)
    ).scalar()
    if township is None:
        raise UnknownPremises(code)
    if who.role not in (Role.admin, Role.government) or not who.covers_premises(code, township):
        raise Forbidden(who, f"场所 {code} 的传播估计", f"the spread estimate of premises {code}")


@dataclass(frozen=True)
class WindowMovements:
    """The movements of an estimate's window: codes, days after the index day, heads."""

    origin: list[str]
    destination: list[str]
    day: IntArray  # days after the index day
    head: IntArray


def _load_movements(conn: Connection, first: date, until: date) -> WindowMovements:
    m = t.movements
    query = sa.select(m.c.origin, m.c.destination, m.c.issue_date, m.c.head_count).where(
        m.c.issue_date.between(first, until)
    )
    rows = conn.execute(query).all()
    start = first.toordinal()
    return WindowMovements(
        [r[0] for r in rows],
        [r[1] for r in rows],
        np.array([_ordinal(r[2]) - start for r in rows], dtype=np.int64),
        np.array([r[3] for r in rows], dtype=np.int64),
    )


def _ordinal(value: date | str) -> int:
    return (date.fromisoformat(value) if isinstance(value, str) else value).toordinal()


def _network(
    conn: Connection, index: str, first: date, until: date, rule: SpreadRule
) -> tuple[list[str], SpreadNetwork]:
    """Give the codes of the herds at risk and the network among them."""
    moves = _load_movements(conn, first, until)
    return network_at_risk(index, moves, load_points(conn), rule, (until - first).days + 1)


def network_at_risk(
    index: str, moves: WindowMovements, points: PremisesPoints, rule: SpreadRule, horizon: int
) -> tuple[list[str], SpreadNetwork]:
    """Give the codes of the herds some chain could reach from `index`, and the network
    among them over `horizon` days."""
    codes = np.unique(np.array([*points.codes.tolist(), *moves.origin, *moves.destination]))
    src = np.searchsorted(codes, np.array(moves.origin, dtype=codes.dtype)).astype(np.int64)
    dst = np.searchsorted(codes, np.array(moves.destination, dtype=codes.dtype)).astype(np.int64)
    point_of = np.full(codes.size, -1, dtype=np.int64)
    point_of[np.searchsorted(codes, points.codes)] = np.arange(points.codes.size)
    start = int(np.searchsorted(codes, index))
    if start >= codes.size or codes[start] != index:
        raise UnknownPremises(index)
    kept, pairs = _at_risk(start, src, dst, points, point_of, codes, rule)
    local_of = np.full(codes.size, -1, dtype=np.int64)
    local_of[kept] = np.arange(kept.size)
    inside = (local_of[src] >= 0) & (local_of[dst] >= 0)
    # rule.movement_probability, vectorised over the movements
    probability: FloatArray = 1.0 - np.power(
        1.0 - rule.per_head_probability, moves.head[inside].astype(np.float64)
    )
    a, b, km = pairs
    hazard = np.array([rule.daily_hazard(float(d)) for d in km], dtype=np.float64)
    net = SpreadNetwork.build(
        herds=int(kept.size),
        index=int(local_of[start]),
        horizon=horizon,
        movements=(local_of[src[inside]], local_of[dst[inside]], moves.day[inside], probability),
        pairs=(local_of[a], local_of[b], hazard),
    )
    return [str(c) for c in codes[kept]], net


def _at_risk(
    start: int,
    src: IntArray,
    dst: IntArray,
    points: PremisesPoints,
    point_of: IntArray,
    codes: npt.NDArray[np.str_],
    rule: SpreadRule,
) -> tuple[IntArray, tuple[IntArray, IntArray, FloatArray]]:
    """Give the herds some chain of the window's movements and local contacts reaches from
    `start` (time order ignored: a superset), and the local pairs (a, b, km) out of them."""
    order = np.argsort(src, kind="stable")
    by_src, out_to = src[order], dst[order]
    local = rule.kernel_h0 > 0.0 and rule.kernel_cutoff_km > 0.0
    seen = {start}
    queue = deque([start])
    pairs_a: list[IntArray] = []
    pairs_b: list[IntArray] = []
    pairs_km: list[FloatArray] = []
    while queue:
        node = queue.popleft()
        lo, hi = np.searchsorted(by_src, [node, node + 1])
        near: list[int] = out_to[lo:hi].tolist()
        at = int(point_of[node])
        if local and at >= 0:
            found, km = points.within(
                float(points.lat[at]), float(points.lon[at]), rule.kernel_cutoff_km
            )
            other = np.searchsorted(codes, points.codes[found]).astype(np.int64)
            apart = other != node
            pairs_a.append(np.full(int(apart.sum()), node, dtype=np.int64))
            pairs_b.append(other[apart])
            pairs_km.append(np.asarray(km, dtype=np.float64)[apart])
            near += other[apart].tolist()
        for nxt in near:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    empty_i, empty_f = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    pairs = (
        np.concatenate(pairs_a) if pairs_a else empty_i,
        np.concatenate(pairs_b) if pairs_b else empty_i,
        np.concatenate(pairs_km) if pairs_km else empty_f,
    )
    return np.array(sorted(seen), dtype=np.int64), pairs


@dataclass(frozen=True)
class _Estimate:
    """Per herd: probability, mean infection day given infection, runs infecting it."""

    probability: FloatArray
    mean_day: FloatArray
    infected_runs: IntArray | None  # None: exact probabilities, no runs
    runs: int

    @classmethod
    def of(cls, tally: SpreadTally) -> _Estimate:
        hit = tally.infected > 0
        mean_day = np.divide(
            tally.day_sum, tally.infected, out=np.full(hit.size, np.nan), where=hit
        )
        return cls(tally.infected / tally.runs, mean_day, tally.infected, tally.runs)

    def standard_error(self, herd: int) -> float:
        if self.infected_runs is None:
            return 0.0
        p = float(self.probability[herd])
        return math.sqrt(p * (1.0 - p) / self.runs)


def _ranked(
    conn: Connection, codes: list[str], index: int, found: _Estimate, first: date
) -> list[SpreadPremises]:
    """Give the premises that may be infected, most likely first, then earliest, by code."""
    hit = [n for n in np.flatnonzero(found.probability > 0).tolist() if n != index]
    hit.sort(key=lambda n: (-float(found.probability[n]), float(found.mean_day[n]), codes[n]))
    places = _places(conn, [codes[n] for n in hit])
    ranked: list[SpreadPremises] = []
    for rank, n in enumerate(hit, start=1):
        name, township = places.get(codes[n], (None, None))
        mean = float(found.mean_day[n])
        runs = found.infected_runs
        ranked.append(
            SpreadPremises(
                rank=rank,
                premises=codes[n],
                name=name,
                township=township,
                probability=float(found.probability[n]),
                standard_error=found.standard_error(n),
                infected_runs=None if runs is None else int(runs[n]),
                mean_day=mean,
                expected_date=first + timedelta(days=math.floor(mean + 0.5)),
            )
        )
    return ranked


def _places(conn: Connection, codes: list[str]) -> dict[str, tuple[str, str]]:
    p = t.premises
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        query = sa.select(p.c.code, p.c.name, p.c.township).where(p.c.code.in_(chunk))
        found.update({row.code: (row.name, row.township) for row in conn.execute(query)})
    return found


CSV_COLUMNS = (
    "rank",
    "premises",
    "name",
    "township",
    "probability",
    "standard_error",
    "infected_runs",
    "mean_day",
    "expected_date",
)


def spread_csv(report: SpreadReport) -> str:
    """Give the ranked premises as CSV for field teams (UTF-8, one header row)."""
    out = io.StringIO()
    writer = csvout.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in report.premises:
        writer.writerow(
            (
                s.rank,
                s.premises,
                s.name or "",
                s.township or "",
                f"{s.probability:.6f}",
                f"{s.standard_error:.6f}",
                "" if s.infected_runs is None else s.infected_runs,
                f"{s.mean_day:.3f}",
                s.expected_date.isoformat(),
            )
        )
    return out.getvalue()
