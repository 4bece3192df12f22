"""The Merkle tree's hashes stored as tiles, so that appending and proving never rebuild it.

The layout follows C2SP tlog-tiles: a tile holds up to 256 consecutive hashes of one tile
level. Level 0 holds the leaf hashes; an entry of level L+1 is the root of a full level-L
tile (a complete subtree of 256^(L+1) leaves). The rightmost tile of each level is partial
and grows in place. Appending n leaves hashes O(n) nodes in all; any complete subtree hash
comes from one tile (hashing at most 255 nodes, memoised for full tiles), so a proof at any
tree size reads O(log n) tiles. Storage: 32 bytes per leaf plus 1/255 of that for the
upper levels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy.engine import Connection

from pigdata.ledger.merkle import HASH_SIZE, node_hash
from pigdata.store import tables as t
from pigdata.store.bulk import insert_tuples

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
_TILE_QUERY = {
    True: "SELECT hashes FROM merkle_tiles WHERE level = ? AND idx = ?",
    False: "SELECT hashes FROM merkle_tiles WHERE level = %s AND idx = %s",
}


def _split(blob: bytes) -> list[bytes]:
    return [blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)]


def _levels(hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Give the complete-subtree hashes inside a run of 2^k-aligned hashes, level by level."""
    levels = [list(hashes)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return levels


@lru_cache(maxsize=4096)
def _full_tile_levels(blob: bytes) -> list[list[bytes]]:
    # Full tiles never change, so their inner nodes are worth remembering across proofs.
    return _levels(_split(blob))


_FULL_TILES: OrderedDict[tuple[str, int, int], bytes] = OrderedDict()
_FULL_TILES_KEPT = 8192  # 8192 × 8 KiB = 64 MiB at most


def _remember(key: tuple[str, int, int], blob: bytes) -> None:
    _FULL_TILES[key] = blob
    if len(_FULL_TILES) > _FULL_TILES_KEPT:
        _FULL_TILES.popitem(last=False)


@lru_cache(maxsize=4096)
def _run_root(run: bytes) -> bytes:
    # Runs of a partial tile recur in every proof at the same tree size; remember their roots.
    return _levels(_split(run))[-1][0]


class TileReader:
    """Complete-subtree hashes read from the stored tiles.

    Full tiles never change once written (as in C2SP tlog-tiles, where they are served as
    immutable), so the process keeps the most recent ones; partial tiles are read afresh
    by each reader. The audit does not use this cache: it rebuilds every tile itself.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[tuple[int, int], bytes] = {}
        self.database = conn.engine.url.render_as_string(hide_password=True)

    def tile(self, level: int, index: int) -> bytes:
        """Give the stored bytes of one tile (b"" if it does not exist)."""
        key = (level, index)
        if key in self.cache:
            return self.cache[key]
        shared = (self.database, level, index)
        blob = _FULL_TILES.get(shared)
        if blob is None:
            found = self.conn.exec_driver_sql(
                _TILE_QUERY[self.conn.dialect.paramstyle == "qmark"], (level, index)
            ).scalar()
            blob = bytes(found) if found is not None else b""
            if len(blob) == TILE_WIDTH * HASH_SIZE:
                _remember(shared, blob)
        self.cache[key] = blob
        return blob

    def complete(self, height: int, index: int) -> bytes:
        """Give the hash of the complete subtree of 2^height leaves starting at index·2^height."""
        level, inner = divmod(height, TILE_HEIGHT)
        first = index << inner  # position of its first hash among the level's hashes
        tile_index, offset = divmod(first, TILE_WIDTH)
        blob = self.tile(level, tile_index)
        end = (offset + (1 << inner)) * HASH_SIZE
        if len(blob) < end:
            raise LookupError(f"subtree ({height}, {index}) is not complete in the stored tree")
        if inner == 0:
            return blob[offset * HASH_SIZE : end]
        if len(blob) == TILE_WIDTH * HASH_SIZE:
            return _full_tile_levels(blob)[inner][offset >> inner]
        return _run_root(blob[offset * HASH_SIZE : end])


def append_leaves(conn: Connection, size: int, leaf_hashes: Sequence[bytes]) -> None:
    """Store the hashes of leaves size, size+1, ... into the tiles, level by level."""
    reader = TileReader(conn)
    new = list(leaf_hashes)
    level, start = 0, size
    while new:
        new = _append_level(conn, reader, level, start, new)
        level += 1
        start >>= TILE_HEIGHT


def _append_level(
    conn: Connection, reader: TileReader, level: int, start: int, new: list[bytes]
) -> list[bytes]:
    """Append hashes to one level; give the roots of the tiles this completed (next level's)."""
    m = t.merkle_tiles
    tile_index, offset = divmod(start, TILE_WIDTH)
    blob = reader.tile(level, tile_index)[: offset * HASH_SIZE] if offset else b""
    completed: list[bytes] = []
    created: list[tuple[int, int, bytes]] = []  # new tiles, inserted together at the end
    position = 0
    while position < len(new):
        take = new[position : position + TILE_WIDTH - len(blob) // HASH_SIZE]
        position += len(take)
        grown = blob + b"".join(take)
        if blob:
            conn.execute(
                m.update().where(m.c.level == level, m.c.idx == tile_index).values(hashes=grown)
            )
        else:
            created.append((level, tile_index, grown))
        reader.cache[(level, tile_index)] = grown
        if len(grown) == TILE_WIDTH * HASH_SIZE:
            completed.append(_full_tile_levels(grown)[-1][0])
            tile_index, blob = tile_index + 1, b""
        else:
            blob = grown
    insert_tuples(conn, m, ("level", "idx", "hashes"), created)
    return completed
