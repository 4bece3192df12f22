"""Uploads: the raw bytes archived by SHA-256, one bookkeeping row per run, rejected rows."""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata import csvout
from pigdata.errors import PigdataError
from pigdata.ingest.headers import REJECT_COLUMN_PREFIX
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

_BLOCK = 1 << 20


def utc_now() -> str:
    """Give the current UTC time as RFC 3339 text with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _archive_path(archive_dir: Path, digest: str) -> Path:
    return archive_dir / digest[:2] / digest


def archive_file(path: Path, archive_dir: Path) -> tuple[str, int]:
    """Copy a file into the archive under its SHA-256 and give (hex digest, size)."""
    hasher = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            hasher.update(block)
            size += len(block)
    digest = hasher.hexdigest()
    target = _archive_path(archive_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        shutil.copyfile(path, partial)
        partial.replace(target)  # atomic: an interrupted copy never looks archived
    return digest, size


def archive_bytes(data: bytes, archive_dir: Path) -> str:
    """Store bytes in the archive under their SHA-256 and give the hex digest."""
    digest = hashlib.sha256(data).hexdigest()
    target = _archive_path(archive_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)
    return digest


def start_upload(engine: Engine, digest: str, filename: str, size: int, submitter: str) -> int:
    """Record the start of an ingest run and give its id."""
    with write_transaction(engine) as conn:
        result = conn.execute(
            t.uploads.insert().values(
                sha256=digest,
                filename=filename,
                size_bytes=size,
                submitter=submitter,
                started_at=utc_now(),
                accepted=0,
                rejected=0,
                duplicates=0,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def count_batch(conn: Connection, upload_id: int, accepted: int, rejected: int, dup: int) -> None:
    """Add a batch's counts to its upload, inside the batch's own transaction."""
    u = t.uploads
    conn.execute(
        u.update()
        .where(u.c.id == upload_id)
        .values(
            accepted=u.c.accepted + accepted,
            rejected=u.c.rejected + rejected,
            duplicates=u.c.duplicates + dup,
        )
    )


def finish_upload(engine: Engine, upload_id: int) -> None:
    """Mark an ingest run as complete."""
    with write_transaction(engine) as conn:
        conn.execute(
            t.uploads.update().where(t.uploads.c.id == upload_id).values(finished_at=utc_now())
        )


def fail_upload(engine: Engine, upload_id: int, error: str) -> None:
    """Mark an ingest run as ended by an error, saying which (the batches before it stay)."""
    with write_transaction(engine) as conn:
        conn.execute(
            t.uploads.update()
            .where(t.uploads.c.id == upload_id)
            .values(finished_at=utc_now(), error=error[:2000])
        )


@contextmanager
def upload_run(engine: Engine, upload_id: int) -> Iterator[None]:
    """Close an upload when the block ends: finished, or failed with the error that ended it.

    Each batch commits on its own, so a run that fails keeps its earlier batches, every one
    whole; running the fixed file again counts them as already present and completes it.
    """
    try:
        yield
    except BaseException as error:
        message = error.message if isinstance(error, PigdataError) else type(error).__name__
        try:
            fail_upload(engine, upload_id, message)
        except Exception as second:  # the store itself failing: the first error is the news
            raise error from second
        raise
    finish_upload(engine, upload_id)


def upload_row(conn: Connection, upload_id: int) -> sa.Row[Any] | None:
    """Give an upload's bookkeeping row, or None."""
    return conn.execute(t.uploads.select().where(t.uploads.c.id == upload_id)).first()


_REJECTS_PAGE = 500  # rows fetched at a time, so that a download holds a page, not all


def _reject_rows(conn: Connection, upload_id: int, *columns: sa.Column[Any]) -> Iterator[Any]:
    r = t.rejects
    query = sa.select(*columns).where(r.c.upload_id == upload_id).order_by(r.c.row_no, r.c.id)
    # Streamed from the server (PostgreSQL's server-side cursor, SQLite's stepping).
    yield from conn.execution_options(yield_per=_REJECTS_PAGE).execute(query)


REASON_COLUMNS = tuple(
    f"{REJECT_COLUMN_PREFIX}{n}" for n in ("row", "field", "rule", "reason_zh", "reason_en")
)


def reject_table(conn: Connection, upload_id: int) -> Iterator[list[Any]]:
    """Give the rejected rows of an upload as table rows: the header, then one per rejection.

    The cells as sent come first, under the union of the rows' headers, then why; the reason
    columns start with `reject_`, which readers ignore, so the fixed file can be ingested as
    it is. Two passes over the rows, each a page at a time: the first finds the headers.
    """
    r = t.rejects
    headers: dict[str, None] = {}
    for (raw,) in _reject_rows(conn, upload_id, r.c.raw):
        headers.update(dict.fromkeys(orjson.loads(raw)))
    yield [*headers, *REASON_COLUMNS]
    for row in _reject_rows(conn, upload_id, r.c.row_no, r.c.raw, r.c.issues):
        raw = orjson.loads(row.raw)
        issues = orjson.loads(row.issues)
        yield [
            *(_cell_text(raw.get(h, "")) for h in headers),
            row.row_no,
            "; ".join(i["field"] for i in issues),
            "; ".join(i["rule"] for i in issues),
            "；".join(i["zh"] for i in issues),
            "; ".join(i["en"] for i in issues),
        ]


def rejects_csv_chunks(conn: Connection, upload_id: int) -> Iterator[str]:
    """Give an upload's rejects CSV as pieces of text to write or send one after another.

    The one place the CSV is written: each piece holds a page of rows, never the whole file.
    """
    buffer = io.StringIO()
    writer = csvout.writer(buffer)  # formula cells made text (OWASP)
    for count, row in enumerate(reject_table(conn, upload_id), start=1):
        writer.writerow(row)
        if count % _REJECTS_PAGE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def rejects_csv(conn: Connection, upload_id: int) -> str:
    """Give the rejected rows of an upload as CSV text (see `reject_table`), for small ones."""
    return "".join(rejects_csv_chunks(conn, upload_id))


def _cell_text(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)
