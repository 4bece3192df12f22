"""Uploads: the raw bytes archived by SHA-256, one bookkeeping row per run, rejected rows."""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata import csvout
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


def upload_row(conn: Connection, upload_id: int) -> sa.Row[Any] | None:
    """Give an upload's bookkeeping row, or None."""
    return conn.execute(t.uploads.select().where(t.uploads.c.id == upload_id)).first()


def _reject_rows(conn: Connection, upload_id: int) -> Iterator[sa.Row[Any]]:
    r = t.rejects
    query = sa.select(r).where(r.c.upload_id == upload_id).order_by(r.c.row_no, r.c.id)
    yield from conn.execute(query)


def rejects_csv(conn: Connection, upload_id: int) -> str:
    """Give the rejected rows of an upload as CSV: the cells as sent, then why, to fix and resend.

    The reason columns start with `reject_`, which readers ignore, so the fixed file can be
    ingested as it is.
    """
    rows = list(_reject_rows(conn, upload_id))
    headers: list[str] = []
    for row in rows:
        for header in orjson.loads(row.raw):
            if header not in headers:
                headers.append(header)
    reasons = [
        f"{REJECT_COLUMN_PREFIX}{n}" for n in ("row", "field", "rule", "reason_zh", "reason_en")
    ]
    buffer = io.StringIO()
    writer = csvout.writer(buffer)  # formula cells made text (OWASP)
    writer.writerow(headers + reasons)
    for row in rows:
        raw = orjson.loads(row.raw)
        cells = [_cell_text(raw.get(h, "")) for h in headers]
        issues = orjson.loads(row.issues)
        writer.writerow(
            [
                *cells,
                row.row_no,
                "; ".join(i["field"] for i in issues),
                "; ".join(i["rule"] for i in issues),
                "；".join(i["zh"] for i in issues),
                "; ".join(i["en"] for i in issues),
            ]
        )
    return buffer.getvalue()


def _cell_text(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)
