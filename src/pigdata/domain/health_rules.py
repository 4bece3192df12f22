"""Animal-health rule data: ASF zone radii, lifting period, control regions, plausibility.

Each value carries its name, effective date and source, so a ministry's change is a new
entry here, not an edit of the code that applies it. `rule_on(rules, day)` gives the entry in
force on a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

ASF_PLAN = "农业农村部《非洲猪瘟疫情应急实施方案（第五版）》(2020)"
ZONING_PLAN = "农业农村部《非洲猪瘟等重大动物疫病分区防控工作方案（试行）》(2021)"


class _Dated(Protocol):
    @property
    def effective(self) -> date: ...


_T = TypeVar("_T", bound=_Dated)


@dataclass(frozen=True, slots=True)
class ZoneRule:
    """How far the zones around an infected point reach, and how long they stay."""

    name: str
    effective: date
    source: str
    infected_zone_km: float  # from the infected point (premises treated as a point)
    threatened_zone_km: float  # beyond the infected zone's edge
    lifting_days: int  # after the last culling and disinfection with no new case

    @property
    def outer_km(self) -> float:
        """Give the distance from the infected point to the threatened zone's outer edge."""
        return self.infected_zone_km + self.threatened_zone_km


# Recorded as in force from the start of 2020: the plan's exact issue date is not verified.
ZONE_RULES: tuple[ZoneRule, ...] = (
    ZoneRule("asf_zones", date(2020, 1, 1), ASF_PLAN, 3.0, 10.0, 42),
)


@dataclass(frozen=True, slots=True)
class ControlRegion:
    """One of the regions that market hogs do not leave (分区防控)."""

    key: str
    name_zh: str
    name_en: str
    provinces: tuple[str, ...]  # two-digit GB/T 2260 province prefixes


@dataclass(frozen=True, slots=True)
class RegionalControl:
    """The regional-control scheme in force from a date, and the purposes it lets through."""

    name: str
    effective: date
    source: str
    regions: tuple[ControlRegion, ...]
    exempt_purposes: tuple[str, ...]  # breeding pigs and piglets for rearing may cross


REGIONAL_CONTROLS: tuple[RegionalControl, ...] = (
    RegionalControl(
        "asf_regional_control",
        date(2021, 5, 1),
        ZONING_PLAN,
        (
            ControlRegion(
                "north", "北部区", "North", ("11", "12", "13", "14", "15", "21", "22", "23")
            ),
            ControlRegion("east", "东部区", "East", ("31", "32", "33", "34", "37", "41")),
            ControlRegion(
                "central_south", "中南区", "Central-South", ("35", "36", "43", "44", "45", "46")
            ),
            ControlRegion("southwest", "西南区", "Southwest", ("42", "50", "51", "52", "53", "54")),
            ControlRegion("northwest", "西北区", "Northwest", ("61", "62", "63", "64", "65")),
        ),
        ("breeding", "piglet_rearing"),
    ),
)


@dataclass(frozen=True, slots=True)
class PlausibilityRule:
    """How far a farm's reported moves and herd may differ from the certificates."""

    name: str
    effective: date
    source: str
    tolerance_head: int  # differences up to this many head are not listed
    tolerance_share: float  # ... nor up to this share of the larger figure


PLAUSIBILITY_RULES: tuple[PlausibilityRule, ...] = (
    PlausibilityRule(
        "herd_movement_plausibility",
        date(2020, 1, 1),
        "pigdata default, after the Danish Veterinary and Food Administration's CHR checks; "
        "unverified, set per region",
        5,
        0.05,
    ),
)


def rule_on(rules: Sequence[_T], day: date) -> _T | None:
    """Give the rule in force on a day: the latest whose effective date is not after it."""
    current = [r for r in rules if r.effective <= day]
    return max(current, key=lambda r: r.effective) if current else None


def control_region(control: RegionalControl, premises_code: str) -> ControlRegion | None:
    """Give the control region of a premises (by its code's province), if any."""
    province = premises_code[:2]
    return next((r for r in control.regions if province in r.provinces), None)
