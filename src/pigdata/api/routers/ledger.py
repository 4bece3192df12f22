"""The ledger's size and its entries by range."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query

from pigdata.access.principal import Role
from pigdata.api.deps import Conn, Who, require_role
from pigdata.ledger.entry import decode_entry
from pigdata.store import tables as t

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


@router.get("/head")
def head(conn: Conn) -> dict[str, int]:
    """Give the number of entries in the ledger."""
    return {"size": int(conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0)}


@router.get("/entries")
def entries(
    conn: Conn,
    who: Who,
    start: Annotated[int, Query(ge=0)] = 0,
    end: Annotated[int | None, Query(ge=0, description="exclusive; at most start+1000")] = None,
) -> list[dict[str, Any]]:
    """Give entries [start, end): index, kind, the entry as JSON and its leaf hash (admins)."""
    require_role(who, Role.admin)
    stop = min(end if end is not None else start + 100, start + 1000)
    e = t.ledger_entries
    rows = conn.execute(
        sa.select(e).where(e.c.seq >= start, e.c.seq < stop).order_by(e.c.seq)
    ).all()
    return [
        {
            "seq": row.seq,
            "kind": row.kind,
            "entry": decode_entry(row.entry),
            "entry_bytes_hex": row.entry.hex(),
            "leaf_hash": row.leaf_hash.hex(),
        }
        for row in rows
    ]
