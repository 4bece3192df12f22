"""Rebuilding every projection table from the ledger alone."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata.ledger.personal_store import plain_records
from pigdata.projections.apply import apply_entries
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

_CHUNK = 10_000


def ledger_size(engine: Engine) -> int:
    """Give the number of entries in the ledger."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(t.ledger_head.c.size)).scalar_one())


def rebuild_projections(engine: Engine, on_chunk: Callable[[int], None] | None = None) -> int:
    """Empty the projection tables and replay the whole ledger into them; give entries replayed.

    One transaction: readers keep seeing the old tables until the new ones are complete.
    """
    with write_transaction(engine) as conn:
        return replay_ledger(conn, on_chunk)


def replay_ledger(conn: Connection, on_chunk: Callable[[int], None] | None = None) -> int:
    """Empty the projection tables and apply every entry again, in the caller's transaction;
    give the entries replayed. The audit does this inside a savepoint it rolls back."""
    e = t.ledger_entries
    for table in reversed(t.PROJECTION_TABLES):
        conn.execute(table.delete())
    last = -1
    replayed = 0
    while True:
        chunk = conn.execute(
            sa.select(e.c.seq, e.c.entry).where(e.c.seq > last).order_by(e.c.seq).limit(_CHUNK)
        ).all()
        if not chunk:
            return replayed
        apply_entries(conn, plain_records(conn, [(row.seq, row.entry) for row in chunk]))
        last = chunk[-1].seq
        replayed += len(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
