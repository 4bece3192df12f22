"""A witness cosigns a real node's checkpoints and catches a node that forks or rewrites.

Everything runs against a real server on a real database (SQLite and PostgreSQL); the
misbehaving node is made by changing its database behind its back, as an insider could.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.cli.witness import post_cosignature, witness_once
from pigdata.config import Settings
from pigdata.ledger import log, merkle
from pigdata.ledger.keys import Algorithm, SignerKey, VerifierKey, load_signer, save_signer
from pigdata.ledger.log import LogSigner
from pigdata.ledger.merkle import leaf_hash
from pigdata.ledger.note import (
    Checkpoint,
    add_cosignatures,
    cosign,
    open_checkpoint,
    sign_note,
    split_note,
    verify_cosignature,
)
from pigdata.ledger.tiles import append_leaves
from pigdata.ledger.witness import (
    Cosigned,
    Refusal,
    RefusalKind,
    Seen,
    WitnessState,
    witness_checkpoint,
)
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

from tests.builders import FARM_A, district, herd_report, ingest

NOW = 1_764_028_800


@dataclass
class Node:
    """The node under watch: its server, database, settings, log key and an admin token."""

    url: str
    engine: Engine
    settings: Settings
    log_key: VerifierKey
    admin: str

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def latest(self) -> dict[str, Any]:
        with self.client() as client:
            answer = client.get("/api/v1/ledger/checkpoint")
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data


@dataclass
class Witness:
    """A witness: its cosignature key and its state file."""

    key: SignerKey
    state_path: Path

    def state(self) -> WitnessState:
        return WitnessState.load(self.state_path)

    def run(self, node: Node) -> Cosigned | Refusal:
        """Witness the node's latest checkpoint over HTTP, posting the cosignature if made."""
        with node.client() as client:
            result = witness_once(client, self.state(), node.log_key, self.key)
            if isinstance(result, Cosigned):
                post_cosignature(client, result, self.key, node.admin)
        return result


@pytest.fixture
def node(server: str, engine: Engine, settings: Settings) -> Node:
    ingest(engine, settings, district())  # six entries, checkpoint of size 6 signed
    admin = create_token(engine, "sub-centre", Role.admin).secret
    log_key = load_signer(settings.key_file).verifier()
    return Node(server, engine, settings, log_key, admin)


@pytest.fixture
def witness(tmp_path: Path) -> Witness:
    key = SignerKey.generate("witness.example.org/w1", Algorithm.COSIGNATURE_V1)
    return Witness(key, tmp_path / "witness" / "state.json")


def grow(node: Node, months: range = range(1, 4)) -> None:
    """Ingest more entries (herd reports), which signs a larger checkpoint."""
    ingest(node.engine, node.settings, [herd_report(FARM_A, f"2024-{m:02d}") for m in months])


def signed(text: str, key: SignerKey) -> str:
    return sign_note(text, [key])


# --- the witness logic alone --------------------------------------------------------------


# Fixed seeds, so failures reproduce; test keys only.
LOG = SignerKey("pigdata.example.cn/ledger", bytes(range(32)))
WITNESS = SignerKey("witness.example.org/w1", bytes(range(1, 33)), Algorithm.COSIGNATURE_V1)


def checkpoint_note(size: int, root: bytes, origin: str = LOG.name, key: SignerKey = LOG) -> str:
    return signed(Checkpoint(origin, size, root).to_text(), key)


def test_first_sight_is_trusted_and_remembered(tmp_path: Path) -> None:
    state = WitnessState.load(tmp_path / "state.json")
    note = checkpoint_note(3, leaf_hash(b"root"))
    result = witness_checkpoint(state, LOG.verifier(), WITNESS, note, None, NOW)
    assert isinstance(result, Cosigned) and result.previous_size is None
    text, _ = split_note(note)
    assert verify_cosignature(text, result.line, WITNESS.verifier()) == NOW
    again = WitnessState.load(tmp_path / "state.json")
    assert again.last(LOG.name) == Seen(3, leaf_hash(b"root"), note)
    # The same checkpoint is cosigned again (a fresh timestamp), the state unchanged.
    repeat = witness_checkpoint(again, LOG.verifier(), WITNESS, note, None, NOW + 60)
    assert isinstance(repeat, Cosigned) and repeat.previous_size == 3
    assert WitnessState.load(tmp_path / "state.json").last(LOG.name) == Seen(
        3, leaf_hash(b"root"), note
    )


def test_bad_signature_and_wrong_origin_are_refused(tmp_path: Path) -> None:
    state = WitnessState.load(tmp_path / "state.json")
    other = SignerKey("pigdata.example.cn/ledger", bytes(range(2, 34)))  # same name, other key
    forged = checkpoint_note(3, leaf_hash(b"x"), key=other)
    refused = witness_checkpoint(state, LOG.verifier(), WITNESS, forged, None, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.bad_signature
    assert not refused.is_alarm
    garbage = witness_checkpoint(state, LOG.verifier(), WITNESS, "not a note", None, NOW)
    assert isinstance(garbage, Refusal) and garbage.kind is RefusalKind.bad_signature
    elsewhere = checkpoint_note(3, leaf_hash(b"x"), origin="other.example.cn/ledger")
    wrong = witness_checkpoint(state, LOG.verifier(), WITNESS, elsewhere, None, NOW)
    assert isinstance(wrong, Refusal) and wrong.kind is RefusalKind.wrong_origin
    assert "other.example.cn/ledger" in wrong.message_en
    assert state.last(LOG.name) is None and not (tmp_path / "state.json").exists()


def test_missing_or_wrong_proof_is_inconsistent(tmp_path: Path) -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(5)]
    state = WitnessState.load(tmp_path / "state.json")
    first = checkpoint_note(3, merkle.root(leaves[:3]))
    assert isinstance(
        witness_checkpoint(state, LOG.verifier(), WITNESS, first, None, NOW), Cosigned
    )
    larger = checkpoint_note(5, merkle.root(leaves))
    no_proof = witness_checkpoint(state, LOG.verifier(), WITNESS, larger, None, NOW)
    assert isinstance(no_proof, Refusal) and no_proof.kind is RefusalKind.inconsistent
    proof = merkle.consistency_proof(3, 5, merkle.subtree_from_leaves(leaves))
    bad = witness_checkpoint(state, LOG.verifier(), WITNESS, larger, proof[:-1], NOW)
    assert isinstance(bad, Refusal) and bad.kind is RefusalKind.inconsistent
    assert bad.seen == first and bad.presented == larger
    good = witness_checkpoint(state, LOG.verifier(), WITNESS, larger, proof, NOW)
    assert isinstance(good, Cosigned) and good.previous_size == 3
    # Alarms stay on record in the state file, once each.
    assert [e["kind"] for e in WitnessState.load(tmp_path / "state.json").evidence] == [
        "inconsistent"
    ]


def test_state_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = WitnessState.load(path)
    state.record("a.example/ledger", Seen(1, bytes(32), "note a\n"))
    state.record("b.example/ledger", Seen(2, bytes(range(32)), "note b\n"))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and set(data["logs"]) == {"a.example/ledger", "b.example/ledger"}
    assert data["logs"]["b.example/ledger"]["root_hash"] == bytes(range(32)).hex()
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left behind
    assert WitnessState.load(path).logs == state.logs


# --- against a real node --------------------------------------------------------------------


def test_witness_cosigns_and_the_node_shows_it(node: Node, witness: Witness) -> None:
    with node.client() as client:
        key = client.get("/api/v1/ledger/key").json()
    assert key == {"origin": node.settings.origin, "verifier_key": node.log_key.to_text()}

    result = witness.run(node)
    assert isinstance(result, Cosigned) and result.checkpoint.size == 6

    latest = node.latest()
    assert latest["size"] == 6 and latest["cosignatures"] == [result.line]
    text, _ = split_note(latest["note"])
    assert verify_cosignature(text, latest["cosignatures"][0], witness.key.verifier()) > 0
    whole = add_cosignatures(latest["note"], latest["cosignatures"])
    checkpoint, opened = open_checkpoint(whole, node.log_key, [witness.key.verifier()])
    assert checkpoint.size == 6
    assert [c.name for c in opened.cosignatures] == ["witness.example.org/w1"]

    with node.client() as client:
        listed = client.get("/api/v1/ledger/witnesses").json()
    assert listed == {
        "size": 6,
        "witnesses": [
            {
                "witness": "witness.example.org/w1",
                "key_id": f"{witness.key.key_id:08x}",
                "timestamp": result.timestamp,
            }
        ],
    }


def test_posting_needs_a_sub_centre_and_a_valid_cosignature(node: Node, witness: Witness) -> None:
    note = node.latest()["note"]
    text, _ = split_note(note)
    line = cosign(text, witness.key, NOW)
    body = {"size": 6, "line": line, "witness_key": witness.key.verifier().to_text()}
    farm = create_token(node.engine, "farm", Role.farm, FARM_A).secret
    county = create_token(node.engine, "rongchang", Role.government, "500153").secret
    path = "/api/v1/ledger/cosignatures"
    with node.client() as client:
        assert client.post(path, json=body).status_code == 403
    with node.client(farm) as client:
        refused = client.post(path, json=body)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
    with node.client(county) as client:
        other = {**body, "line": line.replace("w1", "w2")}  # names a different key
        assert client.post(path, json=other).status_code == 422
        wrong_size = {**body, "size": 99}
        assert client.post(path, json=wrong_size).status_code == 404
        log_as_witness = {**body, "witness_key": node.log_key.to_text()}
        assert client.post(path, json=log_as_witness).status_code == 422
        forged_text = Checkpoint(node.settings.origin, 6, bytes(32)).to_text()
        forged = {**body, "line": cosign(forged_text, witness.key, NOW)}
        assert client.post(path, json=forged).status_code == 422  # not this checkpoint's
        stored = client.post(path, json=body)
        assert stored.status_code == 201 and stored.json()["timestamp"] == NOW
        # The same witness cosigning again replaces its line: one per witness per size.
        again = cosign(text, witness.key, NOW + 5)
        assert client.post(path, json={**body, "line": again}).status_code == 201
    assert node.latest()["cosignatures"] == [again]


def test_witness_follows_a_growing_ledger(node: Node, witness: Witness) -> None:
    assert isinstance(witness.run(node), Cosigned)
    grow(node)
    result = witness.run(node)
    assert isinstance(result, Cosigned)
    assert (result.previous_size, result.checkpoint.size) == (6, 9)
    assert witness.state().last(node.log_key.name) == Seen(
        9, result.checkpoint.root_hash, node.latest()["note"]
    )
    assert node.latest()["cosignatures"] == [result.line]
    with node.client() as client:
        listed = client.get("/api/v1/ledger/witnesses").json()
        assert listed["size"] == 9 and len(listed["witnesses"]) == 1
        # The earlier cosignature stays beside the earlier checkpoint.
        assert len(client.get("/api/v1/ledger/checkpoints/6").json()["cosignatures"]) == 1


def test_split_view_is_refused_with_both_checkpoints(node: Node, witness: Witness) -> None:
    first = witness.run(node)
    assert isinstance(first, Cosigned)
    log_signer = load_signer(node.settings.key_file)
    fork = signed(Checkpoint(node.settings.origin, 6, leaf_hash(b"fork")).to_text(), log_signer)

    refused = witness_checkpoint(witness.state(), node.log_key, witness.key, fork, None, NOW)
    assert isinstance(refused, Refusal) and refused.kind is RefusalKind.split_view
    assert (refused.seen, refused.presented) == (first.note, fork)
    assert "split view" in refused.message_en and "分叉" in refused.message_zh

    # The node itself shows the fork to the witness on its next run.
    with write_transaction(node.engine) as conn:
        conn.execute(t.checkpoints.update().where(t.checkpoints.c.size == 6).values(note=fork))
    again = witness.run(node)
    assert isinstance(again, Refusal) and again.kind is RefusalKind.split_view
    state = witness.state()
    assert state.last(node.log_key.name) == Seen(6, first.checkpoint.root_hash, first.note)
    assert [(e["kind"], e["seen"], e["presented"]) for e in state.evidence] == [
        ("split_view", first.note, fork)
    ]


def test_a_rewritten_and_re_signed_ledger_is_caught(node: Node, witness: Witness) -> None:
    cosigned = witness.run(node)
    assert isinstance(cosigned, Cosigned) and cosigned.checkpoint.size == 6
    grow(node)  # size 9, honestly signed but not yet witnessed
    rewrite_entry(node, seq=1)

    # The node's own key vouches for the rewritten tree, and its proofs are self-consistent.
    latest = node.latest()
    opened, _ = open_checkpoint(latest["note"], node.log_key)
    assert opened.size == 9
    with node.client() as client:
        answer = client.get("/api/v1/ledger/proof/consistency?size1=6&size2=9").json()
    proof, root6 = [bytes.fromhex(h) for h in answer["proof"]], bytes.fromhex(answer["root1"])
    assert merkle.verify_consistency(6, 9, proof, root6, opened.root_hash)
    assert root6 != cosigned.checkpoint.root_hash  # only the witness remembers the old root
    result = witness.run(node)
    assert isinstance(result, Refusal) and result.kind is RefusalKind.inconsistent
    assert result.is_alarm
    assert (result.seen, result.presented) == (cosigned.note, latest["note"])
    assert witness.state().last(node.log_key.name) == Seen(
        6, cosigned.checkpoint.root_hash, cosigned.note
    )
    assert node.latest()["cosignatures"] == []  # nothing vouches for the rewritten ledger


def rewrite_entry(node: Node, seq: int) -> None:
    """Change one entry's bytes, rebuild the tree from the altered leaves and re-sign the
    latest size with the node's own key: a rewrite only an outside witness can catch."""
    e = t.ledger_entries
    with write_transaction(node.engine) as conn:
        entry = bytes(conn.execute(sa.select(e.c.entry).where(e.c.seq == seq)).scalar_one())
        altered = entry.replace(b'"capacity_sows":100,', b'"capacity_sows":900,')
        assert altered != entry
        conn.execute(
            e.update().where(e.c.seq == seq).values(entry=altered, leaf_hash=leaf_hash(altered))
        )
        leaves = [
            bytes(h) for h in conn.execute(sa.select(e.c.leaf_hash).order_by(e.c.seq)).scalars()
        ]
        conn.execute(t.merkle_tiles.delete())
        append_leaves(conn, 0, leaves)
        signer = LogSigner(node.settings.origin, load_signer(node.settings.key_file))
        log.sign_checkpoint(conn, signer, len(leaves), "2025-01-01T00:00:00.000Z")


def test_rollback_is_refused(node: Node, witness: Witness) -> None:
    assert isinstance(witness.run(node), Cosigned)
    grow(node)
    cosigned = witness.run(node)
    assert isinstance(cosigned, Cosigned) and cosigned.checkpoint.size == 9
    # The node forgets its newer checkpoints and shows the older one again.
    with write_transaction(node.engine) as conn:
        conn.execute(t.cosignatures.delete().where(t.cosignatures.c.size > 6))
        conn.execute(t.checkpoints.delete().where(t.checkpoints.c.size > 6))
    result = witness.run(node)
    assert isinstance(result, Refusal) and result.kind is RefusalKind.rollback
    assert result.seen == cosigned.note and result.presented == node.latest()["note"]


# --- the command line -----------------------------------------------------------------------


def pigdata(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `pigdata ARGS` as a user (or a cron job) does."""
    return subprocess.run(
        [sys.executable, "-m", "pigdata", *args],
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def cli_witness(tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    key_file, state = tmp_path / "w" / "witness.key", tmp_path / "w" / "state.json"
    made = pigdata(
        "witness", "init", "--name", "witness.example.org/cron", "--key-file", str(key_file)
    )
    assert made.returncode == 0, made.stderr
    verifier = made.stdout.strip().splitlines()[-1]
    assert VerifierKey.parse(verifier).algorithm is Algorithm.COSIGNATURE_V1
    again = pigdata("witness", "init", "--name", "ignored", "--key-file", str(key_file))
    assert again.returncode == 0 and again.stdout.strip().splitlines()[-1] == verifier
    yield key_file, state, verifier


def test_cli_witnesses_a_node_and_alarms_on_a_split_view(
    node: Node, cli_witness: tuple[Path, Path, str]
) -> None:
    key_file, state, verifier = cli_witness
    with node.client() as client:
        log_key = client.get("/api/v1/ledger/key").json()["verifier_key"]
    args = ["witness", "run", "--url", node.url, "--log-key", log_key]
    args += ["--key-file", str(key_file), "--state", str(state)]

    done = pigdata(*args, env={"PIGDATA_WITNESS_TOKEN": node.admin})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cosigned" in done.stdout and "first sight" in done.stdout
    text, _ = split_note(node.latest()["note"])
    [line] = node.latest()["cosignatures"]
    assert verify_cosignature(text, line, VerifierKey.parse(verifier)) > 0

    grow(node)
    done = pigdata(*args, "--token", node.admin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "consistent with size 6" in done.stdout
    assert len(node.latest()["cosignatures"]) == 1

    fork = signed(
        Checkpoint(node.settings.origin, 9, leaf_hash(b"fork")).to_text(),
        load_signer(node.settings.key_file),
    )
    with write_transaction(node.engine) as conn:
        conn.execute(t.cosignatures.delete().where(t.cosignatures.c.size == 9))
        conn.execute(t.checkpoints.update().where(t.checkpoints.c.size == 9).values(note=fork))
    done = pigdata(*args, "--token", node.admin)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "split_view" in done.stdout and fork in done.stdout
    assert node.latest()["cosignatures"] == []


def test_cli_refuses_a_log_key_as_witness_key(tmp_path: Path) -> None:
    key_file = tmp_path / "log.key"
    save_signer(SignerKey.generate("pigdata.example.cn/ledger"), key_file)
    done = pigdata(
        "witness",
        "run",
        "--url",
        "http://127.0.0.1:9",
        "--log-key",
        LOG.verifier().to_text(),
        "--key-file",
        str(key_file),
        "--state",
        str(tmp_path / "s.json"),
    )
    assert done.returncode == 1 and "0x04" in done.stderr
