"""`pigdata verify` finds rows changed outside the pipeline and names them; checkpoints are
signed after each batch and proofs from the API verify."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.ledger import merkle
from pigdata.ledger.node import node_signer
from pigdata.ledger.note import Checkpoint, open_note
from pigdata.projections.audit import audit
from pigdata.store import tables as t

from tests.builders import FARM_A, FARM_B, district, herd_report, ingest, movement
from tests.independent import sigstore_verifies


def load(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    ingest(
        engine,
        settings,
        [herd_report(FARM_A, "2024-05"), movement("5000000001", FARM_A, FARM_B, "2024-05-01")],
    )


def verifier(settings: Settings):  # type: ignore[no-untyped-def]
    signer = node_signer(settings, create=False)
    assert signer is not None
    return signer.key.verifier()


def admin_header(engine: Engine) -> dict[str, str]:
    token = create_token(engine, "auditor", Role.admin, replace=True).secret
    return {"Authorization": f"Bearer {token}"}


def run_verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "COLUMNS": "250",
    }
    return subprocess.run(
        [sys.executable, "-m", "pigdata", "verify"], env=env, capture_output=True, text=True
    )


def test_each_batch_signs_a_checkpoint(engine: Engine, settings: Settings) -> None:
    load(engine, settings)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.checkpoints).order_by(t.checkpoints.c.size)).all()
        leaves = [
            bytes(h)
            for h in conn.execute(
                sa.select(t.ledger_entries.c.leaf_hash).order_by(t.ledger_entries.c.seq)
            ).scalars()
        ]
    assert [r.size for r in rows] == [6, 8]
    for row in rows:
        signed = Checkpoint.parse(open_note(row.note, [verifier(settings)]).text)
        assert signed.origin == settings.origin
        assert signed.root_hash == merkle.root(leaves[: row.size])


def test_an_intact_store_passes(engine: Engine, settings: Settings) -> None:
    load(engine, settings)
    assert audit(engine, verifier(settings)) == []
    done = run_verify(settings)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "intact" in done.stdout


def test_a_projection_row_edited_directly_is_named(engine: Engine, settings: Settings) -> None:
    load(engine, settings)
    with engine.begin() as conn:
        conn.execute(t.herd_reports.update().values(breeding_sows=999))
        conn.execute(t.premises.delete().where(t.premises.c.code == FARM_B))
    found = [f.describe() for f in audit(engine, verifier(settings))]
    assert any("herd_reports (entry_seq)=6" in f and "breeding_sows" in f for f in found)
    assert any(f"premises (code)={FARM_B}" in f and "missing" in f for f in found)
    done = run_verify(settings)
    assert done.returncode == 1 and "breeding_sows" in done.stdout


def test_a_ledger_row_edited_directly_is_named(engine: Engine, settings: Settings) -> None:
    load(engine, settings)
    with engine.begin() as conn:
        entry = conn.execute(
            sa.select(t.ledger_entries.c.entry).where(t.ledger_entries.c.seq == 7)
        ).scalar_one()
        forged = bytes(entry).replace(b'"head_count":10', b'"head_count":90')
        assert forged != bytes(entry)
        # Even with the leaf hash and digest recomputed, the tree and signature give it away.
        conn.execute(
            t.ledger_entries.update()
            .where(t.ledger_entries.c.seq == 7)
            .values(entry=forged, leaf_hash=merkle.leaf_hash(forged))
        )
    found = [f.describe() for f in audit(engine, verifier(settings))]
    assert any(f.startswith("ledger_entries seq=7") and "digest" in f for f in found)
    assert any(f.startswith("merkle_tiles level=0 idx=0") for f in found)
    assert any(f.startswith("checkpoints size=8") for f in found)
    assert any("movements (entry_seq)=7" in f and "head_count" in f for f in found)


def test_api_proofs_verify(engine: Engine, settings: Settings, server: str) -> None:
    load(engine, settings)
    checkpoint = httpx.get(f"{server}/api/v1/ledger/checkpoint").json()
    size, root = checkpoint["size"], bytes.fromhex(checkpoint["root_hash"])
    signed = Checkpoint.parse(open_note(checkpoint["note"], [verifier(settings)]).text)
    assert (signed.size, signed.root_hash) == (size, root)
    for index in range(size):
        proof = httpx.get(
            f"{server}/api/v1/ledger/proof/inclusion", params={"index": index, "size": size}
        ).json()
        hashes = [bytes.fromhex(h) for h in proof["proof"]]
        assert merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), index, size, hashes, root)
    entry = httpx.get(
        f"{server}/api/v1/ledger/entries",
        params={"start": 0, "end": size},
        headers=admin_header(engine),
    ).json()
    for index in (0, 5, size - 1):
        proof = httpx.get(
            f"{server}/api/v1/ledger/proof/inclusion", params={"index": index, "size": size}
        ).json()
        data = bytes.fromhex(entry[index]["entry_bytes_hex"])
        hashes = [bytes.fromhex(h) for h in proof["proof"]]
        assert sigstore_verifies(data, index, size, hashes, root)  # an independent verifier
        assert not sigstore_verifies(data + b" ", index, size, hashes, root)
    by_leaf = httpx.get(
        f"{server}/api/v1/ledger/proof/inclusion",
        params={"leaf_hash": proof["leaf_hash"], "size": size},
    ).json()
    assert by_leaf["index"] == size - 1
    consistency = httpx.get(
        f"{server}/api/v1/ledger/proof/consistency", params={"size1": 6, "size2": size}
    ).json()
    assert merkle.verify_consistency(
        6,
        size,
        [bytes.fromhex(h) for h in consistency["proof"]],
        bytes.fromhex(consistency["root1"]),
        root,
    )
    bad = httpx.get(f"{server}/api/v1/ledger/proof/inclusion", params={"index": 9, "size": size})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
