"""Quarantine of imported breeding pigs (进境种猪隔离检疫): the isolation period and the tests.

Each rule set carries its name, effective date and source, so that a change of the period or
of the test list is a new entry here, not an edit of the code that applies it. The rule set
of a batch is the one in force on its arrival day (`rule_for`).

What is cited, and how sure it is:

- The 45-day period: 原国家质量监督检验检疫总局令第122号《进境动物隔离检疫场使用监督管理办法》
  (2009; since 2018 administered by 海关总署 GACC), which sets 45 days of isolation for
  imported breeding large and medium animals (进境种用大中动物) and 30 days for others. The
  text was not at hand when this was written: the article and the effective date (recorded
  as 10 December 2009) are from memory and unverified.
- The tests: the list of diseases follows what the bilateral protocols for breeding pigs
  exported to China (输华种猪检疫和卫生要求议定书) require to be tested during isolation; each
  protocol has its own list. The methods name the national diagnostic standards as recalled
  (GB/T 18648 ASF, GB/T 16551 CSF, GB/T 18090 PRRS, GB/T 18641 pseudorabies, GB/T 18646
  brucellosis); the standard numbers and the sampling days are a pigdata default, unverified,
  to be set from the protocol of the exporting country.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pigdata.domain.health_rules import rule_on

ISOLATION_ORDER = (
    "原国家质检总局令第122号《进境动物隔离检疫场使用监督管理办法》(2009)，海关总署执行"
)


@dataclass(frozen=True, slots=True)
class RequiredTest:
    """A test every imported breeding pig batch needs, sampled from given days of isolation."""

    disease: str  # a QuarantineDisease value (pigdata.domain.records)
    name_zh: str
    method: str  # the method the rule names; the result records the method actually used
    # Each entry is a sampling: a negative result sampled on or after that day of isolation
    # (the arrival day is day 0). Two entries need two results on two different days.
    sample_days: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class QuarantineRule:
    """The isolation period and the required tests in force from a date."""

    name: str
    effective: date
    source: str
    period_days: int  # release is taken from arrival + period_days on
    tests: tuple[RequiredTest, ...]
    tests_source: str

    def release_day(self, arrival: date) -> date:
        """Give the first day a batch that arrived on `arrival` may be released."""
        return arrival + timedelta(days=self.period_days)


QUARANTINE_RULES: tuple[QuarantineRule, ...] = (
    QuarantineRule(
        "import_breeding_pig_isolation",
        date(2009, 12, 10),
        ISOLATION_ORDER + "；第22条等（条文未核对，unverified）",
        45,
        (
            RequiredTest("african_swine_fever", "非洲猪瘟", "qPCR (GB/T 18648)", (0, 30)),
            RequiredTest("classical_swine_fever", "猪瘟", "RT-PCR / ELISA (GB/T 16551)", (30,)),
            RequiredTest("prrs", "猪繁殖与呼吸综合征", "RT-PCR (GB/T 18090)", (30,)),
            RequiredTest("porcine_epidemic_diarrhoea", "猪流行性腹泻", "RT-PCR", (30,)),
            RequiredTest("pseudorabies", "伪狂犬病", "gE-ELISA (GB/T 18641)", (30,)),
            RequiredTest("transmissible_gastroenteritis", "猪传染性胃肠炎", "RT-PCR", (30,)),
            RequiredTest("brucellosis", "布鲁氏菌病", "RBT / ELISA (GB/T 18646)", (30,)),
        ),
        "输华种猪检疫和卫生要求议定书 (per exporting country); pigdata default list and "
        "sampling days, unverified",
    ),
)


def rule_for(arrival: date) -> QuarantineRule:
    """Give the rule set in force on a batch's arrival day (the earliest before any)."""
    return rule_on(QUARANTINE_RULES, arrival) or min(QUARANTINE_RULES, key=lambda r: r.effective)


def missing_samplings(
    rule: QuarantineRule, negatives: dict[str, list[int]]
) -> list[tuple[str, int]]:
    """Give (disease, day) of each required sampling that no negative result covers.

    `negatives` maps a disease to the isolation days of its negative results. A sampling of
    day d is covered by a result sampled on day d or later; each result covers one sampling,
    matched earliest first, so two samplings need two results on two different days.
    """
    missing: list[tuple[str, int]] = []
    for test in rule.tests:
        days = sorted(set(negatives.get(test.disease, [])))
        used = 0
        for wanted in sorted(test.sample_days):
            while used < len(days) and days[used] < wanted:
                used += 1
            if used < len(days):
                used += 1
            else:
                missing.append((test.disease, wanted))
    return missing
