"""Rule data of the outbreak spread estimate: how likely a movement or a neighbour infects.

Each parameter set carries its name, effective date and source, as the other health rules do
(`pigdata.domain.health_rules`); `rule_on(SPREAD_RULES, day)` gives the set in force on the
index day. docs/methodology/spread.md states which values are taken from the literature and
which are assumptions of pigdata's; the assumed ones are marked *unverified* there and are
meant to be replaced per region by a new entry here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

HALASA_2016 = (
    "Halasa T, Bøtner A, Mortensen S, Christensen H, Toft N, Boklund A (2016). Simulating the "
    "epidemiological and economic effects of an African swine fever epidemic in industrialized "
    "swine populations. Veterinary Microbiology 193:7-16"
)
BOENDER_2007 = (
    "Boender GJ, Hagenaars TJ, Bouma A, Nodelijk G, Elbers ARW, de Jong MCM, van Boven M "
    "(2007). Risk maps for the spread of highly pathogenic avian influenza in poultry. "
    "PLoS Computational Biology 3(4):e71"
)
EFSA_2010 = (
    "EFSA Panel on Animal Health and Welfare (2010). Scientific Opinion on African swine fever. "
    "EFSA Journal 8(3):1556"
)


@dataclass(frozen=True, slots=True)
class SpreadRule:
    """The parameters of the between-herd model, in force from a date.

    A movement of `heads` pigs out of an infectious herd infects its destination with
    probability 1 - (1 - per_head_probability) ** heads: each pig moved is taken to carry the
    virus independently with that probability (the within-herd prevalence of the herd it
    leaves), and one infected pig is taken to infect the herd it arrives in. Local spread: an
    infectious herd at distance d km (d ≤ kernel_cutoff_km) infects a susceptible one on a
    day with probability 1 - exp(-h(d)), h(d) = kernel_h0 / (1 + (d / kernel_r0_km) **
    kernel_alpha), independently of every other source. A herd infected on day τ is
    infectious from day τ + latent_days on, until the end of the window (no detection).
    """

    name: str
    effective: date
    source: str
    per_head_probability: float
    latent_days: int
    kernel_h0: float  # daily hazard at distance 0
    kernel_r0_km: float
    kernel_alpha: float
    kernel_cutoff_km: float  # no local spread beyond this distance

    def movement_probability(self, heads: int) -> float:
        """Give the probability that a movement of `heads` pigs out of an infectious herd
        infects its destination."""
        return 1.0 - math.pow(1.0 - self.per_head_probability, max(heads, 0))

    def daily_hazard(self, km: float) -> float:
        """Give the daily hazard of local spread from one infectious herd `km` away."""
        if km > self.kernel_cutoff_km or self.kernel_h0 <= 0.0:
            return 0.0
        return self.kernel_h0 / (1.0 + math.pow(km / self.kernel_r0_km, self.kernel_alpha))

    def daily_probability(self, km: float) -> float:
        """Give the probability that one infectious herd `km` away infects on one day."""
        return -math.expm1(-self.daily_hazard(km))


SPREAD_RULES: tuple[SpreadRule, ...] = (
    SpreadRule(
        "asf_spread_estimate",
        date(2018, 8, 1),  # African swine fever's first report in China (Liaoning, Aug 2018)
        f"movement transmission after {HALASA_2016}; kernel form and scale after "
        f"{BOENDER_2007}; incubation after {EFSA_2010}; values assumed by pigdata "
        "(unverified, set per region)",
        per_head_probability=0.05,
        latent_days=0,
        kernel_h0=0.002,
        kernel_r0_km=1.9,
        kernel_alpha=2.1,
        kernel_cutoff_km=3.0,
    ),
)
