"""The write path: rows in, each accepted (ledger entry + projections) or rejected with reasons.

Rows are taken a batch at a time; each batch is one transaction that appends its entries,
applies them to the projections, keeps its rejects and adds to the upload's counts, so a
process killed at any point leaves every entry projected and nothing half-written. A record
already in the ledger (same canonical bytes) is counted as already present, never appended
twice, so running the same file again completes it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import islice
from typing import Any, cast
from zoneinfo import ZoneInfo

import orjson
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from pigdata.access.principal import Principal
from pigdata.domain.issues import Issue, issues_from_validation
from pigdata.domain.records import RECORD_TYPES, AnyRecord, record_adapter
from pigdata.ingest import columnar as columnar_path
from pigdata.ingest.columnar import Parsed
from pigdata.ingest.context import BatchContext, load_context
from pigdata.ingest.readers import SourceRow
from pigdata.ingest.rules import check_record, scope_refusal
from pigdata.ingest.uploads import count_batch, utc_now
from pigdata.ingest.vouching import SIGNATURE_FIELD, check_signature
from pigdata.ledger import personal
from pigdata.ledger.entry import (
    EntryEnvelope,
    canonical_json,
    digest_prefix,
    record_body,
    record_digest,
)
from pigdata.ledger.log import LogSigner, sign_checkpoint
from pigdata.ledger.merkle import leaf_hash
from pigdata.ledger.tiles import append_leaves
from pigdata.projections.apply import apply_entries
from pigdata.store import tables as t
from pigdata.store.bulk import blob, insert_many, insert_tuples
from pigdata.store.engine import is_sqlite, write_transaction

MAX_REJECTIONS = 1000
_IN_CHUNK = 5000
ACCEPTED = "accepted"
REJECTED = "rejected"
DUPLICATE = "duplicate"
LEDGER_COLUMNS = (
    "seq",
    "kind",
    "entry",
    "leaf_hash",
    "record_digest",
    "digest_prefix",
    "submitter",
    "received_at",
)
PERSONAL_COLUMNS = ("seq", "path", "salt", "value")


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What became of one row."""

    source: str
    row_no: int
    status: str
    seq: int | None = None
    issues: tuple[Issue, ...] = ()


@dataclass
class IngestSummary:
    """Counts of one ingest run, and the outcome of each row when asked for."""

    upload_id: int
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    columnar: int = 0  # rows the columnar path parsed (the rest their models did)
    outcomes: list[RowOutcome] = field(default_factory=list)
    rejections: list[RowOutcome] = field(default_factory=list)  # the first MAX_REJECTIONS

    @property
    def rows(self) -> int:
        return self.accepted + self.rejected + self.duplicates


@dataclass(slots=True)
class _Candidate:
    row: SourceRow
    record: AnyRecord | None = None
    body: dict[str, Any] | None = None
    canonical: bytes = b""
    digest: bytes = b""
    prefix: int = 0
    signature: Any = None
    issues: list[Issue] = field(default_factory=list)
    columnar: bool = False  # parsed by the columnar path (else by the model)


def today_in(timezone: str) -> date:
    """Give today's date where the node's dates are reckoned."""
    return datetime.now(ZoneInfo(timezone)).date()


def _parse(row: SourceRow, parsed: Parsed | None = None) -> _Candidate:
    """Give a row's candidate: as the columnar path parsed it, else as its model decides."""
    if parsed is not None:
        return _Candidate(
            row,
            parsed.record,
            parsed.body,
            parsed.canonical,
            parsed.digest,
            parsed.prefix,
            parsed.signature,
            [],
            True,
        )
    candidate = _Candidate(row)
    if row.unreadable is not None:
        candidate.issues = [row.unreadable]
        return candidate
    values = row.values
    if SIGNATURE_FIELD in values:
        candidate.signature = values[SIGNATURE_FIELD]
        values = {k: v for k, v in values.items() if k != SIGNATURE_FIELD}
    # Dispatching on the kind ourselves is twice as fast as the discriminated union; the
    # union still gives the error for a missing or unknown kind.
    kind = values.get("kind")
    model = RECORD_TYPES.get(kind) if type(kind) is str else None
    try:
        record = (
            cast(AnyRecord, model.model_validate(values))
            if model is not None
            else record_adapter.validate_python(values)
        )
    except ValidationError as error:
        candidate.issues = issues_from_validation(error, row.values.get("kind"))
        return candidate
    candidate.record = record
    candidate.body = record_body(record)
    candidate.canonical = canonical_json(candidate.body)
    candidate.digest = record_digest(candidate.canonical)
    candidate.prefix = digest_prefix(candidate.digest)
    return candidate


def _lock_head(conn: Connection) -> int:
    head = t.ledger_head
    query = sa.select(head.c.size).where(head.c.id == 1)
    if not is_sqlite(conn):
        query = query.with_for_update()  # SQLite's BEGIN IMMEDIATE already holds the lock
    size = conn.execute(query).scalar_one()
    return int(size)


def _existing_digests(conn: Connection, prefixes: Sequence[int]) -> set[bytes]:
    """Give the full digests of stored entries whose digest prefix is among these.

    The caller compares full digests, so two records whose digests share a prefix are
    told apart.
    """
    found: set[bytes] = set()
    unique = sorted(set(prefixes))  # in index order: fewer page visits
    for start in range(0, len(unique), _IN_CHUNK):
        chunk = tuple(unique[start : start + _IN_CHUNK])
        rows = conn.exec_driver_sql(_digest_query(len(chunk), conn.dialect.paramstyle), chunk)
        found.update(bytes(row[0]) for row in rows)
    return found


@cache
def _digest_query(count: int, paramstyle: str) -> str:
    # Rendered by hand: with thousands of values SQLAlchemy's IN expansion costs more than
    # the lookup itself.
    marker = "?" if paramstyle == "qmark" else "%s"
    markers = ", ".join([marker] * count)
    return f"SELECT record_digest FROM ledger_entries WHERE digest_prefix IN ({markers})"


@contextmanager
def _collections_between_batches() -> Iterator[Callable[[], None]]:
    """Keep the cyclic collector out of the batches; give what to call after each batch.

    A batch makes hundreds of thousands of short-lived objects but hardly any reference
    cycles; the collector would otherwise trace the batch's live objects again and again.
    One young-generation collection after each batch frees whatever cycles the batch did
    make (rejected rows' errors, for instance), so memory stays bounded over any number of
    rows.
    """
    enabled = gc.isenabled()

    def collect() -> None:
        if enabled:
            gc.collect(1)

    gc.disable()
    try:
        yield collect
    finally:
        if enabled:
            gc.enable()


class _Batch:
    """One batch's decisions and the rows it will write."""

    def __init__(
        self, upload_id: int, size: int, envelope: EntryEnvelope, keep_outcomes: bool = True
    ) -> None:
        self.upload_id = upload_id
        # Outcomes of accepted and duplicate rows are made only when the caller wants them;
        # rejected rows always get one (the summary keeps the first MAX_REJECTIONS).
        self.keep_outcomes = keep_outcomes
        self.start = size
        self.next_seq = size
        self.envelope = envelope
        head, self.tail = envelope.frame()
        self.head = blob(head)  # so that each entry, head + record + tail, is one too
        self.ledger_rows: list[tuple[Any, ...]] = []  # in the order of LEDGER_COLUMNS
        self.leaf_hashes: list[bytes] = []
        self.applied: list[tuple[int, dict[str, Any]]] = []
        self.personal_rows: list[tuple[int, str, bytes, str]] = []
        self.salts = personal.SaltPool()
        self.reject_rows: list[dict[str, Any]] = []
        self.outcomes: list[RowOutcome] = []
        self.duplicates = 0

    def accept(self, candidate: _Candidate, vouched: dict[str, str] | None = None) -> int:
        assert candidate.record is not None and candidate.body is not None
        seq = self.next_seq
        self.next_seq += 1
        record_bytes, vouched = self._sealed(seq, candidate.body, candidate.canonical, vouched)
        entry: bytes | bytearray
        if vouched is None:
            entry = self.head + record_bytes + self.tail
        else:
            entry = self.envelope.wrap(record_bytes, vouched)
        leaf = leaf_hash(entry)
        self.leaf_hashes.append(leaf)
        self.ledger_rows.append(
            (
                seq,
                candidate.record.kind,
                entry,
                blob(leaf),
                blob(candidate.digest),
                candidate.prefix,
                self.envelope.submitter,
                self.envelope.received,
            )
        )
        self.applied.append((seq, candidate.body))
        if self.keep_outcomes:
            row = candidate.row
            self.outcomes.append(RowOutcome(row.source, row.row_no, ACCEPTED, seq))
        return seq

    def _sealed(
        self,
        seq: int,
        body: dict[str, Any],
        canonical: bytes,
        vouched: dict[str, str] | None,
    ) -> tuple[bytes, dict[str, str] | None]:
        """Give the record's bytes for the entry, personal values sealed, and its vouch.

        The projections get the plain body; the entry only commitments (ledger.personal).
        """
        if not personal.has_personal(body):
            return canonical, vouched
        in_place = personal.seal_canonical(body, canonical, self.salts)
        if in_place is not None:
            record_bytes, sealed = in_place
        else:
            committed, sealed = personal.seal(body, self.salts)
            record_bytes = canonical_json(committed)
        if vouched is not None:
            signature = personal.seal_signature(vouched["signature"], self.salts)
            sealed.append(signature)
            vouched = {**vouched, "signature": signature.commitment}
        self.personal_rows.extend((seq, s.path, s.salt, s.value) for s in sealed)
        return record_bytes, vouched

    def reject(self, candidate: _Candidate, issues: list[Issue]) -> None:
        first = issues[0]
        self.reject_rows.append(
            {
                "upload_id": self.upload_id,
                "row_no": candidate.row.row_no,
                "kind": candidate.row.values.get("kind") or None,
                "field": first.field[:100],
                "rule": first.rule[:100],
                "message_zh": first.zh,
                "message_en": first.en,
                "issues": orjson.dumps([i.as_dict() for i in issues]).decode(),
                "raw": orjson.dumps(candidate.row.raw, default=str).decode(),
            }
        )
        row = candidate.row
        self.outcomes.append(RowOutcome(row.source, row.row_no, REJECTED, None, tuple(issues)))

    def duplicate_row(self, row: SourceRow) -> None:
        self.duplicates += 1
        if self.keep_outcomes:
            self.outcomes.append(RowOutcome(row.source, row.row_no, DUPLICATE))

    def write(self, conn: Connection, signer: LogSigner | None) -> None:
        if self.ledger_rows:
            insert_tuples(conn, t.ledger_entries, LEDGER_COLUMNS, self.ledger_rows)
            append_leaves(conn, self.start, self.leaf_hashes)
            conn.execute(
                t.ledger_head.update().where(t.ledger_head.c.id == 1).values(size=self.next_seq)
            )
            if signer is not None:
                sign_checkpoint(conn, signer, self.next_seq, self.envelope.received)
            apply_entries(conn, self.applied)
            insert_tuples(conn, t.personal_values, PERSONAL_COLUMNS, self.personal_rows)
        if self.reject_rows:
            insert_many(conn, t.rejects, self.reject_rows)
        count_batch(
            conn, self.upload_id, len(self.ledger_rows), len(self.reject_rows), self.duplicates
        )


def _decide(
    conn: Connection,
    batch: _Batch,
    candidates: Sequence[_Candidate],
    today: date,
    who: Principal,
) -> None:
    """Decide each row in order, against the store's facts and the batch's earlier rows."""
    valid = [c for c in candidates if c.record is not None]
    present = _existing_digests(conn, [c.prefix for c in valid])
    ctx = load_context(conn, batch.next_seq, [c.record for c in valid if c.record is not None])
    for candidate in candidates:
        _decide_one(batch, candidate, ctx, present, today, who)


def _decide_one(
    batch: _Batch,
    candidate: _Candidate,
    ctx: BatchContext,
    present: set[bytes],
    today: date,
    who: Principal,
) -> None:
    if candidate.record is None:
        batch.reject(candidate, candidate.issues)
        return
    if candidate.digest in present:
        if refused := scope_refusal(candidate.record, ctx, who):
            batch.reject(candidate, refused)
        else:
            batch.duplicate_row(candidate.row)
        return
    issues = check_record(candidate.record, ctx, today, who)
    vouched = None
    if not issues and candidate.signature is not None:
        vouched, refusal = check_signature(
            candidate.record, candidate.canonical, candidate.signature, ctx
        )
        issues = [refusal] if refusal else []
    if issues:
        batch.reject(candidate, issues)
        return
    seq = batch.accept(candidate, vouched)
    ctx.add(candidate.record, seq)
    present.add(candidate.digest)


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    """Give the rows in lists of `size`, keeping no reference to a list once it is given.

    (A generator suspended at `yield chunk` would keep the batch alive while the collector
    runs after it, and the collector would trace every row of it for nothing.)
    """
    iterator = iter(rows)
    return iter(lambda: list(islice(iterator, size)), [])


def ingest_rows(
    engine: Engine,
    rows: Iterable[SourceRow],
    *,
    upload_id: int,
    who: Principal,
    today: date,
    batch_size: int,
    keep_outcomes: bool = False,
    on_batch: Callable[[int], None] | None = None,
    signer: LogSigner | None = None,
    columnar: bool = True,
) -> IngestSummary:
    """Ingest rows batch by batch and give the counts (and outcomes when asked).

    With a signer, each batch that appends entries also signs a checkpoint of the new tree.
    `columnar=False` parses every row by its model alone (the tests compare the two).
    """
    summary = IngestSummary(upload_id)
    with _collections_between_batches() as collect:
        for chunk in _batches(rows, batch_size):
            size = len(chunk)
            _ingest_batch(
                engine, chunk, summary, upload_id, who, today, keep_outcomes, signer, columnar
            )
            del chunk  # the batch is done; the collector need not trace it
            collect()
            if on_batch is not None:
                on_batch(size)
    return summary


def _candidates(chunk: list[SourceRow], columnar: bool) -> list[_Candidate]:
    """Parse a batch column-wise; the rows that path leaves go to their models."""
    if not columnar:
        return [_parse(row) for row in chunk]
    parsed = columnar_path.parse_batch(chunk)
    return [_parse(row, p) for row, p in zip(chunk, parsed, strict=True)]


def _ingest_batch(
    engine: Engine,
    chunk: list[SourceRow],
    summary: IngestSummary,
    upload_id: int,
    who: Principal,
    today: date,
    keep_outcomes: bool,
    signer: LogSigner | None,
    columnar: bool,
) -> None:
    """Decide and write one batch in one transaction, and add its counts to the summary."""
    envelope = EntryEnvelope(who.entry_submitter, utc_now())
    candidates = _candidates(chunk, columnar)
    with write_transaction(engine) as conn:
        size = _lock_head(conn)
        batch = _Batch(upload_id, size, envelope, keep_outcomes)
        _decide(conn, batch, candidates, today, who)
        batch.write(conn, signer)
    summary.accepted += len(batch.ledger_rows)
    summary.rejected += len(batch.reject_rows)
    summary.duplicates += batch.duplicates
    summary.columnar += sum(1 for c in candidates if c.columnar)
    if keep_outcomes:
        summary.outcomes.extend(batch.outcomes)
    room = MAX_REJECTIONS - len(summary.rejections)
    if room > 0:
        summary.rejections.extend([o for o in batch.outcomes if o.status == REJECTED][:room])
