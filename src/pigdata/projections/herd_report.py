"""A herd report adds one row in `herd_reports`: a farm's month."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, number
from pigdata.store import tables as t

_COUNTS = tuple(
    c.name
    for c in t.herd_reports.columns
    if c.name not in ("entry_seq", "premises", "month", "feed_used_kg")
)


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    row: Row = {"entry_seq": seq, "premises": body["premises"], "month": body["month"]}
    for name in _COUNTS:
        row[name] = body.get(name, 0)
    row["feed_used_kg"] = number(body, "feed_used_kg")
    return [(t.herd_reports, row)]
