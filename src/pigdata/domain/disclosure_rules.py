"""Statistical disclosure control of published aggregates: the rule as data, and its test.

A cell of a table (one figure of one region in one month, say) is withheld from a reader not
entitled to the records behind it when it rests on too few contributors (the threshold
rule) or when its largest contributors make most of it (the (n, k) dominance rule: the n
largest contributors give more than k % of the cell). Both are the usual primary
suppression rules of statistical agencies (Eurostat, *Handbook on Statistical Disclosure
Control*, 2010, §4.2 "Sensitivity rules"; Hundepool et al., *Statistical Disclosure Control*,
Wiley 2012, §4.2). The numbers are data with a name and a source, so that a change of policy
is a new rule here and not an edit of the code applying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

SDC_SOURCE = (
    "Eurostat, Handbook on Statistical Disclosure Control (2010), §4.2; Hundepool et al., "
    "Statistical Disclosure Control (Wiley 2012), §4.2: threshold rule and (n, k) dominance"
)

# Why each figure is withheld; the names are the rules a response cites.
MIN_CONTRIBUTORS = "disclosure.min_contributors"
DOMINANCE = "disclosure.dominance"
COMPLEMENTARY = "disclosure.complementary"
DERIVED = "disclosure.derived"


@dataclass(frozen=True, slots=True)
class DisclosureRule:
    """The thresholds under which a cell is withheld."""

    name: str
    effective: date
    source: str
    min_contributors: int  # fewer reporting units than this: withheld
    dominance_n: int  # the n largest contributors ...
    dominance_k_pct: float  # ... giving more than k % of the cell: withheld


DISCLOSURE_RULES: tuple[DisclosureRule, ...] = (
    DisclosureRule("sdc_5_1_85", date(2020, 1, 1), SDC_SOURCE, 5, 1, 85.0),
)
RULE = DISCLOSURE_RULES[-1]


@dataclass(frozen=True, slots=True)
class Cell:
    """What the test needs of one cell: its contributors, its total and its largest parts.

    `largest` holds the biggest contributions, largest first (at least `dominance_n` of
    them where there are that many), so that cells can be merged.
    """

    contributors: int
    total: float
    largest: tuple[float, ...] = ()

    def merged(self, other: Cell) -> Cell:
        """Give the cell of both cells' contributors together."""
        top = tuple(sorted((*self.largest, *other.largest), reverse=True))
        return Cell(self.contributors + other.contributors, self.total + other.total, top)


def merge_all(cells: Iterable[Cell]) -> Cell:
    """Give the cell of all the cells' contributors together."""
    whole = Cell(0, 0.0)
    for cell in cells:
        whole = whole.merged(cell)
    return whole


def sensitive(cell: Cell, rule: DisclosureRule = RULE) -> str | None:
    """Give the rule a cell breaks (None when it may be published)."""
    if cell.contributors == 0:
        return None  # nothing reported: an empty cell discloses nobody
    if cell.contributors < rule.min_contributors:
        return MIN_CONTRIBUTORS
    top = sum(sorted(cell.largest, reverse=True)[: rule.dominance_n])
    if cell.total > 0 and 100.0 * top > rule.dominance_k_pct * cell.total:
        return DOMINANCE
    return None
