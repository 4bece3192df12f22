"""Constants of the sow-herd production figures and their benchmarks, with their sources.

The formulas are those of DOMAIN.md (Production figures); the constants below are the
choices a monthly herd report forces, kept here as data so that they can be changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pigdata.domain.disclosure_rules import RULE


@dataclass(frozen=True, slots=True)
class Constant:
    """A named value with where it comes from."""

    name: str
    value: float
    source: str


GESTATION_DAYS = Constant(
    "gestation_days", 114.0, "DOMAIN.md biology: gestation 114–115 days (lower bound used)"
)
LACTATION_DAYS = Constant(
    "lactation_days",
    24.0,
    "DOMAIN.md biology: lactation 21–28 days; herd reports carry no weaning ages, so the "
    "middle of the range (rounded down) is assumed",
)
# Services that could farrow in a month were made about 114 days (3.8 months) before it.
FARROWING_LAG_MONTHS = 4
# DOMAIN.md: benchmarks report the top 10 %, median and bottom 10 % and never show a group
# smaller than the disclosure rule's minimum (5 farms).
MIN_GROUP = RULE.min_contributors
PERCENTILES = (10.0, 50.0, 90.0)
