"""Capacity-regulation zones (生猪产能调控实施方案): rule sets as data with their sources.

A region's monthly breeding-sow inventory is compared with its normal holding (正常保有量);
the ratio in per cent falls in the green, yellow or red zone. The bands changed with the 2024
revision and provinces publish their own, so a rule set has a name, an effective date and a
source, and a region may carry its own bands (see ``pigdata.services.capacity``).

Zones of a ratio r (per cent) for bands green [g_lo, g_hi] and yellow [y_lo, y_hi]:
green when g_lo ≤ r ≤ g_hi; yellow when y_lo ≤ r < g_lo or g_hi < r ≤ y_hi; red otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Zone(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"


ZONE_NAMES_ZH = {Zone.green: "绿色", Zone.yellow: "黄色", Zone.red: "红色"}


@dataclass(frozen=True, slots=True)
class Bands:
    """The green and yellow bands, in per cent of the normal holding."""

    green_low: float
    green_high: float
    yellow_low: float
    yellow_high: float

    def zone(self, ratio_pct: float) -> Zone:
        """Give the zone of a ratio (per cent of the normal holding)."""
        if self.green_low <= ratio_pct <= self.green_high:
            return Zone.green
        if self.yellow_low <= ratio_pct <= self.yellow_high:
            return Zone.yellow
        return Zone.red

    def problems(self) -> list[str]:
        """Give what is wrong with the bands (empty when they nest properly)."""
        if not 0 < self.yellow_low <= self.green_low < self.green_high <= self.yellow_high:
            return [
                "须满足 0 < 黄色下限 ≤ 绿色下限 < 绿色上限 ≤ 黄色上限 / bands must satisfy "
                "0 < yellow_low ≤ green_low < green_high ≤ yellow_high"
            ]
        return []


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One published version of the capacity-regulation rules."""

    name: str
    effective: date
    source: str
    national_normal_holding: int  # breeding sows
    national_floor: int | None
    bands: Bands


RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        name="生猪产能调控实施方案（暂行）2021",
        effective=date(2021, 9, 1),
        source=(
            "农业农村部《生猪产能调控实施方案（暂行）》, September 2021: normal holding "
            "41.0 million sows, floor 37.0 million; green 95–105 %, yellow 90–95 % and "
            "105–110 %; red below 90 % or above 110 % (inferred from the yellow bounds)"
        ),
        national_normal_holding=41_000_000,
        national_floor=37_000_000,
        bands=Bands(green_low=95.0, green_high=105.0, yellow_low=90.0, yellow_high=110.0),
    ),
    RuleSet(
        name="生猪产能调控实施方案 2024 修订",
        effective=date(2024, 2, 29),
        source=(
            "农业农村部 revision of 29 February 2024: normal holding 39.0 million sows, green "
            "92–105 %; yellow 85–92 % and 105–110 %, red below 85 % or above 110 % as in "
            "Jiangsu's provincial implementing text"
        ),
        national_normal_holding=39_000_000,
        national_floor=None,
        bands=Bands(green_low=92.0, green_high=105.0, yellow_low=85.0, yellow_high=110.0),
    ),
)


def rule_set_on(day: date) -> RuleSet:
    """Give the rule set in force on a day (the earliest one for days before all of them)."""
    in_force = [r for r in RULE_SETS if r.effective <= day]
    return max(in_force, key=lambda r: r.effective) if in_force else RULE_SETS[0]


#: Months of a region's own reports whose mean sow inventory stands in for a normal holding
#: that nobody has configured (see docs/services.md: a derived default, not an official one).
DEFAULT_REFERENCE_MONTHS = 12
