"""The breeding reports as the API writes them (`services.breeding`, `breeding_plans`).

The services' dataclasses are not imported here: they pull in Numba and SciPy, which the
application loads on the first breeding request only. These models follow them field by
field (tests/api/test_openapi_responses.py holds them to it), with one difference: a number
that is not finite (no pedigree depth, no ΔF) is written as null.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

Real = Annotated[float | None, Field(description="null when not finite")]


class HerdbookSummary(BaseModel):
    herdbook: str
    animals: int
    with_sire: int
    with_dam: int


class Finding(BaseModel):
    """One kind of pedigree error, how many animals it touches and some of their IDs."""

    rule: str
    zh: str
    en: str
    count: int
    ids: list[str]
    fatal: bool


class CheckReport(BaseModel):
    herdbook: str
    animals: int
    usable: bool
    findings: list[Finding]


class AnimalInbreeding(BaseModel):
    registry_id: str
    sire: str | None
    dam: str | None
    inbreeding: Real
    equivalent_generations: Real
    complete_generations: Real
    herd: str | None


class InbreedingReport(BaseModel):
    herdbook: str
    animals: int
    mean_inbreeding: Real
    inbred: int
    max_inbreeding: Real
    mean_equivalent_generations: Real
    rows: list[AnimalInbreeding] = Field(description="empty for the public")
    shown_from: int
    visible: int


class KinshipReport(BaseModel):
    herdbook: str
    ids: list[str]
    kinship: list[list[Real]]


class Interval(BaseModel):
    """The mean age of parents (years) at their offspring's birth along one pathway."""

    pathway: str
    years: Real
    count: int


class Contribution(BaseModel):
    registry_id: str
    share: Real


class PopulationReport(BaseModel):
    herdbook: str
    reference: str = Field(description="how the reference population was chosen")
    reference_size: int
    sires: int
    dams: int
    mean_inbreeding: Real
    mean_equivalent_generations: Real
    mean_individual_delta_f: Real
    ne_individual: Real
    ne_sex_ratio: Real
    risk_class: str
    risk_class_zh: str
    risk_scale: str
    generation_intervals: list[Interval]
    mean_generation_interval: Real
    effective_founders: Real
    effective_ancestors: Real
    founder_genome_equivalents: Real
    main_ancestors: list[Contribution]


class BreedingValue(BaseModel):
    registry_id: str
    breeding_values: list[Real]
    reliabilities: list[Real] | None
    phenotyped: bool


class EvaluationReport(BaseModel):
    herdbook: str
    traits: list[str]
    fixed_effects: list[str]
    genetic_covariance: list[list[Real]]
    residual_covariance: list[list[Real]]
    records: int
    animals: int
    equations: int
    iterations: int
    relative_residual: Real
    rows: list[BreedingValue]
    shown_from: int
    visible: int


class PlannedMating(BaseModel):
    boar: str
    sow: str
    kinship: Real
    keep_son: bool


class MatingPlanReport(BaseModel):
    herdbook: str
    herd: str | None
    rules: str
    boars: int
    sows: int
    matings: list[PlannedMating]
    unmatched_sows: list[str]
    mean_offspring_inbreeding: Real
    random_offspring_inbreeding: Real
    mean_kinship_next_generation: Real
    random_kinship_next_generation: Real
    delta_f: Real
    ne: Real
    random_delta_f: Real
    random_ne: Real
