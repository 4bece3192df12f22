"""The recursive tabular method (Emik & Terrill 1949), the independent check of A and F."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def tabular_a(sire: Sequence[int], dam: Sequence[int]) -> np.ndarray:
    """Give A row by row, parents first (-1 is an unknown parent)."""
    n = len(sire)
    a = np.zeros((n, n))
    for i in range(n):
        s, d = sire[i], dam[i]
        row = 0.5 * ((a[s, :i] if s >= 0 else 0.0) + (a[d, :i] if d >= 0 else 0.0))
        a[i, :i] = row
        a[:i, i] = row
        a[i, i] = 1.0 + (0.5 * a[s, d] if s >= 0 and d >= 0 else 0.0)
    return a
