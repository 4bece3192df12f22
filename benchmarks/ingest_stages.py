"""CPU time of each stage of the ingest pipeline, measured on a real run of it.

The pipeline's own functions are wrapped with timers for the length of one run (the
wrappers add a fraction of a microsecond per row, so the headline figure comes from a run
without them): reading rows, parsing and validating each row (with its canonical bytes
and digest), the digest look-up, the batch's facts, the rules (what remains of deciding),
the ledger rows, the projections and the commit. Times are this process's CPU time, so a
machine shared with other work disturbs them less than wall time.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.ingest import pipeline
from pigdata.ingest.readers import SourceRow
from pigdata.services import intake

_clock = time.process_time
LEDGER = "insert ledger entries and Merkle tiles"
PROJECTIONS = "insert projection rows"


class StageClock:
    """CPU seconds spent in named stages, by wrapping the functions that do them."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = _clock()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[stage] += _clock() - started

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def wrap_reader(self, owner: Any, name: str) -> None:
        original = getattr(owner, name)

        def timed_rows(*args: Any, **kwargs: Any) -> Iterator[SourceRow]:
            rows = original(*args, **kwargs)
            while True:
                started = _clock()
                row = next(rows, None)
                self.spent["read"] += _clock() - started
                if row is None:
                    return
                yield row

        self._undo.append((owner, name, original))
        setattr(owner, name, timed_rows)

    def wrap_inserts(self, owner: Any, name: str) -> None:
        """Time an insert function by the table it writes: ledger or projections."""
        original: Callable[..., Any] = getattr(owner, name)

        def timed(conn: Any, table: Any, *args: Any, **kwargs: Any) -> Any:
            started = _clock()
            try:
                return original(conn, table, *args, **kwargs)
            finally:
                ledger = table.name == "ledger_entries"
                self.spent[LEDGER if ledger else PROJECTIONS] += _clock() - started

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def wrap_commit(self, owner: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        @contextmanager
        def timed_transaction(*args: Any, **kwargs: Any) -> Iterator[Any]:
            started = 0.0
            with original(*args, **kwargs) as conn:
                yield conn
                started = _clock()  # the body is done: what follows is the commit
            self.spent["commit"] += _clock() - started

        self._undo.append((owner, name, original))
        setattr(owner, name, timed_transaction)

    def undo(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def stage_breakdown(engine: Engine, settings: Settings, path: Path, rows: int) -> dict[str, float]:
    """Ingest the file with stage timers; give µs of CPU per record by stage."""
    clock = StageClock()
    clock.wrap_reader(intake, "read_file")
    clock.wrap(pipeline, "_candidates", "parse, validate, canonical JSON, digest")
    clock.wrap(pipeline, "_existing_digests", "look up digests already in the ledger")
    clock.wrap(pipeline, "load_context", "load the batch's cross-record facts")
    clock.wrap(pipeline, "_decide", "decide")
    clock.wrap_inserts(pipeline, "insert_tuples")
    clock.wrap(pipeline, "append_leaves", LEDGER)
    clock.wrap(pipeline, "sign_checkpoint", "sign the checkpoint")
    clock.wrap(pipeline, "apply_entries", PROJECTIONS)
    clock.wrap_commit(pipeline, "write_transaction")
    started = _clock()
    try:
        summary = intake.ingest_file(
            engine, settings, path, who=ADMIN, today=pipeline.today_in("Asia/Shanghai")
        )
    finally:
        clock.undo()
        engine.dispose()
    total = _clock() - started
    assert summary.accepted == rows, (summary.accepted, summary.rejected)
    spent = dict(clock.spent)
    inner = (
        spent["look up digests already in the ledger"]
        + spent["load the batch's cross-record facts"]
    )
    spent["check the rules, build ledger rows"] = spent.pop("decide") - inner
    spent["everything else (batching, archive, upload counts)"] = total - sum(spent.values())
    spent["total"] = total
    return {stage: seconds / rows * 1e6 for stage, seconds in spent.items()}
