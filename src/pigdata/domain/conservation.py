"""Conservation thresholds and rules as data: each with its value, effective date and source.

A breed's effective population size is classed by the EAAP risk bands for pigs; a ministry
or breed society may set its own bands, so they are data with a date, not literals in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class RiskBand:
    """A risk class that applies while Ne is below `upper` (and at or above the band before)."""

    name: str
    zh: str
    upper: float


@dataclass(frozen=True, slots=True)
class RiskScale:
    """A set of risk bands for effective population size, with when and by whom it was set."""

    name: str
    effective: date
    source: str
    bands: tuple[RiskBand, ...]
    not_at_risk: RiskBand

    def classify(self, ne: float) -> RiskBand:
        """Give the band an effective population size falls in."""
        for band in self.bands:
            if ne < band.upper:
                return band
        return self.not_at_risk


EAAP_PIGS = RiskScale(
    name="EAAP risk status for pigs by effective population size",
    effective=date(1998, 1, 1),  # in use since the 1990s: the day is unverified
    source=(
        "EAAP Animal Genetic Data Bank risk categories (Simon & Buchenauer 1993; "
        "Gandini et al. 2004, Livest. Prod. Sci. 91:173)"
    ),
    bands=(
        RiskBand("critical", "危险", 33.0),
        RiskBand("endangered", "濒危", 47.0),
        RiskBand("minimally endangered", "轻度濒危", 74.0),
        RiskBand("potentially endangered", "潜在濒危", 157.0),
    ),
    not_at_risk=RiskBand("not at risk", "无危险", float("inf")),
)


@dataclass(frozen=True, slots=True)
class MatingRules:
    """The mating rules of a conservation farm."""

    name: str
    effective: date
    source: str
    son_per_boar: int  # each boar leaves at least this many sons for replacement
    daughter_per_sow: int  # each sow leaves at least this many daughters
    forbid_full_sibs: bool
    forbid_half_sibs: bool


NY_T_3451_2019 = MatingRules(
    name="家畜遗传资源保种场保种技术规范 (conservation farms)",
    effective=date(2019, 11, 1),  # implementation date: unverified
    source="NY/T 3451-2019",
    son_per_boar=1,
    daughter_per_sow=1,
    forbid_full_sibs=True,
    forbid_half_sibs=True,
)
