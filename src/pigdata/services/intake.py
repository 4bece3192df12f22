"""Bringing data in: files and API batches through the pipeline, archived first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import Engine

from pigdata.access.principal import Principal
from pigdata.config import Settings
from pigdata.ingest.limits import InputLimits
from pigdata.ingest.pipeline import IngestSummary, ingest_rows, today_in
from pigdata.ingest.readers import SourceRow, read_file
from pigdata.ingest.uploads import archive_bytes, archive_file, start_upload, upload_run
from pigdata.ledger.node import node_signer


def count_rows(path: Path) -> int | None:
    """Give the number of data rows of a file cheaply, for a progress bar; None if unknown."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return None
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - 1, 0) if suffix == ".csv" else lines


def ingest_file(
    engine: Engine,
    settings: Settings,
    path: Path,
    *,
    who: Principal,
    kind: str | None = None,
    today: date | None = None,
    keep_outcomes: bool = False,
    on_batch: Callable[[int], None] | None = None,
    rows: Iterable[SourceRow] | None = None,
) -> IngestSummary:
    """Archive a file by its SHA-256, then ingest its rows; give the counts.

    `rows` are the file's rows when the caller has read (and reshaped) them itself.
    """
    if rows is None:
        rows = read_file(path, kind, InputLimits.of(settings))
    # The upload is recorded once reading has begun well: a file that cannot be read at all
    # (empty, no header, beyond a limit that concerns it whole) is refused with nothing kept.
    rows = iter(rows)
    first = next(rows, None)
    digest, size = archive_file(path, settings.archive_dir)
    upload_id = start_upload(engine, digest, path.name, size, who.submitter)
    with upload_run(engine, upload_id):
        return ingest_rows(
            engine,
            rows if first is None else chain((first,), rows),
            upload_id=upload_id,
            who=who,
            today=today or today_in(settings.timezone),
            batch_size=settings.batch_size,
            keep_outcomes=keep_outcomes,
            on_batch=on_batch,
            signer=node_signer(settings),
        )


def ingest_payload(
    engine: Engine,
    settings: Settings,
    records: Sequence[dict[str, Any]],
    *,
    who: Principal,
    label: str = "api",
    today: date | None = None,
) -> IngestSummary:
    """Archive a JSON batch, then ingest its records; give the counts and each outcome."""
    raw = orjson.dumps(list(records))
    digest = archive_bytes(raw, settings.archive_dir)
    upload_id = start_upload(engine, digest, label, len(raw), who.submitter)
    rows = (
        SourceRow(label, index, dict(record), tuple(record), tuple(record.values()))
        for index, record in enumerate(records)
    )
    with upload_run(engine, upload_id):
        return ingest_rows(
            engine,
            rows,
            upload_id=upload_id,
            who=who,
            today=today or today_in(settings.timezone),
            batch_size=settings.batch_size,
            keep_outcomes=True,
            signer=node_signer(settings),
        )
