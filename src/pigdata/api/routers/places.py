"""Administrative divisions and the public aggregates of a region."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from pigdata.api.answers import Kept
from pigdata.api.deps import Conn, SettingsDep, Who
from pigdata.api.openapi import KEPT, problems
from pigdata.domain import regions
from pigdata.ingest.pipeline import today_in
from pigdata.services import disclosure
from pigdata.services.overview import Overview, region_overview

router = APIRouter(prefix="/api/v1", tags=["regions"])


def _division(d: regions.Division) -> dict[str, Any]:
    return {"code": d.code, "name": d.name, "level": d.level.value, "parent": d.parent}


class Division(BaseModel):
    code: str
    name: str
    level: regions.Level
    parent: str | None


class Region(Division):
    """A division with its full name and the divisions above it, the province first."""

    full_name: str
    ancestors: list[Division]


@router.get("/regions/{code}", response_model=Region, responses=problems(404))
def get_region(code: str) -> dict[str, Any]:
    """Give a division: its name, level, full name and ancestors."""
    division = regions.require(code)
    return {
        **_division(division),
        "full_name": regions.full_name(code),
        "ancestors": [_division(a) for a in regions.ancestors(code)],
    }


@router.get("/regions/{code}/children", response_model=list[Division], responses=problems(404))
def get_children(code: str) -> list[dict[str, Any]]:
    """Give the divisions directly inside one."""
    return [_division(d) for d in regions.children(code)]


@router.get("/stats/overview", response_model=Overview, responses={**KEPT, **problems(404)})
def overview(
    conn: Conn, who: Who, settings: SettingsDep, kept: Kept, region: str = "500153"
) -> Response:
    """Give a region's aggregates (public, under disclosure control): premises by type, latest
    herd month, movements."""
    today = today_in(settings.timezone)  # the 30-day window moves with the day: in the key
    key = ("overview", region, today, disclosure.view_key(who, region))
    return kept.answer(conn, key, lambda: region_overview(conn, who, region, today))
