"""Applying ledger entries to the projection tables, in ledger order, in batches.

Plain records only add rows, so runs of them are inserted with one executemany per table.
A correction removes every row its superseded entry made and adds its replacement's rows.
The same code serves ingest and `pigdata rebuild`, so a rebuild gives identical tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.projections import herd_sums, price_weeks
from pigdata.projections._values import Row
from pigdata.projections.kinds import ROW_BUILDERS
from pigdata.store import tables as t
from pigdata.store.bulk import insert_many

# A superseded entry's rows may sit in any of these; `corrections` keeps its history, and the
# summaries (no entry_seq) are kept by their own module.
_CORRECTABLE = tuple(
    table for table in t.PROJECTION_TABLES if table is not t.corrections and "entry_seq" in table.c
)


class _Pending:
    """Rows waiting to be inserted, grouped by table in first-seen order."""

    def __init__(self) -> None:
        self.rows: dict[sa.Table, list[Row]] = {}

    def add(self, added: Iterable[tuple[sa.Table, Row]]) -> None:
        for table, row in added:
            self.rows.setdefault(table, []).append(row)

    def flush(self, conn: Connection) -> None:
        for table, rows in self.rows.items():
            insert_many(conn, table, rows)
        reports = self.rows.get(t.herd_reports)
        if reports:
            herd_sums.add_reports(conn, reports[0]["entry_seq"], reports[-1]["entry_seq"])
        priced = price_weeks.quote_keys(self.rows.get(t.price_quotes, ()))
        priced |= price_weeks.trade_keys(self.rows.get(t.trades, ()))
        price_weeks.refresh(conn, priced)
        self.rows.clear()


def _apply_correction(conn: Connection, seq: int, body: Row, pending: _Pending) -> None:
    target = body["supersedes"]
    herd_sums.remove_report(conn, target)
    priced = price_weeks.keys_of_entry(conn, target)
    for table in _CORRECTABLE:
        conn.execute(table.delete().where(table.c.entry_seq == target))
    price_weeks.refresh(conn, priced)
    replacement = body.get("replacement")
    if replacement is not None:
        pending.add(ROW_BUILDERS[replacement["kind"]](seq, replacement))
    pending.add(
        [
            (
                t.corrections,
                {
                    "entry_seq": seq,
                    "supersedes": target,
                    "reason": body["reason"],
                    "has_replacement": replacement is not None,
                },
            )
        ]
    )


def apply_entries(conn: Connection, entries: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """Apply (seq, record body) pairs to the projections, in the order given."""
    pending = _Pending()
    for seq, body in entries:
        kind = body["kind"]
        if kind == "correction":
            pending.flush(conn)
            _apply_correction(conn, seq, body, pending)
            pending.flush(conn)
        else:
            pending.add(ROW_BUILDERS[kind](seq, body))
    pending.flush(conn)
