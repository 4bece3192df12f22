"""Keeping `herd_month_sums` (herd-report sums by county and month) with `herd_reports`.

Each change is one set-based statement: the reports just added (or about to be removed) are
summed by county and month in SQL and merged into the sums with INSERT ... ON CONFLICT DO
UPDATE (SQLite 3.24+ and PostgreSQL), so a batch costs one statement, not one per report.
A sum whose last report is removed is deleted, so that replaying the ledger (`pigdata
rebuild`) gives the very same rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from pigdata.domain.records import HERD_COUNTS
from pigdata.store import tables as t

_SUMMED = ("reports", *HERD_COUNTS)


def _merge(conn: Connection, which: sa.ColumnElement[bool], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the sums of the herd reports that match."""
    h, s = t.herd_reports, t.herd_month_sums
    county = sa.func.substr(h.c.premises, 1, 6)
    sums = sa.select(
        county,
        h.c.month,
        sa.func.count() * sign,
        *(sa.func.sum(h.c[name]) * sign for name in HERD_COUNTS),
    ).where(which)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(s).from_select(
        ["county", "month", *_SUMMED], sums.group_by(county, h.c.month)
    )
    merged = insert.on_conflict_do_update(
        index_elements=[s.c.county, s.c.month],
        set_={name: s.c[name] + insert.excluded[name] for name in _SUMMED},
    )
    conn.execute(merged)


def add_reports(conn: Connection, first_seq: int, last_seq: int) -> None:
    """Add the reports of entries first_seq to last_seq, just inserted, to the sums.

    Entries are applied in ledger order, so no report of an earlier batch lies in the range.
    """
    h = t.herd_reports
    _merge(conn, h.c.entry_seq.between(first_seq, last_seq), 1)


def remove_report(conn: Connection, seq: int) -> None:
    """Take the report of an entry (if it made one) out of the sums, before it is deleted."""
    h, s = t.herd_reports, t.herd_month_sums
    county = sa.func.substr(h.c.premises, 1, 6)
    found = conn.execute(sa.select(county, h.c.month).where(h.c.entry_seq == seq)).first()
    if found is None:
        return
    _merge(conn, h.c.entry_seq == seq, -1)
    conn.execute(s.delete().where(s.c.county == found[0], s.c.month == found[1], s.c.reports == 0))
