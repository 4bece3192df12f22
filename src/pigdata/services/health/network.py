"""A temporal network of movements in NumPy arrays, and time-respecting traces over it.

The semantics (docs/health.md states them for anyone who re-implements them):

- A movement is an edge (origin, destination, day, head count). Only movements whose day lies
  in the window [first, last] (both included) take part.
- A time-respecting path from the index premises s is a sequence of movements m1..mk with
  m1.origin = s, m(i).destination = m(i+1).origin and day(m1) < day(m2) < ... < day(mk):
  strictly increasing days. Infection cannot chain through two movements of the same day,
  because a certificate carries a day but no hour, so their order is unknown. Premises may
  recur on a path, the index premises too.
- Forward: paths leave s. Backward: paths end at s (the same rule with time reversed).
- Depth of a premises: the fewest movements on such a path that reaches it.
- Earliest contact: forward, the earliest day a movement on such a path arrives at it;
  backward, the earliest day a movement on such a path leaves it. Latest contact likewise.
- Paths: how many distinct such movement sequences end at it (forward) or start at it
  (backward). Counts are exact below 2**53 and saturate there (`PATH_CAP`).
- Head count: the heads carried by the movements into it (forward) or out of it (backward)
  that lie on at least one such path.

Backward traces run the forward algorithm on the reversed network with negated days.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]

PATH_CAP = float(2**53)  # the largest count a float64 holds exactly, and every smaller one
_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Direction:
    """The edges of one direction sorted by day, so that a window is a contiguous slice.

    Nodes, days and heads are stored as int32 to halve the memory of a national network.
    """

    src: Int32Array
    dst: Int32Array
    day: Int32Array
    head: Int32Array

    @classmethod
    def build(cls, src: IntArray, dst: IntArray, day: IntArray, head: IntArray) -> Direction:
        """Give a direction from edge arrays in any order."""
        by_day = np.argsort(day, kind="stable")
        return cls(
            src=src[by_day].astype(np.int32),
            dst=dst[by_day].astype(np.int32),
            day=day[by_day].astype(np.int32),
            head=head[by_day].astype(np.int32),
        )

    def day_bounds(self, first: int, last: int) -> IntArray:
        """Give the slice bounds of each day in [first, last] that has edges, and the end."""
        lo = int(np.searchsorted(self.day, first, side="left"))
        hi = int(np.searchsorted(self.day, last, side="right"))
        starts = lo + np.flatnonzero(np.diff(self.day[lo:hi], prepend=first - 1))
        return np.append(starts, hi).astype(np.int64)


@dataclass(frozen=True)
class Reach:
    """What a trace found, per node (arrays over all nodes; unreached nodes depth -1)."""

    index: int
    depth: IntArray
    first_day: IntArray  # in the direction's own time (negated days backward)
    last_day: IntArray
    paths: FloatArray
    heads: IntArray

    def reached(self) -> IntArray:
        """Give the nodes reached, the index premises left out."""
        return np.flatnonzero(self.depth > 0).astype(np.int64)  # the index has depth 0


@dataclass
class _SweepState:
    """Per node: fewest movements, paths, first and last day reached (own-time days)."""

    hops: IntArray
    counts: FloatArray
    first_day: IntArray
    last_day: IntArray

    @classmethod
    def start(cls, nodes: int, source: int) -> _SweepState:
        hops = np.full(nodes, _NEVER, dtype=np.int64)
        hops[source] = 0
        return cls(
            hops,
            np.zeros(nodes, dtype=np.float64),
            np.full(nodes, _NEVER, dtype=np.int64),
            np.full(nodes, -_NEVER, dtype=np.int64),
        )


def _sweep(net: Direction, source: int, first: int, last: int, state: _SweepState) -> IntArray:
    """Run one pass over the window's days in order; give the positions of edges on a path.

    A day's edges read the state left by earlier days only and update it after: by the
    same-day rule they never chain. An edge is on a path exactly when its origin was reached
    on an earlier day (or is the index); the fewest movements to its destination and the
    paths ending there then grow from its origin's.
    """
    hops, counts = state.hops, state.counts
    on_path: list[IntArray] = []
    added = 0.0  # all paths counted so far: no count exceeds it, so clipping waits for it
    bounds = net.day_bounds(first, last).tolist()
    for lo, hi in pairwise(bounds):
        src = net.src[lo:hi]
        from_hops = hops[src]
        live = np.flatnonzero(from_hops != _NEVER)
        if live.size == 0:
            continue
        day = int(net.day[lo])
        src, dst, from_hops = src[live], net.dst[lo:hi][live].astype(np.int64), from_hops[live]
        carried = counts[src] + (src == source)
        # ufunc.at takes its fast path only when values and target share a dtype.
        np.minimum.at(hops, dst, from_hops + 1)
        np.add.at(counts, dst, carried)
        added += float(carried.sum())
        if added >= PATH_CAP:
            counts[dst] = np.minimum(counts[dst], PATH_CAP)
        # Every write below stores the same value, so repeated nodes are harmless.
        state.first_day[dst[state.first_day[dst] == _NEVER]] = day
        state.last_day[dst] = day
        on_path.append(live + lo)
    return np.concatenate(on_path) if on_path else np.empty(0, dtype=np.int64)


def trace(net: Direction, source: int, first: int, last: int, nodes: int) -> Reach:
    """Give the time-respecting reach of `source` within days [first, last] of a direction."""
    state = _SweepState.start(nodes, source)
    edges = _sweep(net, source, first, last, state)
    depth = np.where(state.hops == _NEVER, -1, state.hops)
    heads = np.bincount(net.dst[edges], weights=net.head[edges], minlength=nodes)
    return Reach(
        source, depth, state.first_day, state.last_day, state.counts, heads.astype(np.int64)
    )
