"""The biological lags of the supply outlook, as data with their source.

A sow mated in one month farrows about 114 days later; a pig born in one month goes to
market at about 160–180 days of age (lactation of 21–28 days included). The outlook spreads
each lag over the two whole months around it (see `month_weights`).
"""

from __future__ import annotations

from dataclasses import dataclass

AVERAGE_MONTH_DAYS = 365.25 / 12


@dataclass(frozen=True, slots=True)
class SupplyLags:
    """Days from mating to farrowing and from birth to market, with their source."""

    name: str
    gestation_days: float
    market_age_days: float
    source: str


PIG_LAGS = SupplyLags(
    name="pig biology",
    gestation_days=114.0,
    market_age_days=170.0,
    source=(
        "gestation 114–115 days; lactation 21–28 days; finishing to about 110–120 kg at "
        "about 160–180 days of age (DOMAIN.md, production figures); 170 = the middle"
    ),
)


def month_weights(days: float) -> tuple[int, float, float]:
    """Give a lag in days as whole months: (m, weight of m months, weight of m + 1), the
    weights linear in the fractional part (170 days = 5.59 months → 41 % at 5, 59 % at 6)."""
    months = days / AVERAGE_MONTH_DAYS
    whole = int(months)
    later = months - whole
    return whole, 1.0 - later, later
