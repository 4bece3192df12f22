"""Animal health: the outbreak spread estimate from a suspected index premises."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pigdata.api.deps import Conn, Who
from pigdata.api.openapi import media, problems
from pigdata.domain.records import BoundedDay
from pigdata.services.health import spread

router = APIRouter(prefix="/api/v1/animal-health", tags=["animal health"])


@router.get(
    "/spread/{premises}",
    response_model=spread.SpreadReport,
    responses={**media("text/csv", "the premises as CSV (format=csv)"), **problems(404)},
)
def spread_estimate(
    premises: str,
    conn: Conn,
    who: Who,
    index_date: Annotated[BoundedDay, Query(alias="date", description="the index day, YYYY-MM-DD")],
    until: Annotated[BoundedDay, Query(description="the end day, YYYY-MM-DD")],
    runs: Annotated[int, Query(ge=1, le=spread.MAX_RUNS)] = spread.DEFAULT_RUNS,
    seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
    method: Annotated[
        spread.SpreadMethod, Query(description="monte_carlo, or exact for tree-like networks")
    ] = spread.SpreadMethod.monte_carlo,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    """Give, per premises, the probability that an infection of `premises` on `date` has
    reached it by `until` (seeded Monte Carlo), ranked for visits (or CSV)."""
    first: dt.date = index_date
    report = spread.estimate_spread(conn, who, premises, first, until, runs, seed, method=method)
    if format == "csv":
        name = f"spread-{premises}-{first.isoformat()}-{until.isoformat()}.csv"
        return Response(
            spread.spread_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return asdict(report)
