"""Erasing personal data on request (PIPL art. 47), without touching the ledger."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pigdata.api.deps import EngineDep, Who
from pigdata.api.json_body import JsonBodyRoute
from pigdata.services import personal

router = APIRouter(prefix="/api/v1/personal", tags=["personal data"], route_class=JsonBodyRoute)


class ErasureRequest(BaseModel):
    """One person's value of one personal field, to be erased wherever it is stored."""

    field: Literal["carrier", "owner"]
    value: str = Field(min_length=1, max_length=200)


class ErasureDone(BaseModel):
    field: str
    values_erased: int = Field(description="how many stored values were dropped")


@router.post("/erasures")
def erase(request: ErasureRequest, engine: EngineDep, who: Who) -> ErasureDone:
    """Erase a personal value (admins): entries keep their commitments, proofs stay valid."""
    done = personal.erase(engine, who, request.field, request.value)
    return ErasureDone(field=done.field, values_erased=done.values_erased)
