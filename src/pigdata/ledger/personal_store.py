"""Personal values beside the ledger: reading them back into records, and disclosing them.

The entries hold commitments (`pigdata.ledger.personal`); the projections, the rebuild and
the audit need the records as they were sent, so they read them through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.ledger import personal
from pigdata.ledger.bundle_format import Disclosure, disclosure
from pigdata.ledger.entry import decode_entry
from pigdata.store import tables as t

_IN_CHUNK = 5000
PathValues = dict[str, str | None]  # dotted path → value, None once erased


def values_of(conn: Connection, seqs: Iterable[int]) -> dict[int, PathValues]:
    """Give the personal values of these entries, by entry and path (None where erased)."""
    p = t.personal_values
    wanted = sorted(set(seqs))
    found: dict[int, PathValues] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        query = sa.select(p.c.seq, p.c.path, p.c.value).where(p.c.seq.in_(chunk))
        for row in conn.execute(query):
            found.setdefault(row.seq, {})[row.path] = row.value
    return found


def plain_records(
    conn: Connection, rows: Sequence[tuple[int, bytes]]
) -> list[tuple[int, dict[str, Any]]]:
    """Give (seq, record as sent) of stored entries, erased values reading ERASED."""
    decoded = [(seq, decode_entry(bytes(entry))) for seq, entry in rows]
    personal_seqs = [seq for seq, entry in decoded if personal.has_commitments(entry)]
    values = values_of(conn, personal_seqs) if personal_seqs else {}
    return [
        (seq, personal.reveal(entry["record"], values[seq]) if seq in values else entry["record"])
        for seq, entry in decoded
    ]


def disclosures(conn: Connection, seqs: Iterable[int]) -> list[Disclosure]:
    """Give the disclosures of these entries' personal values, for a proof bundle.

    Each is ``{"index", "path", "salt", "value"}``, the salt in standard base64: anyone can
    check it against the commitment at that path of the entry. Erased values have none.
    """
    p = t.personal_values
    wanted = sorted(set(seqs))
    if not wanted:
        return []
    query = (
        sa.select(p.c.seq, p.c.path, p.c.salt, p.c.value)
        .where(p.c.seq.in_(wanted), p.c.value.is_not(None))
        .order_by(p.c.seq, p.c.path)
    )
    return [
        disclosure(row.seq, row.path, bytes(row.salt), row.value) for row in conn.execute(query)
    ]
