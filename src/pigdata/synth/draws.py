"""Fast scalar draws for per-record choices, served from blocks drawn with numpy."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

_BLOCK = 8192


class Draws:
    """Uniform numbers from a generator, a block at a time (numpy's scalar calls are slow)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.block: list[float] = []
        self.pos = 0

    def uniform(self) -> float:
        """Give a number in [0, 1)."""
        if self.pos == len(self.block):
            self.block = self.rng.random(_BLOCK).tolist()
            self.pos = 0
        value = self.block[self.pos]
        self.pos += 1
        return value

    def below(self, n: int) -> int:
        """Give an integer in [0, n)."""
        return min(int(self.uniform() * n), n - 1)

    def between(self, low: float, high: float) -> float:
        """Give a number in [low, high)."""
        return low + (high - low) * self.uniform()

    def normal(self, mean: float, sd: float, low: float, high: float) -> float:
        """Give a normal number clipped to [low, high] (sum of three uniforms: fast, smooth)."""
        z = (self.uniform() + self.uniform() + self.uniform() - 1.5) * 2.0
        return min(max(mean + sd * z, low), high)


class Weighted:
    """Picks indexes with fixed weights."""

    def __init__(self, weights: Sequence[float]) -> None:
        total = float(sum(weights))
        self.cumulative = [w / total for w in accumulate(weights)]

    def pick(self, draws: Draws) -> int:
        """Give an index drawn with the weights."""
        return min(bisect_right(self.cumulative, draws.uniform()), len(self.cumulative) - 1)
