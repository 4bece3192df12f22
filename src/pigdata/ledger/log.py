"""The log: tree heads and proofs at any size from the stored tiles, and signed checkpoints.

Each ingest batch appends its leaves to the tiles and, when the node has a key, signs a
C2SP checkpoint of the new tree head in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.errors import InvalidInput
from pigdata.ledger import merkle
from pigdata.ledger.keys import SignerKey
from pigdata.ledger.note import Checkpoint, sign_note
from pigdata.ledger.tiles import TileReader
from pigdata.store import tables as t


class ProofError(InvalidInput):
    """A proof asked for sizes or indexes the log cannot answer."""

    status = 400
    title = "Bad proof request"
    rule = "proof.invalid"


@dataclass(frozen=True, slots=True)
class LogSigner:
    """What a node signs its checkpoints with: its origin line and its key."""

    origin: str
    key: SignerKey


def ledger_size(conn: Connection) -> int:
    """Give the number of entries (the tree size)."""
    return int(conn.execute(sa.select(t.ledger_head.c.size)).scalar_one())


def _subtree(reader: TileReader) -> merkle.SubtreeHashes:
    def subtree(start: int, end: int) -> bytes:
        return merkle.range_hash(start, end, reader.complete)

    return subtree


def _check_size(conn: Connection, size: int) -> None:
    current = ledger_size(conn)
    if not 0 < size <= current:
        raise ProofError(
            f"树大小 {size} 不在 1..{current} 之内", f"tree size {size} is not within 1..{current}"
        )


def tree_root(conn: Connection, size: int) -> bytes:
    """Give the root hash of the tree of the first `size` entries."""
    if size == 0:
        return merkle.root([])
    _check_size(conn, size)
    return merkle.range_hash(0, size, TileReader(conn).complete)


def inclusion(conn: Connection, index: int, size: int) -> list[bytes]:
    """Give the inclusion proof of entry `index` in the tree of `size` entries."""
    _check_size(conn, size)
    if not 0 <= index < size:
        raise ProofError(f"条目 {index} 不在树 {size} 中", f"entry {index} is not in tree {size}")
    return merkle.inclusion_proof(index, size, _subtree(TileReader(conn)))


def consistency(conn: Connection, size1: int, size2: int) -> list[bytes]:
    """Give the consistency proof between the trees of size1 and size2 entries."""
    _check_size(conn, size2)
    if not 0 < size1 <= size2:
        raise ProofError(
            f"大小 {size1} 应在 1..{size2} 之内", f"size1 {size1} must be within 1..{size2}"
        )
    return merkle.consistency_proof(size1, size2, _subtree(TileReader(conn)))


def sign_checkpoint(conn: Connection, signer: LogSigner, size: int, signed_at: str) -> str:
    """Sign the tree head of `size` entries as a C2SP checkpoint, store it, give its note."""
    checkpoint = Checkpoint(origin=signer.origin, size=size, root_hash=tree_root(conn, size))
    note = sign_note(checkpoint.to_text(), [signer.key])
    c = t.checkpoints
    conn.execute(c.delete().where(c.c.size == size))
    conn.execute(
        c.insert().values(size=size, root_hash=checkpoint.root_hash, note=note, signed_at=signed_at)
    )
    return note


def latest_checkpoint(conn: Connection) -> dict[str, Any] | None:
    """Give the newest signed checkpoint with its cosignatures, or None."""
    c = t.checkpoints
    row = conn.execute(sa.select(c).order_by(c.c.size.desc()).limit(1)).first()
    if row is None:
        return None
    return checkpoint_at(conn, int(row.size))


def checkpoint_at(conn: Connection, size: int) -> dict[str, Any] | None:
    """Give the signed checkpoint of one size with its cosignature lines, or None."""
    c, k = t.checkpoints, t.cosignatures
    row = conn.execute(sa.select(c).where(c.c.size == size)).first()
    if row is None:
        return None
    lines = (
        conn.execute(sa.select(k.c.line).where(k.c.size == size).order_by(k.c.witness))
        .scalars()
        .all()
    )
    return {
        "size": int(row.size),
        "root_hash": bytes(row.root_hash),
        "note": row.note,
        "cosignatures": list(lines),
        "signed_at": row.signed_at,
    }
