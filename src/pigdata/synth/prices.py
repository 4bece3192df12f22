"""Weekly prices that follow the shape of the real national series 2016–2022.

Demo weeks are mapped onto real weeks by a whole number of years: a demo of up to two years
starting in January 2023 follows 2021–2022 (the hog–grain ratio fell below 5:1 in June 2021).
Each place (the county, each market) gets a small fixed premium or discount and a little
weekly noise, both drawn once from the seed. Corn and soybean meal are given in yuan/kg
(the series' yuan/tonne ÷ 1000), so that the hog–grain ratio is a plain division. Piglet and
lean-pork retail prices are derived from the hog and carcass prices.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import numpy.typing as npt

from pigdata.synth.spec import Month, dec

FloatArray = npt.NDArray[np.float64]
ITEMS = ("live_hog", "piglet", "pork_carcass", "lean_pork_retail", "corn", "soybean_meal")
_PLACES = {"corn": 3, "soybean_meal": 3}  # decimals; the rest 2
_SERIES_YEARS = (2016, 2022)


@dataclass(frozen=True)
class NationalSeries:
    """The real weekly series: week-ending dates and the four prices."""

    weeks: tuple[date, ...]
    live_hog: FloatArray
    pork_carcass: FloatArray
    corn: FloatArray  # yuan/tonne
    soybean_meal: FloatArray  # yuan/tonne


@cache
def national_series() -> NationalSeries:
    """Give the shipped national weekly series."""
    text = files("pigdata.synth").joinpath("data/national_weekly_2016_2022.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))

    def column(name: str) -> FloatArray:
        return np.array([float(r[name]) for r in rows], dtype=np.float64)

    return NationalSeries(
        weeks=tuple(date.fromisoformat(r["week_ending"]) for r in rows),
        live_hog=column("live_hog_yuan_per_kg"),
        pork_carcass=column("pork_carcass_yuan_per_kg"),
        corn=column("corn_yuan_per_tonne"),
        soybean_meal=column("soybean_meal_yuan_per_tonne"),
    )


def _ema(values: FloatArray, alpha: float) -> FloatArray:
    out = np.empty_like(values)
    acc = float(values[0])
    for i, v in enumerate(values.tolist()):
        acc = alpha * v + (1 - alpha) * acc
        out[i] = acc
    return out


def _item_series(series: NationalSeries) -> dict[str, FloatArray]:
    hog, carcass = series.live_hog, series.pork_carcass
    # Piglets cost more per kg than hogs, and more so when hogs are dear; retail lean pork
    # follows the carcass price slowly, with a margin.
    smooth_hog = _ema(hog, 0.5)
    return {
        "live_hog": hog,
        "piglet": smooth_hog * (1.3 + 0.035 * smooth_hog),
        "pork_carcass": carcass,
        "lean_pork_retail": _ema(carcass, 0.35) + 13.0,
        "corn": series.corn / 1000.0,
        "soybean_meal": series.soybean_meal / 1000.0,
    }


def real_start_index(series: NationalSeries, start: date, months: int) -> int:
    """Give the real week that the demo's first week follows: the same time of year, in the
    latest year from which the whole demo fits in the series (2021 for 2023-01 + 24 months)."""
    years = -(-(start.month - 1 + months) // 12)
    year = max(_SERIES_YEARS[0], _SERIES_YEARS[1] + 1 - years)
    target = date(year, start.month, 1) + (start - start.replace(day=1))
    return int(np.searchsorted(np.array([w.toordinal() for w in series.weeks]), target.toordinal()))


class PriceBook:
    """Every place's weekly prices over the demo, fixed at construction."""

    def __init__(
        self,
        rng: np.random.Generator,
        start: date,
        months: int,
        last_day: date,
        locations: list[str],
    ) -> None:
        series = national_series()
        self.locations = locations
        self.last_day = last_day
        self.first_sunday = start + timedelta(days=(6 - start.weekday()) % 7)
        weeks = (last_day - self.first_sunday).days // 7 + 2
        index = (real_start_index(series, start, months) + np.arange(weeks)) % len(series.weeks)
        base = _item_series(series)
        n = len(locations)
        self.table: dict[str, FloatArray] = {}
        for item in ITEMS:
            spread = 0.006 if item in ("corn", "soybean_meal") else 0.015
            offset = rng.normal(0.0, spread, n)
            offset[0] = 0.0  # the first location (the county) is the reference
            noise = rng.normal(0.0, spread / 2, (weeks, n))
            self.table[item] = base[item][index][:, None] * (1.0 + offset[None, :] + noise)

    def week(self, day: date) -> int:
        """Give the demo week (0 = the week ending on the first Sunday) that a day falls in."""
        return max(0, ((day - self.first_sunday).days + 6) // 7)

    def price(self, item: str, day: date, location: int) -> float:
        """Give an item's price (yuan/kg) on a day at a location (index into locations)."""
        return float(self.table[item][self.week(day), location])

    def quotes(self, month: Month) -> Iterator[dict[str, Any]]:
        """Give the weekly quotes of the weeks that end in a month, every place and item."""
        day = self.first_sunday
        while day < month.first:
            day += timedelta(days=7)
        while day <= min(month.last, self.last_day):
            k, iso = self.week(day), day.isoformat()
            for j, location in enumerate(self.locations):
                for item in ITEMS:
                    yield {
                        "kind": "price_quote",
                        "location": location,
                        "date": iso,
                        "item": item,
                        "price": dec(float(self.table[item][k, j]), _PLACES.get(item, 2)),
                        "unit": "yuan/kg",
                    }
            day += timedelta(days=7)
