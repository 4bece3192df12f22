"""A trade adds one row in `trades`: a lot sold at a market."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day, number
from pigdata.store import tables as t


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    row = {
        "entry_seq": seq,
        "market": body["market"],
        "date": day(body, "date"),
        "head_count": body["head_count"],
        "avg_weight_kg": number(body, "avg_weight_kg"),
        "avg_price": number(body, "avg_price"),
        "seller": body.get("seller"),
        "buyer": body.get("buyer"),
    }
    return [(t.trades, row)]
