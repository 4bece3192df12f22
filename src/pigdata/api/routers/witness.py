"""Witnesses: the log's verifier key, and cosignatures of its checkpoints stored and listed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field

from pigdata.access.principal import Role
from pigdata.api.bounds import CheckpointSize
from pigdata.api.deps import Conn, EngineDep, SettingsDep, Who, require_role
from pigdata.api.json_body import JsonBodyRoute
from pigdata.api.openapi import problems
from pigdata.api.problems import Problem
from pigdata.ledger import log
from pigdata.ledger.keys import Algorithm, VerifierKey
from pigdata.ledger.node import node_signer
from pigdata.ledger.note import SignatureLine, split_note, verify_cosignature
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

router = APIRouter(prefix="/api/v1/ledger", tags=["witness"], route_class=JsonBodyRoute)

_WITNESS_NAME_MAX = 120  # the width of cosignatures.witness


class CosignatureIn(BaseModel):
    """A witness's cosignature of one checkpoint, with the key that checks it."""

    size: CheckpointSize = Field(description="the tree size of the cosigned checkpoint")
    line: str = Field(description="the C2SP cosignature/v1 line, '— name base64…'")
    witness_key: str = Field(description="the witness's verifier key text, name+id+base64")


class LogKey(BaseModel):
    origin: str
    verifier_key: str = Field(description="name+id+base64 (docs/checkpoints.md)")


@router.get("/key", response_model=LogKey, responses=problems(404))
def log_key(settings: SettingsDep) -> dict[str, str]:
    """Give the log's origin and verifier key (check it against one got out of band)."""
    signer = node_signer(settings, create=False)
    if signer is None:
        raise Problem(404, "No key", "节点尚无签名密钥 / the node has no signing key yet")
    return {"origin": signer.origin, "verifier_key": signer.key.verifier().to_text()}


class Cosigned(BaseModel):
    """A witness's cosignature as stored: of which checkpoint, by whom, when."""

    size: int
    witness: str
    key_id: str = Field(description="8 hex digits")
    timestamp: int = Field(description="seconds since the epoch, as cosigned")


@router.post("/cosignatures", response_model=Cosigned, status_code=201, responses=problems(404))
def add_cosignature(body: CosignatureIn, engine: EngineDep, who: Who) -> dict[str, Any]:
    """Store a witness's cosignature of a checkpoint (admins and governments, i.e. the
    sub-centres). It must verify for that checkpoint; a witness's newer one replaces its older.

    The node does not decide which witnesses count: anyone reading the checkpoint checks the
    cosignatures of the witness keys they trust and ignores the rest.
    """
    require_role(who, Role.admin, Role.government)
    key = _witness_key(body.witness_key)
    with write_transaction(engine) as conn:
        found = log.checkpoint_at(conn, body.size)
        if found is None:
            raise Problem(
                404,
                "No checkpoint",
                f"没有大小为 {body.size} 的检查点 / no checkpoint of size {body.size}",
            )
        text, _ = split_note(found["note"])
        timestamp = verify_cosignature(text, body.line, key)  # a NoteError names the fault
        # Stored in canonical form (one line, newline-ended), as add_cosignatures reads it.
        line = SignatureLine.parse(body.line).to_text()
        k = t.cosignatures
        conn.execute(k.delete().where(k.c.size == body.size, k.c.witness == key.name))
        conn.execute(
            k.insert().values(
                size=body.size,
                witness=key.name,
                key_id=f"{key.key_id:08x}",
                timestamp=timestamp,
                line=line,
            )
        )
    return {
        "size": body.size,
        "witness": key.name,
        "key_id": f"{key.key_id:08x}",
        "timestamp": timestamp,
    }


def _witness_key(text: str) -> VerifierKey:
    key = VerifierKey.parse(text.strip())  # a KeyFormatError names the fault
    if key.algorithm is not Algorithm.COSIGNATURE_V1:
        raise Problem(
            422,
            "Invalid witness key",
            "见证者密钥应为联署（0x04）密钥 / a witness key must be a cosignature (0x04) key",
        )
    if len(key.name) > _WITNESS_NAME_MAX:
        raise Problem(
            422,
            "Invalid witness key",
            f"见证者名称超过 {_WITNESS_NAME_MAX} 个字符 / "
            f"witness name longer than {_WITNESS_NAME_MAX} characters",
        )
    return key


class Cosigner(BaseModel):
    witness: str
    key_id: str
    timestamp: int


class Cosigners(BaseModel):
    """Who cosigned the checkpoint of this size, by witness name."""

    size: int
    witnesses: list[Cosigner]


@router.get("/witnesses", response_model=Cosigners, responses=problems(404))
def witnesses(conn: Conn) -> dict[str, Any]:
    """Give who cosigned the latest checkpoint: witness name, key ID and timestamp."""
    c, k = t.checkpoints, t.cosignatures
    size = conn.execute(sa.select(sa.func.max(c.c.size))).scalar()
    if size is None:
        raise Problem(404, "No checkpoint", "账本尚无签名检查点 / the ledger has no checkpoint yet")
    rows = conn.execute(
        sa.select(k.c.witness, k.c.key_id, k.c.timestamp)
        .where(k.c.size == size)
        .order_by(k.c.witness)
    ).all()
    return {
        "size": int(size),
        "witnesses": [
            {"witness": row.witness, "key_id": row.key_id, "timestamp": int(row.timestamp)}
            for row in rows
        ],
    }
