"""Warning levels of the government pork reserve plan, as data with their source.

The plan (完善政府猪肉储备调节机制 做好猪肉市场保供稳价工作预案, 2021) warns on the
weekly hog–grain ratio when hogs are cheap and, as applied in 2022, on the year-on-year
rise of the lean-pork retail price when pork is dear. Level 1 is the most severe. A
ministry can change these figures: a new rule set with a later effective date replaces
the old one from that date on (see `rules_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class DownsideRule:
    """Hog–grain ratio levels: below `level1_below` is level 1; between it and
    `level3_below` for `level2_weeks` consecutive weeks is level 2; any other week below
    `level3_below` is level 3."""

    level1_below: float
    level3_below: float
    level2_weeks: int


@dataclass(frozen=True, slots=True)
class UpsideRule:
    """Year-on-year rise of the weekly lean-pork retail price (a fraction): above
    `level1_above` level 1, from `level2_from` up to it level 2, below `level2_from` none."""

    level2_from: float
    level1_above: float


@dataclass(frozen=True, slots=True)
class WarningRules:
    """One published set of warning thresholds."""

    name: str
    effective: date
    source: str
    downside: DownsideRule
    upside: UpsideRule


RESERVE_PLAN_2021 = WarningRules(
    name="完善政府猪肉储备调节机制 做好猪肉市场保供稳价工作预案 (2021)",
    effective=date(2021, 6, 1),
    source=(
        "National Development and Reform Commission et al., 2021 pork reserve plan; upside "
        "bands as applied in 2022 (36 large and medium cities' lean-pork retail price)"
    ),
    downside=DownsideRule(level1_below=5.0, level3_below=6.0, level2_weeks=3),
    upside=UpsideRule(level2_from=0.30, level1_above=0.40),
)

# Oldest first. Weeks before the first rule set are judged by it too: the 2021 plan is the
# first with these levels, and history is read in its terms (docs/methodology/price-warnings.md).
RULE_SETS: tuple[WarningRules, ...] = (RESERVE_PLAN_2021,)


def rules_on(day: date) -> WarningRules:
    """Give the rule set in force on a day (the earliest one for days before any)."""
    chosen = RULE_SETS[0]
    for rules in RULE_SETS:
        if rules.effective <= day:
            chosen = rules
    return chosen
