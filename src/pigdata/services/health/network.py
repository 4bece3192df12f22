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

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

PATH_CAP = float(2**53)  # the largest count a float64 holds exactly, and every smaller one
_NEVER = np.iinfo(np.int64).max
_DAY_BIAS = 2**31  # days (possibly negated) shifted to be non-negative inside search keys


@dataclass(frozen=True)
class Direction:
    """The edges of one direction, sorted by (origin, day) with CSR offsets by origin."""

    src: IntArray
    dst: IntArray
    day: IntArray
    head: IntArray
    offsets: IntArray  # edges of node u are [offsets[u], offsets[u + 1])
    keys: IntArray  # src << 32 | (day + bias): sorted, for range searches per node

    @classmethod
    def build(
        cls, src: IntArray, dst: IntArray, day: IntArray, head: IntArray, nodes: int
    ) -> Direction:
        """Give a direction from edge arrays in any order."""
        order = np.lexsort((day, src))
        src, dst, day, head = src[order], dst[order], day[order], head[order]
        offsets = np.zeros(nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=nodes), out=offsets[1:])
        keys = (src << 32) | (day + _DAY_BIAS)
        return cls(src, dst, day, head, offsets, keys)

    def edges_after(self, nodes: IntArray, after: IntArray, until: int) -> IntArray:
        """Give the indices of edges leaving `nodes` with after < day <= until."""
        lo = np.searchsorted(self.keys, (nodes << 32) | (after + 1 + _DAY_BIAS))
        hi = np.searchsorted(self.keys, (nodes << 32) | (until + _DAY_BIAS), side="right")
        return _ranges(lo, hi)


def _ranges(lo: IntArray, hi: IntArray) -> IntArray:
    """Give the concatenation of the integer ranges [lo[i], hi[i])."""
    lengths = np.maximum(hi - lo, 0)
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    keep = lengths > 0
    lo, lengths = lo[keep], lengths[keep]
    # Each range's first position jumps from the previous range's end to its own start.
    steps = np.ones(total, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    steps[starts] = lo - np.concatenate(([0], lo[:-1] + lengths[:-1] - 1))
    steps[0] = lo[0]
    return np.cumsum(steps)


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


def _earliest_arrival(
    net: Direction, source: int, first: int, last: int, nodes: int
) -> tuple[IntArray, IntArray]:
    """Give (earliest arrival day, depth) per node by layers of fewest movements.

    Layer k holds the earliest arrival using at most k movements (Bellman-Ford over
    time-respecting edges); only nodes whose arrival improved send edges in the next layer.
    """
    arrival = np.full(nodes, _NEVER, dtype=np.int64)
    depth = np.full(nodes, -1, dtype=np.int64)
    arrival[source] = first - 1  # the index premises is infectious from the window's start
    depth[source] = 0
    frontier = np.array([source], dtype=np.int64)
    layer = 0
    while frontier.size:
        layer += 1
        edges = net.edges_after(frontier, arrival[frontier], last)
        if edges.size == 0:
            break
        dst, day = net.dst[edges], net.day[edges]
        better = day < arrival[dst]
        dst, day = dst[better], day[better]
        np.minimum.at(arrival, dst, day)
        frontier = np.unique(dst)
        fresh = frontier[depth[frontier] < 0]
        depth[fresh] = layer
    return arrival, depth


def _path_counts(net: Direction, usable: IntArray, source: int, nodes: int) -> FloatArray:
    """Give the number of time-respecting paths ending at each node (saturating at PATH_CAP).

    Days are processed in order; edges of one day never chain, so each day's edges read the
    counts of earlier days only.
    """
    order = usable[np.argsort(net.day[usable], kind="stable")]
    days = net.day[order]
    bounds = np.flatnonzero(np.diff(days)) + 1
    counts = np.zeros(nodes, dtype=np.float64)
    for group in np.split(order, bounds):
        src = net.src[group]
        carried = counts[src] + (src == source)
        np.add.at(counts, net.dst[group], carried)
        np.minimum(counts, PATH_CAP, out=counts)
    return counts


def trace(net: Direction, source: int, first: int, last: int, nodes: int) -> Reach:
    """Give the time-respecting reach of `source` within days [first, last] of a direction."""
    arrival, depth = _earliest_arrival(net, source, first, last, nodes)
    in_window = (net.day >= first) & (net.day <= last)
    usable = np.flatnonzero(in_window & (net.day > arrival[net.src]))
    dst, day = net.dst[usable], net.day[usable]
    first_day = np.full(nodes, _NEVER, dtype=np.int64)
    last_day = np.full(nodes, -_NEVER, dtype=np.int64)
    np.minimum.at(first_day, dst, day)
    np.maximum.at(last_day, dst, day)
    heads = np.bincount(dst, weights=net.head[usable], minlength=nodes).astype(np.int64)
    paths = _path_counts(net, usable, source, nodes)
    return Reach(source, depth, first_day, last_day, paths, heads)
