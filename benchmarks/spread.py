"""The spread estimate over a district's movements, beside a per-run Python loop of the model.

A synthetic district: P premises (default 3,000) placed uniformly over a 40 km × 30 km box
near Rongchang, M movements (default 30,000) over a D-day window (default 42) between them,
drawn with heavy-tailed weights (a few markets and dealers move far more pigs than most
farms), heads 1-200; the rule in force (`asf_spread_estimate`). Timed: building the network
at risk from the arrays (`network_at_risk`: reach, local pairs) and the vectorised Monte
Carlo (`simulate`) of R runs (default 5,000). Baseline: the same model run one run at a time
in plain Python (dicts and sets, `random.random`) for B runs (default 50); the figure given
is the time per run of each, and their ratio. The two estimates are compared on the five herds
whose estimate is nearest one half (the difference is Monte Carlo noise: about 1/sqrt(B)).

    python benchmarks/spread.py [--premises 3000] [--movements 30000] [--days 42]
                                [--runs 5000] [--baseline-runs 50]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import defaultdict

import numpy as np

from pigdata.domain.spread_rules import SPREAD_RULES, SpreadRule
from pigdata.services.health.spread import WindowMovements, network_at_risk
from pigdata.services.health.spread_model import SpreadNetwork, simulate
from pigdata.services.health.zones import PremisesPoints

RULE = SPREAD_RULES[0]


def district(
    premises: int, movements: int, days: int, seed: int = 7
) -> tuple[PremisesPoints, WindowMovements]:
    """Give the premises points and the window's movements of a synthetic district."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"500153{i:04d}" for i in range(premises)])
    lat = 29.25 + rng.uniform(0, 30 / 110.85, premises)
    lon = 105.40 + rng.uniform(0, 40 / 96.7, premises)
    weights = rng.lognormal(0.0, 1.5, premises)
    weights /= weights.sum()
    src = rng.choice(premises, movements, p=weights)
    dst = rng.choice(premises, movements, p=weights)
    dst[src == dst] = (dst[src == dst] + 1) % premises
    moves = WindowMovements(
        [str(c) for c in codes[src]],
        [str(c) for c in codes[dst]],
        rng.integers(0, days, movements).astype(np.int64),
        rng.integers(1, 201, movements).astype(np.int64),
    )
    return PremisesPoints(codes, lat, lon), moves


def python_runs(net: SpreadNetwork, runs: int, latent: int, seed: int) -> list[int]:
    """Give per herd the runs infecting it, one run at a time in plain Python."""
    draw = random.Random(seed).random
    by_day: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for s, d, t, p in zip(
        net.src.tolist(), net.dst.tolist(), net.day.tolist(), net.probability.tolist(), strict=True
    ):
        by_day[t].append((s, d, p))
    coo = net.local.tocoo()
    local: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for a, b, h in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        local[b].append((a, h))
    counts = [0] * net.herds
    for _ in range(runs):
        infected = {net.index: 0}
        for t in range(net.horizon):
            carries = [(s, d) for s, d, p in by_day.get(t, []) if draw() < p]
            changed = True
            while changed:
                changed = False
                for s, d in carries:
                    if d not in infected and s in infected and infected[s] <= t - latent:
                        infected[d] = t
                        changed = True
            sources = {h for h, day in infected.items() if day <= t - latent}
            struck = []
            for b, pairs in local.items():
                pressure = sum(h for a, h in pairs if a in sources)
                if draw() < -math.expm1(-pressure) and b not in infected:
                    struck.append(b)
            for b in struck:
                infected[b] = t
        for h in infected:
            counts[h] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, default=3_000)
    parser.add_argument("--movements", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5_000)
    parser.add_argument("--baseline-runs", type=int, default=50)
    args = parser.parse_args()
    points, moves = district(args.premises, args.movements, args.days)
    busy = max(set(moves.origin), key=moves.origin.count)
    rule: SpreadRule = RULE
    start = time.perf_counter()
    codes, net = network_at_risk(busy, moves, points, rule, args.days)
    built = time.perf_counter() - start
    print(
        f"{args.premises} premises, {args.movements} movements over {args.days} days; "
        f"index {busy}: "
        f"{net.herds} premises at risk, {net.src.size} movements, {net.local.nnz} local pairs; "
        f"network built in {built:.2f} s"
    )
    start = time.perf_counter()
    tally = simulate(net, args.runs, seed=1, latent_days=rule.latent_days)
    vectorised = (time.perf_counter() - start) / args.runs
    start = time.perf_counter()
    counts = python_runs(net, args.baseline_runs, rule.latent_days, seed=1)
    loop = (time.perf_counter() - start) / args.baseline_runs
    print(
        f"vectorised: {args.runs} runs, {vectorised * 1000:.3f} ms a run "
        f"({vectorised * args.runs:.2f} s)"
    )
    print(
        f"Python loop: {args.baseline_runs} runs, {loop * 1000:.3f} ms a run; "
        f"ratio {loop / vectorised:.1f}x"
    )
    top = np.argsort(np.abs(tally.infected / args.runs - 0.5))[:5]  # the most uncertain
    for h in top.tolist():
        print(
            f"  {codes[h]}: vectorised {tally.infected[h] / args.runs:.3f}, "
            f"loop {counts[h] / args.baseline_runs:.3f}"
        )


if __name__ == "__main__":
    main()
