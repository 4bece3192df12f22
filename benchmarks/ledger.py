"""The ledger's Merkle tree on SQLite: append throughput, proof latency, bytes per leaf,
beside pymerkle (PyPI) appending and proving the same leaves in the same run.

Leaves are appended in batches of 20,000 (one transaction each), as ingest does. Proofs are
asked at random tree sizes of the stored tree (inclusion: a random entry of a random size;
consistency: two random sizes), each through a fresh reader, as an API request would.

    python benchmarks/ledger.py --sizes 1000000 10000000 [--pymerkle-max 1000000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from pymerkle import SqliteTree

from pigdata.ledger import merkle
from pigdata.ledger.tiles import TileReader, append_leaves
from pigdata.store import tables as t
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

BATCH = 20_000
PROOFS = 2_000


@dataclass(frozen=True)
class Figures:
    name: str
    size: int
    append_per_s: float
    inclusion_ms: tuple[float, float]  # median, p99
    consistency_ms: tuple[float, float]
    bytes_per_leaf: float


def entries(start: int, count: int) -> Iterator[bytes]:
    for i in range(start, start + count):
        yield b'{"record":{"n":%d},"v":1}' % i


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[int(len(ordered) * 0.99) - 1] * 1e3


def timed(calls: list[Callable[[], object]]) -> list[float]:
    spent = []
    for call in calls:
        started = time.perf_counter()
        call()
        spent.append(time.perf_counter() - started)
    return spent


def questions(size: int, seed: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    chooser = random.Random(seed)
    inclusion = []
    for _ in range(PROOFS):
        tree = chooser.randint(1, size)
        inclusion.append((chooser.randrange(tree), tree))
    consistency = []
    for _ in range(PROOFS):
        a, b = sorted((chooser.randint(1, size), chooser.randint(1, size)))
        consistency.append((a, b))
    return inclusion, consistency


def ours(size: int, folder: Path) -> tuple[Figures, bytes]:
    engine = make_engine(f"sqlite:///{folder / 'tiles.db'}")
    upgrade(engine)
    started = time.perf_counter()
    for start in range(0, size, BATCH):
        count = min(BATCH, size - start)
        hashes = [merkle.leaf_hash(data) for data in entries(start, count)]
        with engine.begin() as conn:
            append_leaves(conn, start, hashes)
    append = size / (time.perf_counter() - started)
    inclusion, consistency = questions(size, seed=1)
    with engine.connect() as conn:

        def subtree(reader: TileReader) -> merkle.SubtreeHashes:
            return lambda a, b: merkle.range_hash(a, b, reader.complete)

        proof_in = timed(
            [
                lambda i=i, n=n: merkle.inclusion_proof(i, n, subtree(TileReader(conn)))
                for i, n in inclusion
            ]
        )
        proof_co = timed(
            [
                lambda a=a, b=b: merkle.consistency_proof(a, b, subtree(TileReader(conn)))
                for a, b in consistency
            ]
        )
        root = merkle.range_hash(0, size, TileReader(conn).complete)
        stored = conn.execute(sa.select(sa.func.sum(sa.func.length(t.merkle_tiles.c.hashes))))
        tree_bytes = int(stored.scalar_one())
        check_proofs(conn, size, root)
    engine.dispose()
    (folder / "tiles.db").unlink()
    return Figures(
        "pigdata tiles",
        size,
        append,
        percentiles(proof_in),
        percentiles(proof_co),
        tree_bytes / size,
    ), root


def check_proofs(conn: sa.Connection, size: int, root: bytes) -> None:
    """Make sure what was timed is right: sampled proofs verify against the root."""
    reader = TileReader(conn)
    for index in (0, size // 3, size - 1):
        proof = merkle.inclusion_proof(
            index, size, lambda a, b: merkle.range_hash(a, b, reader.complete)
        )
        leaf = merkle.leaf_hash(next(entries(index, 1)))
        assert merkle.verify_inclusion(leaf, index, size, proof, root)


def theirs(size: int, folder: Path, our_root: bytes) -> Figures:
    path = folder / "pymerkle.db"
    tree = SqliteTree(str(path), algorithm="sha256")
    started = time.perf_counter()
    for start in range(0, size, BATCH):
        tree.append_entries(list(entries(start, min(BATCH, size - start))), chunksize=BATCH)
    append = size / (time.perf_counter() - started)
    assert tree.get_root(size) == our_root, "pymerkle and pigdata disagree on the root"
    inclusion, consistency = questions(size, seed=1)
    proof_in = timed([lambda i=i, n=n: tree.prove_inclusion(i + 1, n) for i, n in inclusion])
    proof_co = timed([lambda a=a, b=b: tree.prove_consistency(a, b) for a, b in consistency])
    tree.con.close()
    per_leaf = path.stat().st_size / size  # its file also holds the entries themselves
    path.unlink()
    return Figures(
        "pymerkle SqliteTree", size, append, percentiles(proof_in), percentiles(proof_co), per_leaf
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument(
        "--pymerkle-max",
        type=int,
        default=10_000_000,
        help="largest size at which pymerkle is run too",
    )
    args = parser.parse_args()
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            figures, root = ours(size, Path(tmp))
            rows.append(figures)
            print(f"pigdata done at {size:,}", flush=True)
            if size <= args.pymerkle_max:
                rows.append(theirs(size, Path(tmp), root))
                print(f"pymerkle done at {size:,}", flush=True)
    print(
        "\n| tree | leaves | append leaves/s | inclusion ms median / p99 "
        "| consistency ms median / p99 | bytes per leaf |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for f in rows:
        print(
            f"| {f.name} | {f.size:,} | {f.append_per_s:,.0f} | {f.inclusion_ms[0]:.3f} / "
            f"{f.inclusion_ms[1]:.3f} | {f.consistency_ms[0]:.3f} / {f.consistency_ms[1]:.3f} "
            f"| {f.bytes_per_leaf:.1f} |"
        )
    by_size: dict[int, list[Figures]] = {}
    for f in rows:
        by_size.setdefault(f.size, []).append(f)
    for size, pair in by_size.items():
        if len(pair) == 2:
            a, b = pair
            print(
                f"{size:,}: append {a.append_per_s / b.append_per_s:.1f}x pymerkle; inclusion "
                f"p99 {b.inclusion_ms[1] / a.inclusion_ms[1]:.1f}x faster"
            )


if __name__ == "__main__":
    main()
