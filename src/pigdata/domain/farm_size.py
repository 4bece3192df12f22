"""Farm size classes by yearly output (年出栏), as statistics report them.

Data, not code: a ministry can move the bounds, so each class carries its lower bound, the
date from which the set applies and its source. `classify` works on NumPy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class SizeClass:
    """Farms whose yearly output is at least `min_head` (and below the next class's)."""

    key: str
    min_head: int
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class SizeClasses:
    """A set of size classes with its effective date and source."""

    name: str
    effective: date
    source: str
    classes: tuple[SizeClass, ...]

    def classify(self, yearly_output: npt.ArrayLike) -> npt.NDArray[np.intp]:
        """Give, for each yearly output, the index of its class in `classes`."""
        bounds = np.array([c.min_head for c in self.classes[1:]])
        return np.searchsorted(bounds, np.asarray(yearly_output), side="right")


# 500 head a year is where a farm counts as a scale farm (规模养殖场) and reports directly each
# month (养殖场直联直报); 10,000 marks the large farms in the ministry's scale statistics.
OUTPUT_CLASSES = SizeClasses(
    name="生猪养殖规模 yearly-output classes",
    effective=date(2021, 9, 1),
    source="农业农村部《生猪产能调控实施方案（暂行）》(2021) 规模养殖场年出栏 500 头以上; "
    "畜牧业统计 年出栏 1 万头以上",
    classes=(
        SizeClass("under_500", 0, "年出栏 500 头以下", "under 500 a year"),
        SizeClass("500_to_9999", 500, "年出栏 500–9999 头", "500 to 9,999 a year"),
        SizeClass("10000_and_more", 10_000, "年出栏 1 万头以上", "10,000 or more a year"),
    ),
)
