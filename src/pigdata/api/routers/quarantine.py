"""The import breeding-pig quarantine station: batches, test results, decisions, status."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pigdata.access.principal import Role
from pigdata.api.deps import Conn, EngineDep, SettingsDep, Who, require_role
from pigdata.api.json_body import JsonBodyRoute
from pigdata.api.openapi import problems
from pigdata.services import quarantine

router = APIRouter(prefix="/api/v1/quarantine", tags=["quarantine"], route_class=JsonBodyRoute)
_WRITERS = (Role.admin, Role.government, Role.farm)


class Written(BaseModel):
    seqs: list[int] = Field(description="ledger indexes of the entries written, in order")


class ReleaseIn(BaseModel):
    destination: str
    head_count: int = Field(ge=1, le=100_000)
    certificate_no: str
    foreign_ids: list[str] = Field(default_factory=list, max_length=10_000)


class ReleaseRequest(BaseModel):
    batch_id: str
    date: date
    releases: list[ReleaseIn] = Field(min_length=1, max_length=1000)
    vehicle_plate: str
    carrier: str = Field(min_length=1, max_length=200)


class DestroyRequest(BaseModel):
    batch_id: str
    date: date
    reason: str = Field(min_length=1, max_length=200)


class TestStatusOut(BaseModel):
    results: int
    positive: list[str]
    missing: list[str]


class BatchOut(BaseModel):
    batch_id: str
    station: str
    origin_country: str
    origin_farm: str
    breed: str
    head_count: int
    import_permit: str
    arrival_date: date
    pens: list[str]
    release_from: date
    days_in_isolation: int
    days_left: int
    tests: TestStatusOut
    outcome: str | None
    decided_on: date | None
    head_released: int
    releases: list[tuple[str, int, str]]


@router.post("/batches", response_model=Written)
async def post_batch(
    batch: dict[str, Any], engine: EngineDep, settings: SettingsDep, who: Who
) -> Written:
    """Register an import batch arrived at the station (an `import_batch` record)."""
    require_role(who, *_WRITERS)
    seqs = await anyio.to_thread.run_sync(quarantine.register_batch, engine, settings, who, batch)
    return Written(seqs=seqs)


@router.post("/tests", response_model=Written)
async def post_test(
    result: dict[str, Any], engine: EngineDep, settings: SettingsDep, who: Who
) -> Written:
    """Record a sample's test result (a `quarantine_test` record)."""
    require_role(who, *_WRITERS)
    seqs = await anyio.to_thread.run_sync(quarantine.record_test, engine, settings, who, result)
    return Written(seqs=seqs)


@router.post("/releases", response_model=Written, responses=problems(404))
async def post_release(
    body: ReleaseRequest, engine: EngineDep, settings: SettingsDep, who: Who
) -> Written:
    """Release a batch to named farms: the decision, then one movement per farm."""
    require_role(who, *_WRITERS)
    plans = [
        quarantine.ReleasePlan(r.destination, r.head_count, r.certificate_no, tuple(r.foreign_ids))
        for r in body.releases
    ]

    def run() -> list[int]:
        return quarantine.release(
            engine,
            settings,
            who,
            batch_id=body.batch_id,
            day=body.date,
            plans=plans,
            vehicle_plate=body.vehicle_plate,
            carrier=body.carrier,
        )

    return Written(seqs=await anyio.to_thread.run_sync(run))


@router.post("/destructions", response_model=Written, responses=problems(404))
async def post_destruction(
    body: DestroyRequest, engine: EngineDep, settings: SettingsDep, who: Who
) -> Written:
    """Reject a batch and have it destroyed (a `quarantine_decision` of outcome destroy)."""
    require_role(who, *_WRITERS)

    def run() -> list[int]:
        return quarantine.destroy(
            engine, settings, who, batch_id=body.batch_id, day=body.date, reason=body.reason
        )

    return Written(seqs=await anyio.to_thread.run_sync(run))


def _out(status: quarantine.BatchStatus) -> dict[str, Any]:
    return dataclasses.asdict(status)


@router.get("/batches", response_model=list[BatchOut])
def get_batches(
    conn: Conn,
    settings: SettingsDep,
    who: Who,
    station: str | None = Query(default=None, pattern=r"^\d{10}$"),
) -> Any:
    """Give the station's batches with days left, test status and decisions."""
    today = quarantine.node_today(settings)
    return [_out(s) for s in quarantine.station_batches(conn, who, today, station)]


@router.get("/batches/{batch_id}", response_model=BatchOut, responses=problems(404))
def get_batch(batch_id: str, conn: Conn, settings: SettingsDep, who: Who) -> Any:
    """Give one batch's status."""
    return _out(quarantine.batch_status(conn, who, batch_id, quarantine.node_today(settings)))
