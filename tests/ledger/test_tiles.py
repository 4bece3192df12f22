"""The stored tiles give the same tree as the leaves themselves, whatever the append sizes."""

from __future__ import annotations

import hashlib
import random

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.ledger import merkle
from pigdata.ledger.tiles import TILE_WIDTH, TileReader, append_leaves
from pigdata.store import tables as t


def leaves(count: int) -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(count)]


def test_appends_of_any_size_give_the_same_tree(engine: Engine) -> None:
    chooser = random.Random(5)
    hashes = leaves(70_000)  # past 256 × 256, so three tile levels
    size = 0
    with engine.begin() as conn:
        while size < len(hashes):
            step = chooser.choice([1, 3, 255, 256, 257, 1000, 9000])
            append_leaves(conn, size, hashes[size : size + step])
            size = min(size + step, len(hashes))
        reader = TileReader(conn)
        for probe in [1, 2, 255, 256, 257, 65_535, 65_536, 65_537, 69_999, 70_000]:
            assert merkle.range_hash(0, probe, reader.complete) == merkle.root(hashes[:probe])
        assert reader.complete(16, 0) == merkle.root(hashes[:65_536])
        assert reader.complete(9, 3) == merkle.root(hashes[3 * 512 : 4 * 512])
        blobs = conn.execute(sa.select(sa.func.sum(sa.func.length(t.merkle_tiles.c.hashes))))
        stored = int(blobs.scalar_one())
    # Bytes stored for the tree: 32 per leaf, plus a 256th of that per level above.
    assert stored == 32 * (70_000 + 70_000 // TILE_WIDTH + 70_000 // TILE_WIDTH**2)


def test_proofs_from_tiles_verify(engine: Engine) -> None:
    hashes = leaves(1_000)
    with engine.begin() as conn:
        append_leaves(conn, 0, hashes[:600])
        append_leaves(conn, 600, hashes[600:])
        subtree = TileReader(conn)
        for size in (1, 7, 256, 600, 1_000):
            root = merkle.root(hashes[:size])
            for index in {0, size // 2, size - 1}:
                proof = merkle.inclusion_proof(
                    index, size, lambda a, b: merkle.range_hash(a, b, subtree.complete)
                )
                assert merkle.verify_inclusion(hashes[index], index, size, proof, root)
            for size1 in {1, size // 3 or 1, size}:
                proof = merkle.consistency_proof(
                    size1, size, lambda a, b: merkle.range_hash(a, b, subtree.complete)
                )
                root1 = merkle.root(hashes[:size1])
                assert merkle.verify_consistency(size1, size, proof, root1, root)
