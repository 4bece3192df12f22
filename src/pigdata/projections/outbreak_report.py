"""An outbreak report adds one row; an outbreak's status is its latest report."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day
from pigdata.store import tables as t

_DATES = ("report_date", "onset_date", "confirmed_date", "last_culling_date", "resolved_date")


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    row: Row = {
        "entry_seq": seq,
        "outbreak_id": body["outbreak_id"],
        "premises": body["premises"],
        "disease": body["disease"],
        "status": body["status"],
        "culled": body["culled"],
    }
    row.update((name, day(body, name)) for name in _DATES)
    return [(t.outbreak_reports, row)]
