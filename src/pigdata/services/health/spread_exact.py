"""Exact infection probabilities of the spread model on tree-like networks.

A network is tree-like when every herd but the index can be infected from one herd only:
all the movements into it and all its local-spread sources are one and the same herd. The
herds reached from the index then form a tree, and each herd's infection day has a
distribution that follows from its parent's alone, herd by herd from the index down: no run
is needed. The semantics are those of `spread_model` exactly, the order within a day too.

The state of a herd is its infection day and how it was infected: by a movement, or by
local spread. The distinction matters with no latent day only: a herd infected by a
movement on day s passes it on by the movements and local spread of day s, a herd infected
by local spread on day s by those of the next day (the day's movements have run, and the
day's local spread is drawn from the herds infectious before it).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass

import numpy as np

from pigdata.services.health.spread_model import FloatArray, SpreadNetwork


@dataclass(frozen=True)
class ExactSpread:
    """Per herd: the probability of infection by the end day, and the mean infection day
    given infection (NaN when never infected)."""

    probability: FloatArray
    mean_day: FloatArray


def exact_spread(net: SpreadNetwork, latent: int) -> ExactSpread | None:
    """Give the exact probabilities of a tree-like network, or None when it is not one."""
    parent = _parents(net)
    if parent is None:
        return None
    days = net.horizon
    by_move = np.zeros((net.herds, days))  # P(infected on day d by a movement)
    by_local = np.zeros((net.herds, days))  # P(infected on day d by local spread)
    by_move[net.index, 0] = 1.0  # the index passes it on from day 0, as a moved-in herd would
    escape_move, hazard = _links(net)
    children: dict[int, list[int]] = defaultdict(list)
    for child, source in parent.items():
        children[source].append(child)
    queue = deque([net.index])
    while queue:
        source = queue.popleft()
        for child in children[source]:
            moves = escape_move.get((source, child), np.ones(days))
            local = -math.expm1(-hazard.get((source, child), 0.0))
            _infect(by_move, by_local, source, child, moves, local, latent)
            queue.append(child)
    total = by_move + by_local
    probability = total.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_day = (total * np.arange(days)).sum(axis=1) / probability
    return ExactSpread(probability, np.where(probability > 0, mean_day, np.nan))


def _parents(net: SpreadNetwork) -> dict[int, int] | None:
    """Give each herd's one possible source, or None when some herd has two."""
    coo = net.local.tocoo()
    sources: dict[int, set[int]] = defaultdict(set)
    for a, b in zip(
        [*net.src.tolist(), *coo.row.tolist()], [*net.dst.tolist(), *coo.col.tolist()], strict=True
    ):
        if b != net.index:
            sources[b].add(a)
    if any(len(s) > 1 for s in sources.values()):
        return None
    return {child: next(iter(s)) for child, s in sources.items()}


def _links(
    net: SpreadNetwork,
) -> tuple[dict[tuple[int, int], FloatArray], dict[tuple[int, int], float]]:
    """Give per (source, herd) the daily escape from its movements and the local hazard."""
    escape: dict[tuple[int, int], FloatArray] = {}
    for a, b, d, p in zip(
        net.src.tolist(), net.dst.tolist(), net.day.tolist(), net.probability.tolist(), strict=True
    ):
        escape.setdefault((a, b), np.ones(net.horizon))[d] *= 1.0 - p
    coo = net.local.tocoo()
    hazard = {
        (a, b): h
        for a, b, h in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    }
    return escape, hazard


def _infect(
    by_move: FloatArray,
    by_local: FloatArray,
    source: int,
    child: int,
    moves: FloatArray,
    local: float,
    latent: int,
) -> None:
    """Add the child's infection-day distribution given its source's."""
    days = moves.size
    for s in range(days):
        for mass, starts in (
            (by_move[source, s], s + latent),
            (by_local[source, s], s + (latent or 1)),
        ):
            if mass == 0.0 or starts >= days:
                continue
            hit_move = 1.0 - moves[starts:]
            escaped = moves[starts:] * (1.0 - local)
            before = np.concatenate(([1.0], np.cumprod(escaped)[:-1]))
            by_move[child, starts:] += mass * before * hit_move
            by_local[child, starts:] += mass * before * moves[starts:] * local
