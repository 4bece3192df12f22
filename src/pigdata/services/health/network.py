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
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]

PATH_CAP = float(2**53)  # the largest count a float64 holds exactly, and every smaller one
_NEVER = np.iinfo(np.int64).max  # an unset day
_UNREACHED = 2**40  # movements to an unreached premises: so large that adding 1 stays above


@dataclass(frozen=True)
class Direction:
    """The edges of one direction sorted by day, then destination.

    A window is then a contiguous slice, and within a day the edges into one premises are a
    contiguous segment, so a day's updates are segment reductions (`ufunc.reduceat`) rather
    than scattered writes. Origins and days are int32 to save memory.
    """

    src: Int32Array
    day: Int32Array
    head: IntArray
    days: Int32Array  # the distinct days, ascending
    starts: IntArray  # edges of days[i] are [starts[i], starts[i + 1])
    segments: IntArray  # first edge of each (day, destination) segment, and the end
    seg_dst: IntArray  # destination of each segment
    day_segments: IntArray  # segments of days[i] are [day_segments[i], day_segments[i + 1])

    @classmethod
    def build(cls, src: IntArray, dst: IntArray, day: IntArray, head: IntArray) -> Direction:
        """Give a direction from edge arrays in any order."""
        order = np.lexsort((dst, day))
        by_day: Int32Array = day[order].astype(np.int32)
        dst = dst[order].astype(np.int64)
        days, starts = np.unique(by_day, return_index=True)
        new_segment = np.ones(by_day.size, dtype=bool)
        new_segment[1:] = (by_day[1:] != by_day[:-1]) | (dst[1:] != dst[:-1])
        segments = np.flatnonzero(new_segment)
        return cls(
            src=src[order].astype(np.int32),
            day=by_day,
            head=head[order].astype(np.int64),
            days=days.astype(np.int32),
            starts=np.append(starts, by_day.size).astype(np.int64),
            segments=np.append(segments, by_day.size).astype(np.int64),
            seg_dst=dst[segments],
            day_segments=np.append(np.searchsorted(segments, starts), segments.size).astype(
                np.int64
            ),
        )

    def day_bounds(self, first: int, last: int) -> list[tuple[int, int, int, int, int]]:
        """Give (day, first edge, end, first segment, end) of each day in [first, last]."""
        # int32 probes: an int64 probe would make NumPy copy the whole array to int64.
        lo = int(np.searchsorted(self.days, np.int32(first), side="left"))
        hi = int(np.searchsorted(self.days, np.int32(last), side="right"))
        edges = self.starts[lo : hi + 1].tolist()
        segs = self.day_segments[lo : hi + 1].tolist()
        return list(
            zip(self.days[lo:hi].tolist(), edges[:-1], edges[1:], segs[:-1], segs[1:], strict=True)
        )


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
    """Per node: fewest movements, paths, heads, first and last day reached (own-time days)."""

    hops: IntArray
    counts: FloatArray
    heads: IntArray
    first_day: IntArray
    last_day: IntArray

    @classmethod
    def start(cls, nodes: int, source: int) -> _SweepState:
        hops = np.full(nodes, _UNREACHED, dtype=np.int64)
        hops[source] = 0
        counts = np.zeros(nodes, dtype=np.float64)
        counts[source] = 1.0  # the empty path: every movement leaving the index starts one
        return cls(
            hops,
            counts,
            np.zeros(nodes, dtype=np.int64),
            np.full(nodes, _NEVER, dtype=np.int64),
            np.full(nodes, -_NEVER, dtype=np.int64),
        )


def _sweep(net: Direction, first: int, last: int, state: _SweepState) -> None:
    """Run one pass over the window's days in order, updating the state.

    A day's edges read the state left by earlier days only and update it after: by the
    same-day rule they never chain. An edge is on a path exactly when its origin was reached
    on an earlier day (or is the index); the fewest movements to its destination and the
    paths ending there then grow from its origin's, and its heads count. Edges not on a path
    carry the neutral values (never, no paths, no heads) through the segment reductions.
    """
    hops, counts = state.hops, state.counts
    added = 1.0  # the paths counted so far, the empty one too: no count exceeds it
    for day, lo, hi, seg_lo, seg_hi in net.day_bounds(first, last):
        src = net.src[lo:hi]
        from_hops = hops[src]
        live = from_hops < _UNREACHED
        if not live.any():
            continue
        # An unreached origin has no paths (count 0) and `_UNREACHED + 1` movements, so edges
        # not on a path drop out of the reductions without a mask.
        cuts = net.segments[seg_lo:seg_hi] - lo
        into = net.seg_dst[seg_lo:seg_hi]  # distinct within the day
        fewest = np.minimum.reduceat(from_hops + 1, cuts)
        hops[into] = np.minimum(hops[into], fewest)
        paths = np.add.reduceat(counts[src], cuts)
        counts[into] += paths
        state.heads[into] += np.add.reduceat(net.head[lo:hi] * live, cuts)
        added += float(paths.sum())
        if added >= PATH_CAP:
            counts[into] = np.minimum(counts[into], PATH_CAP)
        reached = into[fewest < _UNREACHED]
        state.first_day[reached[state.first_day[reached] == _NEVER]] = day
        state.last_day[reached] = day


def trace(net: Direction, source: int, first: int, last: int, nodes: int) -> Reach:
    """Give the time-respecting reach of `source` within days [first, last] of a direction."""
    state = _SweepState.start(nodes, source)
    _sweep(net, first, last, state)
    depth = np.where(state.hops >= _UNREACHED, -1, state.hops)
    return Reach(source, depth, state.first_day, state.last_day, state.counts, state.heads)
