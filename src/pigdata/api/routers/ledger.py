"""The ledger's size and its entries by range."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pigdata.access.principal import Role
from pigdata.api.bounds import CheckpointSize, LedgerIndex, TreeSize
from pigdata.api.deps import Conn, Who, require_role
from pigdata.api.openapi import problems
from pigdata.api.problems import Problem
from pigdata.ledger import log
from pigdata.ledger.entry import decode_entry
from pigdata.store import tables as t

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


class Head(BaseModel):
    size: int = Field(description="the number of entries")


@router.get("/head")
def head(conn: Conn) -> Head:
    """Give the number of entries in the ledger."""
    return Head(size=int(conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0))


class Entry(BaseModel):
    seq: int
    kind: str
    entry: dict[str, Any] = Field(description="the entry bytes read as JSON (docs/ledger.md)")
    entry_bytes_hex: str
    leaf_hash: str = Field(description="hex")


@router.get("/entries", response_model=list[Entry])
def entries(
    conn: Conn,
    who: Who,
    start: LedgerIndex = 0,
    end: Annotated[LedgerIndex | None, Query(description="exclusive; at most start+1000")] = None,
) -> list[dict[str, Any]]:
    """Give entries [start, end): index, kind, the entry as JSON and its leaf hash (admins)."""
    require_role(who, Role.admin)
    stop = min(end if end is not None else start + 100, start + 1000)
    e = t.ledger_entries
    rows = conn.execute(
        sa.select(e).where(e.c.seq >= start, e.c.seq < stop).order_by(e.c.seq)
    ).all()
    return [
        {
            "seq": row.seq,
            "kind": row.kind,
            "entry": decode_entry(row.entry),
            "entry_bytes_hex": row.entry.hex(),
            "leaf_hash": row.leaf_hash.hex(),
        }
        for row in rows
    ]


def _hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


class SignedCheckpoint(BaseModel):
    """A checkpoint as a C2SP signed note, with the cosignature lines of its witnesses."""

    size: int
    root_hash: str = Field(description="hex")
    note: str
    cosignatures: list[str]
    signed_at: str


@router.get("/checkpoint", response_model=SignedCheckpoint, responses=problems(404))
def checkpoint(conn: Conn) -> dict[str, Any]:
    """Give the latest signed checkpoint (a C2SP signed note) with its witnesses' cosignatures."""
    latest = log.latest_checkpoint(conn)
    if latest is None:
        raise Problem(404, "No checkpoint", "账本尚无签名检查点 / the ledger has no checkpoint yet")
    return {**latest, "root_hash": latest["root_hash"].hex()}


@router.get("/checkpoints/{size}", response_model=SignedCheckpoint, responses=problems(404))
def checkpoint_at(size: CheckpointSize, conn: Conn) -> dict[str, Any]:
    """Give the signed checkpoint of one tree size."""
    found = log.checkpoint_at(conn, size)
    if found is None:
        raise Problem(
            404, "No checkpoint", f"没有大小为 {size} 的检查点 / no checkpoint of size {size}"
        )
    return {**found, "root_hash": found["root_hash"].hex()}


class InclusionProof(BaseModel):
    """RFC 9162 PATH(index, D[size]), leaf first; hashes in hex."""

    index: int
    size: int
    leaf_hash: str
    proof: list[str]
    root_hash: str


@router.get("/proof/inclusion", response_model=InclusionProof, responses=problems(400, 404))
def inclusion_proof(
    conn: Conn,
    size: Annotated[TreeSize, Query(description="tree size the proof is for")],
    index: Annotated[LedgerIndex | None, Query(description="the entry's ledger index")] = None,
    leaf_hash: Annotated[str | None, Query(description="or the entry's leaf hash, hex")] = None,
) -> dict[str, Any]:
    """Give the RFC 9162 inclusion proof of an entry (by index or leaf hash) in a tree size."""
    if (index is None) == (leaf_hash is None):
        raise Problem(
            400, "Bad proof request", "请给出 index 或 leaf_hash 之一 / give index or leaf_hash"
        )
    if index is None:
        index = _index_of(conn, leaf_hash or "")
    proof = log.inclusion(conn, index, size)  # a ProofError is answered 400 by its handler
    leaf = conn.execute(
        sa.select(t.ledger_entries.c.leaf_hash).where(t.ledger_entries.c.seq == index)
    ).scalar_one()
    return {
        "index": index,
        "size": size,
        "leaf_hash": bytes(leaf).hex(),
        "proof": _hexes(proof),
        "root_hash": log.tree_root(conn, size).hex(),
    }


def _index_of(conn: Conn, leaf_hash: str) -> int:
    try:
        wanted = bytes.fromhex(leaf_hash)
    except ValueError as error:
        raise Problem(
            400, "Bad leaf hash", "leaf_hash 应为十六进制 / leaf_hash must be hex"
        ) from error
    e = t.ledger_entries
    seq = conn.execute(sa.select(e.c.seq).where(e.c.leaf_hash == wanted).limit(1)).scalar()
    if seq is None:
        raise Problem(404, "Unknown leaf", "账本中没有该叶哈希 / no entry has this leaf hash")
    return int(seq)


class ConsistencyProof(BaseModel):
    """RFC 9162 PROOF(size1, D[size2]) with both roots; hashes in hex."""

    size1: int
    size2: int
    proof: list[str]
    root1: str
    root2: str


@router.get("/proof/consistency", response_model=ConsistencyProof, responses=problems(400))
def consistency_proof(
    conn: Conn,
    size1: TreeSize,
    size2: TreeSize,
) -> dict[str, Any]:
    """Give the RFC 9162 consistency proof between two tree sizes."""
    proof = log.consistency(conn, size1, size2)
    return {
        "size1": size1,
        "size2": size2,
        "proof": _hexes(proof),
        "root1": log.tree_root(conn, size1).hex(),
        "root2": log.tree_root(conn, size2).hex(),
    }
