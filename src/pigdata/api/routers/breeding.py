"""Breeding and germplasm: herdbooks, pedigree checks, inbreeding, kinship, population
statistics, BLUP evaluations and conservation mating plans."""

from __future__ import annotations

import dataclasses
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pigdata.api.bounds import Offset
from pigdata.api.deps import Conn, Who
from pigdata.api.json_body import JsonBodyRoute
from pigdata.api.params import OptionalYear
from pigdata.api.wire import breeding as wire
from pigdata.domain.records import Year

# The breeding services pull in Numba and SciPy, which take seconds to import: they are
# imported by the first breeding request, not when the application starts.

router = APIRouter(prefix="/api/v1/breeding", tags=["breeding"], route_class=JsonBodyRoute)

# A herdbook code (pigdata.domain.records.HerdbookCode) or empty, for the node's own.
HerdbookQuery = Annotated[
    str,
    Query(
        description="herdbook code (empty: the node's own)",
        pattern=r"^([0-9A-Za-z][0-9A-Za-z_\-]{0,39})?$",
    ),
]


def _json(value: Any) -> Any:
    # Dataclasses to plain JSON; NaN and infinity (no pedigree depth, no ΔF) become null.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _answer(call: Any, *args: Any, **kwargs: Any) -> Any:
    return _json(call(*args, **kwargs))


@router.get("/herdbooks", response_model=list[wire.HerdbookSummary])
def herdbooks(conn: Conn) -> Any:
    """Give every herdbook with its number of animals (public)."""
    from pigdata.services import breeding

    return _json(breeding.list_herdbooks(conn))


@router.get("/check", response_model=wire.CheckReport)
def check(conn: Conn, herdbook: HerdbookQuery = "") -> Any:
    """Give the pedigree checks of a herdbook (public: counts and IDs of faulty records)."""
    from pigdata.services import breeding

    return _answer(breeding.check_herdbook, conn, herdbook)


@router.get("/inbreeding", response_model=wire.InbreedingReport)
def inbreeding(
    conn: Conn,
    who: Who,
    herdbook: HerdbookQuery = "",
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> Any:
    """Give inbreeding coefficients, most inbred first (aggregates only for the public)."""
    from pigdata.services import breeding

    return _answer(breeding.inbreeding_report, conn, who, herdbook, offset, limit)


@router.get("/kinship", response_model=wire.KinshipReport)
def kinship(
    conn: Conn,
    who: Who,
    id: Annotated[list[str], Query(description="animal IDs (repeat the parameter)")],
    herdbook: HerdbookQuery = "",
) -> Any:
    """Give the coefficients of kinship among the chosen animals."""
    from pigdata.services import breeding

    return _answer(breeding.kinship_report, conn, who, id, herdbook)


@router.get("/population", response_model=wire.PopulationReport)
def population(conn: Conn, herdbook: HerdbookQuery = "", year: OptionalYear = None) -> Any:
    """Give Ne, the EAAP risk class, generation intervals and contributions (public)."""
    from pigdata.services import breeding

    return _answer(breeding.population_report, conn, herdbook, year)


class EvaluationRequest(BaseModel):
    """What to evaluate, with the variance components."""

    traits: list[str] = Field(min_length=1, max_length=10)
    herdbook: str = ""
    heritability: float | None = Field(default=None, gt=0, lt=1)
    genetic: list[list[float]] | None = None
    residual: list[list[float]] | None = None
    fixed: list[str] | None = Field(
        default=None, description="fixed effects among group and sex (default: both)"
    )
    offset: Offset = 0
    limit: int = Field(default=100, ge=1, le=100_000)


@router.post("/evaluation", response_model=wire.EvaluationReport)
def evaluation(request: EvaluationRequest, conn: Conn, who: Who) -> Any:
    """Run animal-model BLUP (PCG) and give breeding values, best first."""
    from pigdata.services import breeding_plans

    return _answer(
        breeding_plans.evaluation_report,
        conn,
        who,
        request.traits,
        request.herdbook,
        heritability=request.heritability,
        genetic=request.genetic,
        residual=request.residual,
        fixed=request.fixed,
        offset=request.offset,
        limit=request.limit,
    )


class MatingRequest(BaseModel):
    """Whose matings to plan: a herd's latest (or a given year's) animals, or explicit lists."""

    herdbook: str = ""
    herd: str | None = None
    year: Year | None = None
    boars: list[str] | None = None
    sows: list[str] | None = None


@router.post("/mating-plan", response_model=wire.MatingPlanReport)
def mating_plan(request: MatingRequest, conn: Conn, who: Who) -> Any:
    """Propose the least-kinship matings under NY/T 3451, with ΔF and Ne beside random mating."""
    from pigdata.services import breeding_plans

    return _answer(
        breeding_plans.mating_plan_report,
        conn,
        who,
        request.herdbook,
        request.herd,
        boars=request.boars,
        sows=request.sows,
        year=request.year,
    )
