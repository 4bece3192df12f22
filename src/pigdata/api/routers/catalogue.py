"""Reading records: premises, animals and the events of the chain, within the caller's view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pigdata.api.bounds import LedgerIndex
from pigdata.api.deps import Conn, Who
from pigdata.api.openapi import problems
from pigdata.api.params import OptionalDay, OptionalMonth
from pigdata.api.problems import Problem
from pigdata.api.wire import rows
from pigdata.services import catalogue

router = APIRouter(prefix="/api/v1", tags=["records"])

Limit = Annotated[int, Query(ge=1, le=catalogue.MAX_LIMIT)]
Rows = list[dict[str, Any]]


@router.get("/premises", response_model=rows.many(rows.Premises), responses=problems(404))
def list_premises(
    conn: Conn,
    who: Who,
    region: str | None = None,
    premises_type: str | None = None,
    after: str | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give registered premises, by code; `after` is the last code of the previous page."""
    return catalogue.list_premises(
        conn, who, region=region, premises_type=premises_type, after=after, limit=limit
    )


@router.get("/premises/{code}", response_model=rows.Premises, responses=problems(404))
def get_premises(code: str, conn: Conn, who: Who) -> dict[str, Any]:
    """Give one premises."""
    found = catalogue.get_premises(conn, who, code)
    if found is None:
        raise Problem(404, "Not found", f"场所 {code} 未备案 / premises {code} not found")
    return found


@router.get("/animals/{ear_tag}", response_model=rows.Animal, responses=problems(404))
def get_animal(ear_tag: str, conn: Conn, who: Who) -> dict[str, Any]:
    """Give one animal by its ear tag."""
    found = catalogue.get_animal(conn, who, ear_tag)
    if found is None:
        raise Problem(404, "Not found", f"耳标 {ear_tag} 未登记 / animal {ear_tag} not found")
    return found


@router.get("/movements", response_model=rows.many(rows.Movement))
def list_movements(
    conn: Conn,
    who: Who,
    premises: str | None = None,
    since: OptionalDay = None,
    until: OptionalDay = None,
    after: LedgerIndex | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give movements with their certificates and ear tags; `after` is an entry index."""
    return catalogue.list_movements(
        conn, who, premises=premises, since=since, until=until, after=after, limit=limit
    )


@router.get("/herd-reports", response_model=rows.many(rows.HerdReport))
def list_herd_reports(
    conn: Conn,
    who: Who,
    premises: str | None = None,
    month: OptionalMonth = None,
    after: LedgerIndex | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give monthly herd reports."""
    return catalogue.list_herd_reports(
        conn, who, premises=premises, month=month, after=after, limit=limit
    )


@router.get("/trades", response_model=rows.many(rows.Trade))
def list_trades(
    conn: Conn,
    who: Who,
    premises: str | None = None,
    since: OptionalDay = None,
    until: OptionalDay = None,
    after: LedgerIndex | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give market trades."""
    return catalogue.list_trades(
        conn, who, premises=premises, since=since, until=until, after=after, limit=limit
    )


@router.get("/slaughters", response_model=rows.many(rows.Slaughter))
def list_slaughters(
    conn: Conn,
    who: Who,
    premises: str | None = None,
    since: OptionalDay = None,
    until: OptionalDay = None,
    after: LedgerIndex | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give slaughter records."""
    return catalogue.list_slaughters(
        conn, who, premises=premises, since=since, until=until, after=after, limit=limit
    )


@router.get("/price-quotes", response_model=rows.many(rows.PriceQuote))
def list_price_quotes(
    conn: Conn,
    who: Who,
    item: str | None = None,
    location: str | None = None,
    since: OptionalDay = None,
    until: OptionalDay = None,
    after: LedgerIndex | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give price quotes."""
    return catalogue.list_price_quotes(
        conn, who, item=item, location=location, since=since, until=until, after=after, limit=limit
    )


@router.get("/outbreak-reports", response_model=rows.many(rows.OutbreakReport))
def list_outbreak_reports(
    conn: Conn,
    who: Who,
    premises: str | None = None,
    after: LedgerIndex | None = None,
    limit: Limit = 100,
) -> Rows:
    """Give outbreak reports."""
    return catalogue.list_outbreak_reports(conn, who, premises=premises, after=after, limit=limit)
