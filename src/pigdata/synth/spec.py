"""The demo's parameters, its calendar of months, and the random streams it draws from."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Named random streams: each part of the generator draws from its own stream so that a change
# in one part (say, more price noise) leaves the others' output unchanged.
STREAM_DISTRICT = 1
STREAM_ANIMALS = 2
STREAM_TRACED = 3
STREAM_HERDS = 4
STREAM_CHAIN = 5
STREAM_PRICES = 6
STREAM_MOVEMENT_ROWS = 7


@dataclass(frozen=True)
class DemoSpec:
    """What demo to generate: seed, size, months and county."""

    seed: int = 20240801
    scale: float = 1.0
    start_month: str = "2023-01"
    months: int = 24
    county: str = "500153"

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        if self.months < 1:
            raise ValueError(f"months must be at least 1, got {self.months}")
        year, month = (int(p) for p in self.start_month.split("-"))
        if not 1 <= month <= 12 or year < 1990:
            raise ValueError(f"start_month must be YYYY-MM, got {self.start_month!r}")

    @classmethod
    def ending_in(cls, today: date, months: int = 24) -> DemoSpec:
        """Give the default demo moved so that its last month is today's (records end today).

        A newcomer's display centre then shows data in "the last 30 days"; the fixed default
        (2023-01 on) stays for tests and benchmarks, which need the same bytes on every run.
        """
        index = today.year * 12 + today.month - 1 - (months - 1)
        return cls(start_month=f"{index // 12:04d}-{index % 12 + 1:02d}", months=months)


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the demo: its index, first day, number of days and key (YYYY-MM)."""

    index: int
    first: date
    days: int
    key: str

    @property
    def last(self) -> date:
        """Give the month's last day."""
        return self.first + timedelta(days=self.days - 1)


def stream(seed: int, part: int) -> np.random.Generator:
    """Give the random generator of one named part of the generator for a seed."""
    return np.random.Generator(np.random.PCG64([seed, part]))


def month_calendar(spec: DemoSpec) -> list[Month]:
    """Give every month of the spec, from start_month on."""
    year, month = (int(p) for p in spec.start_month.split("-"))
    found: list[Month] = []
    for index in range(spec.months):
        y, m = year + (month - 1 + index) // 12, (month - 1 + index) % 12 + 1
        days = calendar.monthrange(y, m)[1]
        found.append(Month(index, date(y, m, 1), days, f"{y:04d}-{m:02d}"))
    return found


def spec_end(spec: DemoSpec) -> date:
    """Give the last day of the spec's last month."""
    return month_calendar(spec)[-1].last


def cutoff(spec: DemoSpec, today: date | None = None) -> date:
    """Give the last day that may carry a record: the spec's end, or today if earlier.

    A spec that lies wholly in the past gives the same records on every day it is run.
    """
    return min(spec_end(spec), today or date.today())


def active_months(spec: DemoSpec, last_day: date) -> list[Month]:
    """Give the months that begin on or before the last day that may carry a record."""
    return [m for m in month_calendar(spec) if m.first <= last_day]


def dec(value: float, places: int) -> str:
    """Give a number as the shortest decimal text with at most `places` decimals."""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
