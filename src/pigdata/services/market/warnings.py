"""The hog–grain ratio, the reserve plan's warning levels week by week, and their alerts.

Downside: live-hog price ÷ corn price (both yuan/kg, weekly, docs/methodology/price-warnings.md)
judged by the rule set in force that week (pigdata.domain.price_warnings). Upside: the
year-on-year change of the lean-pork retail price against the week 52 weeks before. An alert
is a week in which a level is entered, changed or left; a week without data keeps the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy.engine import Connection

from pigdata.domain import regions
from pigdata.domain.price_warnings import RULE_SETS, WarningRules, rules_on
from pigdata.services.market.weekly import (
    FloatArray,
    IntArray,
    WeeklyPrices,
    weekly_of_items,
    weekly_prices,
)

YEAR_WEEKS = 52
PRICES_USED = ("live_hog", "corn", "lean_pork_retail")


@dataclass(frozen=True, slots=True)
class RatioWeek:
    """One week's hog and corn prices (yuan/kg), their ratio and the downside level."""

    week: date
    hog: float
    corn: float
    ratio: float
    level: int | None


@dataclass(frozen=True, slots=True)
class RetailWeek:
    """One week's lean-pork retail price, a year before, the change and the upside level."""

    week: date
    price: float
    year_before: float
    change: float
    level: int | None


@dataclass(frozen=True, slots=True)
class Alert:
    """A week in which a warning level was entered, changed or left."""

    week: date
    side: str  # "downside" | "upside"
    event: str  # "entered" | "changed" | "left"
    level: int | None
    previous: int | None
    value: float  # the ratio, or the year-on-year change


@dataclass(frozen=True, slots=True)
class RuleSource:
    """Which published rule set judged the weeks."""

    name: str
    effective: date
    source: str


@dataclass(frozen=True)
class PriceWarnings:
    """A region's weekly hog–grain ratio and retail-price change, levels and alerts."""

    region: str
    corn_region: str | None
    rules: tuple[RuleSource, ...]
    ratio: tuple[RatioWeek, ...]
    retail: tuple[RetailWeek, ...]
    alerts: tuple[Alert, ...]


def run_lengths(flags: npt.NDArray[np.bool_]) -> IntArray:
    """Give, for each position, how many consecutive True values end there."""
    index = np.arange(flags.size, dtype=np.int64)
    last_false = np.maximum.accumulate(np.where(flags, -1, index))
    return np.where(flags, index - last_false, 0)


def downside_levels(weeks: tuple[date, ...], ratio: FloatArray) -> IntArray:
    """Give each week's downside level (0 = none) under the rule set in force that week."""
    levels = np.zeros(ratio.size, dtype=np.int64)
    for rules in RULE_SETS:
        rule = rules.downside
        in_force = np.array([rules_on(w) is rules for w in weeks], dtype=bool)
        band = (ratio >= rule.level1_below) & (ratio < rule.level3_below)
        level = np.where(ratio < rule.level3_below, 3, 0)
        level = np.where(band & (run_lengths(band) >= rule.level2_weeks), 2, level)
        level = np.where(ratio < rule.level1_below, 1, level)
        levels = np.where(in_force, level, levels)
    return levels


def upside_levels(weeks: tuple[date, ...], change: FloatArray) -> IntArray:
    """Give each week's upside level (0 = none) from the year-on-year change."""
    levels = np.zeros(change.size, dtype=np.int64)
    for rules in RULE_SETS:
        rule = rules.upside
        in_force = np.array([rules_on(w) is rules for w in weeks], dtype=bool)
        level = np.where(change >= rule.level2_from, 2, 0)
        level = np.where(change > rule.level1_above, 1, level)
        levels = np.where(in_force, level, levels)
    return levels


def _aligned(a: WeeklyPrices, b: WeeklyPrices) -> tuple[tuple[date, ...], FloatArray, FloatArray]:
    common = sorted(set(a.weeks) & set(b.weeks))
    pick_a = {w: i for i, w in enumerate(a.weeks)}
    pick_b = {w: i for i, w in enumerate(b.weeks)}
    first = a.price[[pick_a[w] for w in common]] if common else np.zeros(0)
    second = b.price[[pick_b[w] for w in common]] if common else np.zeros(0)
    keep = ~np.isnan(first) & ~np.isnan(second)
    return tuple(w for w, k in zip(common, keep, strict=True) if k), first[keep], second[keep]


def alerts(side: str, weeks: tuple[date, ...], levels: IntArray, values: FloatArray) -> list[Alert]:
    """Give the weeks in which the level differs from the week before (a first level too)."""
    out: list[Alert] = []
    previous = 0
    for week, level, value in zip(weeks, levels.tolist(), values.tolist(), strict=True):
        if level != previous:
            event = "entered" if previous == 0 else "left" if level == 0 else "changed"
            out.append(Alert(week, side, event, level or None, previous or None, value))
        previous = level
    return out


def _ratio_weeks(
    conn: Connection,
    region: str,
    prices: dict[str, WeeklyPrices],
    period: tuple[date | None, date | None],
) -> tuple[str | None, list[RatioWeek]]:
    (start, end), lead = period, prices["live_hog"].weeks[:1]
    hog, corn = prices["live_hog"], prices["corn"]
    corn_region: str | None = region
    if not corn.weeks and region != regions.NATION:
        corn_region = regions.NATION  # a region without its own corn quotes uses the nation's
        corn = weekly_prices(conn, regions.NATION, "corn", lead[0] if lead else None, end)
    if not corn.weeks:
        corn_region = None
    weeks, hog_price, corn_price = _aligned(hog, corn)
    ratio = hog_price / corn_price
    levels = downside_levels(weeks, ratio)
    rows = [
        RatioWeek(w, h, c, r, lv or None)
        for w, h, c, r, lv in zip(
            weeks,
            hog_price.tolist(),
            corn_price.tolist(),
            ratio.tolist(),
            levels.tolist(),
            strict=True,
        )
        if start is None or w >= start
    ]
    return corn_region, rows


def _retail_weeks(retail: WeeklyPrices, start: date | None) -> list[RetailWeek]:
    if len(retail.weeks) <= YEAR_WEEKS:
        return []
    now, before = retail.price[YEAR_WEEKS:], retail.price[:-YEAR_WEEKS]
    weeks = retail.weeks[YEAR_WEEKS:]
    keep = ~np.isnan(now) & ~np.isnan(before) & (before > 0)
    weeks = tuple(w for w, k in zip(weeks, keep, strict=True) if k)
    now, before = now[keep], before[keep]
    change = now / before - 1.0
    levels = upside_levels(weeks, change)
    return [
        RetailWeek(w, p, b, c, lv or None)
        for w, p, b, c, lv in zip(
            weeks, now.tolist(), before.tolist(), change.tolist(), levels.tolist(), strict=True
        )
        if start is None or w >= start
    ]


def _source(rules: WarningRules) -> RuleSource:
    return RuleSource(rules.name, rules.effective, rules.source)


def price_warnings(
    conn: Connection, region: str, start: date | None = None, end: date | None = None
) -> PriceWarnings:
    """Give a region's weekly hog–grain ratio and retail change with levels and alerts."""
    # A year before the start is read: the retail change looks back 52 weeks, and a run of
    # weeks in the band may begin before the start.
    lead = start - timedelta(weeks=YEAR_WEEKS + 1) if start else None
    prices = weekly_of_items(conn, region, PRICES_USED, lead, end)
    corn_region, ratio = _ratio_weeks(conn, region, prices, (start, end))
    retail = _retail_weeks(prices["lean_pork_retail"], start)
    down = alerts(
        "downside",
        tuple(r.week for r in ratio),
        np.array([r.level or 0 for r in ratio], dtype=np.int64),
        np.array([r.ratio for r in ratio]),
    )
    up = alerts(
        "upside",
        tuple(r.week for r in retail),
        np.array([r.level or 0 for r in retail], dtype=np.int64),
        np.array([r.change for r in retail]),
    )
    return PriceWarnings(
        region=region,
        corn_region=corn_region,
        rules=tuple(_source(r) for r in RULE_SETS),
        ratio=tuple(ratio),
        retail=tuple(retail),
        alerts=tuple(sorted(down + up, key=lambda a: (a.week, a.side))),
    )
