"""Ingest throughput of each record kind through the whole pipeline, beside a raw executemany.

For each kind and backend, on a fresh database: register the premises the kind's records
name (benchmarks/ingest_kinds.py), write a CSV of N records of the kind, then time (1)
`pigdata ingest`'s pipeline on that file — read, map headers, validate, check cross-record
rules, append ledger entries, project, commit in batches — and (2) a raw executemany of the
same rows into a copy of the kind's projection table (same columns and keys, no secondary
indexes) in the same database, in transactions of the same size. The raw rows are the ones
the pipeline wrote, read back as tuples before the raw timing starts. The ratio raw /
pipeline says what the pipeline costs over bare storage. Each kind ends with the line
`ingest KIND: P rec/s pipeline, R rec/s raw, X.Yx` (SQLite, wall time).

    python benchmarks/ingest.py [--kind KIND|all] [--rows 1000000] [--postgres postgresql+psycopg://...]

KIND is movement (the default), herd_report, premises, trade, slaughter or price_quote.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from ingest_kinds import KINDS, LABELS, write_kind
from ingest_stages import stage_breakdown
from sqlalchemy.engine import Engine, make_url

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.ingest.pipeline import today_in
from pigdata.ingest.readers import read_file
from pigdata.services.intake import ingest_file, ingest_payload
from pigdata.store import tables
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

BATCH = 50_000
# The projection table that holds each kind's records (tags and sums kept beside them are
# the pipeline's extra work, not part of the baseline).
PROJECTION: dict[str, sa.Table] = {
    "movement": tables.movements,
    "herd_report": tables.herd_reports,
    "premises": tables.premises,
    "trade": tables.trades,
    "slaughter": tables.slaughters,
    "price_quote": tables.price_quotes,
}


@dataclass(frozen=True)
class Result:
    backend: str
    rows: int
    pipeline_per_s: float
    raw_per_s: float
    pipeline_cpu_per_s: float  # by this process's CPU time (the server's is not counted)
    raw_cpu_per_s: float

    @property
    def ratio(self) -> float:
        return self.raw_per_s / self.pipeline_per_s

    @property
    def cpu_ratio(self) -> float:
        return self.raw_cpu_per_s / self.pipeline_cpu_per_s


@dataclass(frozen=True)
class Rate:
    wall: float
    cpu: float


@contextmanager
def timed(rows: int) -> Iterator[list[Rate]]:
    """Measure a block's records per second by wall time and by this process's CPU time."""
    found: list[Rate] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield found
    found.append(Rate(rows / (time.perf_counter() - wall), rows / (time.process_time() - cpu)))


@contextmanager
def fresh_database(backend: str, postgres: str | None, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    assert postgres is not None
    name = f"pigdata_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bare_copy(table: sa.Table) -> sa.Table:
    """Give a table with the same columns, primary key and unique keys, and no other index."""
    columns = [
        sa.Column(
            c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, autoincrement=False
        )
        for c in table.columns
    ]
    keys = [
        sa.UniqueConstraint(*(c.name for c in constraint.columns))
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]
    return sa.Table(f"bench_raw_{table.name}", sa.MetaData(), *columns, *keys)


def stored_rows(engine: Engine, table: sa.Table) -> list[tuple[Any, ...]]:
    """Give the rows the pipeline wrote to a projection table, as the driver gives them."""
    names = ", ".join(c.name for c in table.columns)
    with engine.connect() as conn:
        found = conn.exec_driver_sql(f"SELECT {names} FROM {table.name} ORDER BY entry_seq")
        return [tuple(row) for row in found]


def raw_insert(engine: Engine, table: sa.Table, rows: list[tuple[Any, ...]]) -> Rate:
    """Insert tuples into a bare copy of the table with executemany; give rows/s."""
    copy = bare_copy(table)
    copy.create(engine)
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {copy.name} ({', '.join(c.name for c in copy.columns)}) "
        f"VALUES ({', '.join([marker] * len(copy.columns))})"
    )
    with timed(len(rows)) as rate:
        for start in range(0, len(rows), BATCH):
            with engine.begin() as conn:
                conn.exec_driver_sql(sql, rows[start : start + BATCH])
    return rate[0]


def prepared(url: str, folder: Path, premises: list[dict[str, Any]]) -> tuple[Engine, Settings]:
    """Give a migrated store at url holding the premises the benchmark's records name."""
    settings = Settings(
        database_url=url,
        archive_dir=folder / "archive",
        key_file=folder / "keys" / "node.key",  # the run's own key, not one in the cwd
        batch_size=BATCH,
    )
    engine = make_engine(url)
    upgrade(engine)
    for start in range(0, len(premises), BATCH):
        summary = ingest_payload(engine, settings, premises[start : start + BATCH], who=ADMIN)
        assert summary.rejected == 0, summary
    return engine, settings


def measure(
    kind: str, backend: str, url: str, path: Path, rows: int, folder: Path, premises: list[Any]
) -> Result:
    engine, settings = prepared(url, folder, premises)
    with timed(rows) as pipeline:
        summary = ingest_file(engine, settings, path, who=ADMIN, today=today_in("Asia/Shanghai"))
    # Every row taken; a random file may hold the same record twice (a duplicate, not
    # appended again), which the pipeline still had to read, check and look up.
    assert summary.rejected == 0 and summary.accepted + summary.duplicates == rows, summary
    if summary.duplicates:
        print(f"({summary.duplicates} rows repeat an earlier record: counted as duplicates)")
    table = PROJECTION[kind]
    written = stored_rows(engine, table)
    assert len(written) == summary.accepted, (len(written), summary.accepted)
    raw = raw_insert(engine, table, written)
    engine.dispose()
    return Result(backend, rows, pipeline[0].wall, raw.wall, pipeline[0].cpu, raw.cpu)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}"
    )


def run_kind(kind: str, args: argparse.Namespace, folder: Path) -> None:
    """Measure one kind on each backend and print its table, ending with its summary line."""
    path = folder / f"{kind}.csv"
    started = time.perf_counter()
    premises = write_kind(kind, path, args.rows)
    print(f"wrote {args.rows:,} {LABELS[kind]} in {time.perf_counter() - started:.1f} s")
    assert sum(1 for _ in read_file(path)) == args.rows
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    results = []
    for backend in backends:
        with fresh_database(backend, args.postgres, folder) as url:
            results.append(measure(kind, backend, url, path, args.rows, folder, premises))
        (folder / "bench.db").unlink(missing_ok=True)
    stages: dict[str, float] = {}
    if args.stages:
        engine, settings = prepared(f"sqlite:///{folder / 'bench.db'}", folder, premises)
        stages = stage_breakdown(engine, settings, path, args.rows)
        (folder / "bench.db").unlink(missing_ok=True)
    path.unlink()
    print(
        "\n| backend | rows | pipeline rec/s | raw executemany rec/s | raw / pipeline "
        "| pipeline rec/CPU-s | raw rec/CPU-s | raw / pipeline (CPU) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.backend} | {r.rows:,} | {r.pipeline_per_s:,.0f} | {r.raw_per_s:,.0f} "
            f"| {r.ratio:.1f}x | {r.pipeline_cpu_per_s:,.0f} | {r.raw_cpu_per_s:,.0f} "
            f"| {r.cpu_ratio:.1f}x |"
        )
    if stages:
        print(f"\nCPU time by stage, SQLite, {args.rows:,} rows (µs per record):\n")
        print("| stage | µs per record |\n|---|---:|")
        for name, micros in stages.items():
            print(f"| {name} | {micros:.1f} |")
    lite = results[0]
    print(
        f"ingest {kind}: {lite.pipeline_per_s:,.0f} rec/s pipeline, "
        f"{lite.raw_per_s:,.0f} rec/s raw, {lite.ratio:.1f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--kind", choices=[*KINDS, "all"], default="movement", help="record kind (default movement)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PIGDATA_BENCH_POSTGRES_URL"),
        help="server URL; a fresh database is made and dropped on it",
    )
    parser.add_argument(
        "--stages", action="store_true", help="also time each stage (SQLite, a separate run)"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n, kind in enumerate(KINDS if args.kind == "all" else (args.kind,)):
            if n:
                print()
            run_kind(kind, args, Path(tmp))


if __name__ == "__main__":
    main()
