"""A stochastic between-herd model driven by the recorded movements, run as Monte Carlo.

The model (docs/methodology/spread.md states it for anyone who re-implements it):

- Herds are susceptible or infected. The index herd is infected on day 0 (the index day);
  days run 0 .. horizon - 1. A herd infected on day τ is infectious on every day t ≥ τ + L
  (L = latent days) to the end; nothing is detected or removed.
- Each day, as SimInf does with its scheduled events, the day's movements come first: a
  movement out of a herd infectious that day infects a susceptible destination with the
  movement's probability. With L = 0 a herd infected by a movement may pass it on by another
  movement of the same day (a certificate carries no hour, so a same-day relay through a
  market must be assumed possible); the day's movements are applied until nothing changes,
  each movement drawing once per run.
- Then local spread: a herd still susceptible escapes each herd infectious that day with its
  own daily probability, independently; it is infected that day otherwise.

Runs are vectorised: the state is an array of infection days, runs × herds, processed in
batches so that memory stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NEVER = np.iinfo(np.int32).max  # the infection day of a herd never infected
_CELLS_PER_BATCH = 2_000_000  # runs × herds held at once (about 8 MB of int32 days)


@dataclass(frozen=True)
class SpreadNetwork:
    """The herds of one estimate and the events among them, days counted from the index day."""

    herds: int
    index: int
    horizon: int  # days 0 .. horizon - 1
    src: IntArray  # movements, sorted by day
    dst: IntArray
    day: IntArray
    probability: FloatArray  # that the movement infects, when its origin is infectious
    local: sp.csr_matrix  # local[a, b]: daily hazard that infectious a infects b

    @classmethod
    def build(
        cls,
        herds: int,
        index: int,
        horizon: int,
        movements: tuple[IntArray, IntArray, IntArray, FloatArray],
        pairs: tuple[IntArray, IntArray, FloatArray],
    ) -> SpreadNetwork:
        """Give the network from movement arrays (src, dst, day, probability) and local
        pairs (a, b, daily hazard); movements outside the horizon are left out."""
        src, dst, day, probability = movements
        keep = (day >= 0) & (day < horizon) & (probability > 0.0) & (src != dst)
        order = np.argsort(day[keep], kind="stable")
        a, b, hazard = pairs
        useful = (hazard > 0.0) & (a != b)
        local = sp.csr_matrix((hazard[useful], (a[useful], b[useful])), shape=(herds, herds))
        return cls(
            herds=herds,
            index=index,
            horizon=horizon,
            src=src[keep][order].astype(np.int64),
            dst=dst[keep][order].astype(np.int64),
            day=day[keep][order].astype(np.int64),
            probability=probability[keep][order].astype(np.float64),
            local=local,
        )


@dataclass(frozen=True)
class SpreadTally:
    """Per herd over all runs: in how many it was infected, and the sum of its infection
    days over those runs."""

    runs: int
    infected: IntArray
    day_sum: IntArray


def simulate(
    net: SpreadNetwork, runs: int, seed: int, latent_days: int, batch: int | None = None
) -> SpreadTally:
    """Give the tally of `runs` seeded runs of the model over the network."""
    rng = np.random.default_rng(seed)
    size = batch or max(1, min(runs, _CELLS_PER_BATCH // max(net.herds, 1)))
    infected = np.zeros(net.herds, dtype=np.int64)
    day_sum = np.zeros(net.herds, dtype=np.int64)
    done = 0
    while done < runs:
        count = min(size, runs - done)
        days = _run_batch(net, count, rng, latent_days)
        hit = days != NEVER
        infected += hit.sum(axis=0)
        day_sum += np.where(hit, days, 0).sum(axis=0, dtype=np.int64)
        done += count
    return SpreadTally(runs, infected, day_sum)


def _run_batch(
    net: SpreadNetwork, count: int, rng: np.random.Generator, latent: int
) -> npt.NDArray[np.int32]:
    """Give the infection day of every herd in `count` runs (NEVER when not infected)."""
    days = np.full((count, net.herds), NEVER, dtype=np.int32)
    days[:, net.index] = 0
    bounds = np.searchsorted(net.day, np.arange(net.horizon + 1))
    local = _LocalSpread.start(net, count) if net.local.nnz > 0 else None
    for t in range(net.horizon):
        lo, hi = int(bounds[t]), int(bounds[t + 1])
        if hi > lo:
            _move(days, net, lo, hi, t, latent, rng)
        if local is not None:
            local.spread(days, t, latent, rng)
    return days


def _move(
    days: npt.NDArray[np.int32],
    net: SpreadNetwork,
    lo: int,
    hi: int,
    t: int,
    latent: int,
    rng: np.random.Generator,
) -> None:
    """Apply the movements [lo, hi) of day t, until a pass infects no herd."""
    src, dst = net.src[lo:hi], net.dst[lo:hi]
    carries = rng.random((days.shape[0], hi - lo)) < net.probability[lo:hi]
    while True:
        hit = carries & (days[:, src] <= t - latent) & (days[:, dst] == NEVER)
        if not hit.any():
            return
        rows, cols = np.nonzero(hit)
        days[rows, dst[cols]] = t


@dataclass
class _LocalSpread:
    """The local-spread pressure of one batch, kept from day to day.

    A herd stays infectious to the end once it is, so the summed hazard on each target only
    grows: each day adds the hazards of the herds infectious for the first time, a sparse
    product of those few herds, not one of every infectious herd.
    """

    kernel: sp.csr_matrix  # herds × targets
    targets: IntArray  # herds that some herd can infect locally
    pressure: FloatArray  # runs × targets: summed daily hazards of the infectious herds
    counted: npt.NDArray[np.bool_]  # runs × herds: infectious herds already in `pressure`

    @classmethod
    def start(cls, net: SpreadNetwork, count: int) -> _LocalSpread:
        targets = np.unique(net.local.indices).astype(np.int64)
        return cls(
            net.local[:, targets].tocsr(),
            targets,
            np.zeros((count, targets.size), dtype=np.float64),
            np.zeros((count, net.herds), dtype=bool),
        )

    def spread(
        self, days: npt.NDArray[np.int32], t: int, latent: int, rng: np.random.Generator
    ) -> None:
        """Infect, on day t, the susceptible herds that local spread reaches."""
        fresh = (days <= t - latent) & ~self.counted
        rows, cols = np.nonzero(fresh)
        if rows.size:
            self.counted[rows, cols] = True
            sources = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=self.counted.shape)
            self.pressure += (sources @ self.kernel).toarray()
        # Always draw, even at no pressure: the draws then stay the same for every parameter
        # value, so runs with a higher probability infect a superset (a coupling tests use).
        draws = rng.random(self.pressure.shape)
        struck = (draws < -np.expm1(-self.pressure)) & (days[:, self.targets] == NEVER)
        rows, cols = np.nonzero(struck)
        days[rows, self.targets[cols]] = t
