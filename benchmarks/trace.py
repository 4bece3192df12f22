"""Latency of the public trace endpoint (an animal's life with its proof bundle) on a ledger
of N entries on SQLite, beside GET /api/v1/health on the same server in the same run.

Setup: a small district and one traced animal (birth, movements, slaughter) go through the
pipeline; then N filler entries are appended straight to the ledger table and its tiles
(setup speed only: they are never read as records) and the node signs a checkpoint, so the
animal's proofs are proofs in a tree of N entries. Requests go over HTTP to a real Uvicorn
server on loopback, one at a time.

    python benchmarks/trace.py --entries 10000000 [--requests 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from pigdata.access.principal import ADMIN
from pigdata.api import create_app
from pigdata.config import Settings
from pigdata.ingest.uploads import utc_now
from pigdata.ledger.log import sign_checkpoint
from pigdata.ledger.merkle import leaf_hash
from pigdata.ledger.node import node_signer
from pigdata.ledger.tiles import append_leaves
from pigdata.services.intake import ingest_payload
from pigdata.store import tables as t
from pigdata.store.bulk import insert_many
from pigdata.store.engine import make_engine, write_transaction
from pigdata.store.schema import upgrade

sys.path.insert(0, str(Path(__file__).parent.parent))  # for tests.*
from tests.builders import (
    FARM_A,
    FARM_B,
    MARKET,
    SLAUGHTERHOUSE,
    animal,
    district,
    movement,
    slaughter,
)

TAG = "150015300000001"
CHUNK = 100_000


def life() -> list[dict[str, object]]:
    return [
        *district(),
        animal(TAG, "2024-01-05", FARM_A),
        movement("5000000101", FARM_A, MARKET, "2024-06-01", ear_tags=[TAG]),
        movement("5000000102", MARKET, FARM_B, "2024-06-01", ear_tags=[TAG]),
        movement("5000000103", FARM_B, SLAUGHTERHOUSE, "2024-09-01", ear_tags=[TAG]),
        slaughter(SLAUGHTERHOUSE, "2024-09-02", [TAG]),
    ]


def fill(settings: Settings, entries: int) -> None:
    """Append filler entries directly, with their tree, and sign the final checkpoint."""
    engine = make_engine(settings.database_url)
    signer = node_signer(settings)
    assert signer is not None
    received = utc_now()
    with engine.connect() as conn:
        size = int(conn.execute(t.ledger_head.select()).one().size)
    target = size + entries
    while size < target:
        count = min(CHUNK, target - size)
        rows = []
        for seq in range(size, size + count):
            entry = b'{"received":"%s","record":{"filler":%d},"submitter":"bench","v":1}' % (
                received.encode(),
                seq,
            )
            rows.append(
                {
                    "seq": seq,
                    "kind": "filler",
                    "entry": entry,
                    "leaf_hash": leaf_hash(entry),
                    "record_digest": hashlib.sha256(entry).digest(),
                    "submitter": "bench",
                    "received_at": received,
                }
            )
        with write_transaction(engine) as conn:
            insert_many(conn, t.ledger_entries, rows)
            append_leaves(conn, size, [row["leaf_hash"] for row in rows])
            size += count
            conn.execute(t.ledger_head.update().values(size=size))
        print(f"\r{size:,} entries", end="", flush=True)
    with write_transaction(engine) as conn:
        sign_checkpoint(conn, signer, size, utc_now())
    print()
    engine.dispose()


def serve(settings: Settings) -> tuple[str, uvicorn.Server]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def latencies(client: httpx.Client, path: str, requests: int) -> tuple[float, float]:
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
    samples.sort()
    return statistics.median(samples) * 1e3, samples[int(len(samples) * 0.99) - 1] * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(
            database_url=f"sqlite:///{folder / 'trace.db'}",
            archive_dir=folder / "archive",
            key_file=folder / "node.key",
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        summary = ingest_payload(engine, settings, life(), who=ADMIN)
        assert summary.rejected == 0
        engine.dispose()
        fill(settings, args.entries)
        base, server = serve(settings)
        with httpx.Client(base_url=base, timeout=30) as client:
            trace = client.get(f"/api/v1/trace/{TAG}").json()
            assert trace["bundle"]["size"] > args.entries, "proofs are not at the full size"
            for _ in range(50):  # warm up connections and caches alike for both
                client.get(f"/api/v1/trace/{TAG}")
                client.get("/api/v1/health")
            traced = latencies(client, f"/api/v1/trace/{TAG}", args.requests)
            health = latencies(client, "/api/v1/health", args.requests)
        server.should_exit = True
    print("\n| request | ledger entries | median ms | p99 ms |")
    print("|---|---:|---:|---:|")
    print(
        f"| GET /api/v1/trace/{TAG} (with proofs) | {args.entries:,} | {traced[0]:.2f} "
        f"| {traced[1]:.2f} |"
    )
    print(
        f"| GET /api/v1/health (baseline) | {args.entries:,} | {health[0]:.2f} | {health[1]:.2f} |"
    )
    print(f"trace / health p99: {traced[1] / health[1]:.1f}x")


if __name__ == "__main__":
    main()
