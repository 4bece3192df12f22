"""A price quote adds one row in `price_quotes`."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day, number
from pigdata.store import tables as t


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    row = {
        "entry_seq": seq,
        "location": body["location"],
        "date": day(body, "date"),
        "item": body["item"],
        "price": number(body, "price"),
        "unit": body["unit"],
    }
    return [(t.price_quotes, row)]
