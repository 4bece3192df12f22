"""Auditing the ledger: every entry's hashes, and the tree against its signed checkpoints.
Each finding names the row. The full audit, with the projections, is
`pigdata.projections.audit.audit`."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.ledger import merkle, personal
from pigdata.ledger.entry import canonical_json, decode_entry, digest_prefix
from pigdata.ledger.keys import KeyFormatError, VerifierKey
from pigdata.ledger.note import Checkpoint, NoteError, open_note
from pigdata.ledger.tiles import TILE_WIDTH, TileReader
from pigdata.store import tables as t

_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found wrong, naming where."""

    where: str
    problem_zh: str
    problem_en: str

    def describe(self) -> str:
        return f"{self.where}: {self.problem_zh} / {self.problem_en}"


# Every column of ledger_entries and how the audit holds it to the entry bytes, which the
# tree and the signed checkpoints hold in turn. A test keeps this in step with the table, so
# that a column added later cannot go unchecked.
CHECKED_COLUMNS: dict[str, str] = {
    "seq": "without gaps from 0, and the tree built in that order",
    "entry": "its leaf hash, in the tree the checkpoints sign",
    "leaf_hash": "the leaf hash of entry",
    "record_digest": "the SHA-256 of the record's canonical bytes in entry",
    "digest_prefix": "the first 8 bytes of record_digest",
    "kind": "the record's kind in entry",
    "submitter": "the submitter in entry",
    "received_at": "the arrival time (received) in entry",
}
# The columns copied out of the entry bytes: where each value is in the entry.
_COPIED: dict[str, Callable[[dict[str, Any]], Any]] = {
    "kind": lambda entry: entry["record"]["kind"],
    "submitter": lambda entry: entry["submitter"],
    "received_at": lambda entry: entry["received"],
}


# A personal value beside an entry: its salt and value (both None once erased).
Sealed = dict[str, tuple[bytes | None, str | None]]


def _chunks(conn: Connection) -> Iterator[list[Any]]:
    e = t.ledger_entries
    last = -1
    while True:
        rows = conn.execute(
            sa.select(*(e.c[name] for name in CHECKED_COLUMNS))
            .where(e.c.seq > last)
            .order_by(e.c.seq)
            .limit(_CHUNK)
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].seq


def _entries(conn: Connection) -> Iterator[Any]:
    for rows in _chunks(conn):
        yield from rows


def _sealed_values(conn: Connection, first: int, last: int) -> dict[int, Sealed]:
    p = t.personal_values
    found: dict[int, Sealed] = {}
    query = sa.select(p.c.seq, p.c.path, p.c.salt, p.c.value).where(p.c.seq.between(first, last))
    for row in conn.execute(query):
        salt = bytes(row.salt) if row.salt is not None else None
        found.setdefault(row.seq, {})[row.path] = (salt, row.value)
    return found


def check_entries(conn: Connection) -> tuple[list[Finding], list[bytes]]:
    """Check every column of each entry against its bytes; give findings and the leaf hashes."""
    findings: list[Finding] = []
    leaves: list[bytes] = []
    seen: set[bytes] = set()
    expected_seq = 0
    for rows in _chunks(conn):
        sealed = _sealed_values(conn, rows[0].seq, rows[-1].seq)
        for row in rows:
            where = f"ledger_entries seq={row.seq}"
            if row.seq != expected_seq:
                findings.append(
                    Finding(
                        where,
                        f"seq 列不连续，应为 {expected_seq}",
                        f"column seq has a gap; expected {expected_seq}",
                    )
                )
                expected_seq = row.seq
            expected_seq += 1
            findings.extend(_entry_findings(where, row, seen, sealed.pop(row.seq, {})))
            leaves.append(bytes(row.leaf_hash))
        findings.extend(_orphan_findings(sealed))
    findings.extend(_orphan_findings(_sealed_values(conn, expected_seq, 2**62)))
    return findings, leaves


def _orphan_findings(sealed: dict[int, Sealed]) -> list[Finding]:
    return [
        Finding(
            f"personal_values seq={seq} path={path}",
            "没有这一条目或该处无承诺值",
            "no such entry, or no commitment at this path",
        )
        for seq, paths in sorted(sealed.items())
        for path in sorted(paths)
    ]


def _entry_findings(where: str, row: Any, seen: set[bytes], sealed: Sealed) -> list[Finding]:
    found: list[Finding] = []
    entry = bytes(row.entry)
    if merkle.leaf_hash(entry) != bytes(row.leaf_hash):
        en = "column leaf_hash does not match the hash of column entry"
        found.append(Finding(where, "leaf_hash 列与 entry 列的哈希不符", en))
    try:
        decoded = decode_entry(entry)
        found.extend(_sealed_findings(row.seq, decoded, sealed))
        values = {path: value for path, (_, value) in sealed.items()}
        record = personal.reveal(decoded["record"], values)
        canonical = canonical_json(record)
        digest = hashlib.sha256(canonical).digest()
    except (ValueError, KeyError, TypeError):
        found.append(
            Finding(where, "entry 列不是有效的 JSON 条目", "column entry is not valid JSON")
        )
        return found + _digest_findings(where, bytes(row.record_digest), row.digest_prefix, seen)
    # Once a personal value is erased, the record as sent (its digest, and a signature over
    # it) is gone for good; what stays checkable is the entry, its commitments and the tree.
    complete = all(value is not None for value in values.values())
    if complete and "vouched" in decoded:
        vouched = {**decoded["vouched"], **_signature(values)}
        if not _vouch_holds(vouched, canonical):
            found.append(Finding(where, "场所签名无效", "the premises' signature does not verify"))
    if complete and digest != bytes(row.record_digest):
        en = "column record_digest does not match the record in column entry"
        found.append(Finding(where, "record_digest 列与条目中的记录不符", en))
    found.extend(_copied_findings(where, row, decoded))
    found.extend(_digest_findings(where, bytes(row.record_digest), row.digest_prefix, seen))
    return found


def _copied_findings(where: str, row: Any, decoded: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    for column, read in _COPIED.items():
        try:
            said = read(decoded)
        except (KeyError, TypeError):
            said = None
        stored = getattr(row, column)
        if stored != said:
            found.append(
                Finding(
                    where,
                    f"{column} 列为 {stored!r}，条目中为 {said!r}",
                    f"column {column} is {stored!r} but the entry says {said!r}",
                )
            )
    return found


def _signature(values: dict[str, str | None]) -> dict[str, str]:
    signature = values.get(personal.SIGNATURE_PATH)
    return {"signature": signature} if signature is not None else {}


def _sealed_findings(seq: int, decoded: dict[str, Any], sealed: Sealed) -> list[Finding]:
    """Check each personal value kept beside an entry against the entry's commitment."""
    found: list[Finding] = []
    committed = personal.committed_paths(decoded)
    for path in committed:
        where = f"personal_values seq={seq} path={path}"
        if path not in sealed:
            found.append(Finding(where, "个人信息值缺失", "the personal value is missing"))
            continue
        salt, value = sealed[path]
        if (salt is None) != (value is None) or (
            salt is not None
            and value is not None
            and personal.commitment(salt, value) != personal.entry_value(decoded, path)
        ):
            en = "the personal value does not match the entry's commitment"
            found.append(Finding(where, "个人信息值与条目中的承诺不符", en))
    extra = {seq: {path: v for path, v in sealed.items() if path not in committed}}
    return found + _orphan_findings(extra)


def _digest_findings(where: str, digest: bytes, prefix: int, seen: set[bytes]) -> list[Finding]:
    # The write path finds records already present by the indexed prefix, so a wrong prefix
    # would let a record in twice; no unique index stands behind it, so look for twins too.
    found: list[Finding] = []
    if prefix != digest_prefix(digest):
        en = "column digest_prefix does not match column record_digest"
        found.append(Finding(where, "digest_prefix 列与 record_digest 列不符", en))
    if digest in seen:
        found.append(Finding(where, "同一记录重复入账", "the same record is in the ledger twice"))
    seen.add(digest)
    return found


def _expected_tiles(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Give every tile the leaves should have made, built again in one O(n) pass."""
    tiles: dict[tuple[int, int], bytes] = {}
    level, hashes = 0, leaves
    while hashes:
        above: list[bytes] = []
        for index in range(0, len(hashes), TILE_WIDTH):
            run = hashes[index : index + TILE_WIDTH]
            tiles[(level, index // TILE_WIDTH)] = b"".join(run)
            if len(run) == TILE_WIDTH:
                above.append(merkle.root(run))
        level, hashes = level + 1, above
    return tiles


def _vouch_holds(vouched: Any, canonical: bytes) -> bool:
    try:
        key = VerifierKey.parse(vouched["key"])
        return key.verify(canonical, base64.b64decode(vouched["signature"], validate=True))
    except (KeyError, TypeError, KeyFormatError, ValueError):  # ValueError: not base64
        return False


def check_tree(
    conn: Connection, leaves: list[bytes], verifier: VerifierKey | None
) -> list[Finding]:
    """Check the stored tiles against the entries' leaf hashes, then each checkpoint."""
    findings: list[Finding] = []
    expected = _expected_tiles(leaves)
    m = t.merkle_tiles
    stored = {
        (row.level, row.idx): bytes(row.hashes)
        for row in conn.execute(sa.select(m.c.level, m.c.idx, m.c.hashes))
    }
    for key in sorted(set(expected) | set(stored)):
        if expected.get(key) != stored.get(key):
            findings.append(
                Finding(
                    f"merkle_tiles level={key[0]} idx={key[1]}",
                    "树的哈希与账本条目不符",
                    "the tree's hashes differ from the ledger entries'",
                )
            )
    reader = TileReader(conn)
    reader.cache.update(expected)  # checkpoints are checked against the ledger, not the tiles
    c = t.checkpoints
    for row in conn.execute(sa.select(c.c.size, c.c.root_hash, c.c.note).order_by(c.c.size)):
        findings += _check_checkpoint(row, reader, len(leaves), verifier)
    return findings


def _check_checkpoint(
    row: Any, reader: TileReader, size: int, verifier: VerifierKey | None
) -> list[Finding]:
    where = f"checkpoints size={row.size}"
    if not 0 < row.size <= size:
        return [Finding(where, "检查点大小超出账本", "checkpoint size is outside the ledger")]
    found: list[Finding] = []
    root = merkle.range_hash(0, row.size, reader.complete)
    if root != bytes(row.root_hash):
        found.append(
            Finding(
                where,
                "账本条目算出的根哈希与检查点不符",
                "the root recomputed from the ledger differs from the checkpoint's",
            )
        )
    if verifier is not None:
        try:
            note = open_note(row.note, [verifier])
            signed = Checkpoint.parse(note.text)
        except NoteError as error:
            return [*found, Finding(where, f"签名无效：{error}", f"bad signature: {error}")]
        if signed.root_hash != root or signed.size != row.size:
            found.append(
                Finding(
                    where,
                    "签名的检查点与账本不符",
                    "the signed checkpoint does not match the ledger",
                )
            )
    return found


def check_ledger(
    conn: Connection, verifier: VerifierKey | None, step: Callable[[str], None]
) -> list[Finding]:
    """Give every finding about the entries and the tree (the projections are checked by
    `pigdata.projections.audit`, the layer above, which replays the ledger into them)."""
    step("entries")
    findings, leaves = check_entries(conn)
    step("tree")
    return findings + check_tree(conn, leaves, verifier)
