"""Making proof bundles: ledger entries with their inclusion proofs at the latest signed,
cosigned checkpoint, read from the store.

The format is `pigdata.ledger.bundle_format`; checking a bundle is `bundle_verify`, which
needs no store.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.errors import NotFound
from pigdata.ledger import log
from pigdata.ledger.bundle_format import Bundle, bundle_entry
from pigdata.ledger.keys import VerifierKey
from pigdata.ledger.note import Checkpoint, add_cosignatures, split_note
from pigdata.ledger.personal_store import disclosures
from pigdata.store import tables as t


class BundleError(NotFound):
    """The store cannot prove these entries (no signed checkpoint, or entries it lacks)."""

    title = "No proof"
    rule = "bundle.unprovable"


def make_bundle(
    conn: Connection, seqs: Iterable[int], log_key: VerifierKey, disclose: Iterable[int] = ()
) -> Bundle:
    """Give the proof bundle of these entries at the latest signed checkpoint.

    `log_key` is the node's verifier key: the store keeps signatures, not the public key.
    The personal values of the entries in `disclose` (those the reader is entitled to) go
    in as disclosures. Raises BundleError if there is no checkpoint or an entry is not below
    its size.
    """
    latest = log.latest_checkpoint(conn)
    if latest is None:
        raise BundleError("账本尚无签名检查点", "the ledger has no signed checkpoint yet")
    note = latest["note"]
    if latest["cosignatures"]:
        note = add_cosignatures(note, latest["cosignatures"])
    checkpoint = Checkpoint.parse(split_note(note)[0])
    size = checkpoint.size
    wanted = sorted(set(seqs))
    outside = [seq for seq in wanted if not 0 <= seq < size]
    if outside:
        raise BundleError(
            f"条目 {outside} 不在检查点（大小 {size}）中",
            f"entries {outside} are not in the checkpoint of size {size}",
        )
    e = t.ledger_entries
    stored = dict(conn.execute(sa.select(e.c.seq, e.c.entry).where(e.c.seq.in_(wanted))).all())
    made: Bundle = {
        "origin": checkpoint.origin,
        "log_key": log_key.to_text(),
        "checkpoint": note,
        "size": size,
        "entries": [
            bundle_entry(seq, bytes(stored[seq]), log.inclusion(conn, seq, size)) for seq in wanted
        ],
    }
    disclosed = disclosures(conn, set(disclose) & set(wanted))
    if disclosed:
        made["disclosures"] = disclosed
    return made
