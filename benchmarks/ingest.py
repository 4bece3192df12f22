"""Ingest throughput: movement records through the whole pipeline, beside a raw executemany.

For each backend, on a fresh database: register the demo district's premises, write a CSV of
N movement records, then time (1) `pigdata ingest`'s pipeline on that file — read, map
headers, validate, check cross-record rules, append ledger entries, project, commit in
batches — and (2) a raw executemany of the same rows, already parsed into tuples, into a
table with the movements table's columns in the same database, in transactions of the same
size. The ratio raw / pipeline says what the pipeline costs over bare storage.

    python benchmarks/ingest.py --rows 1000000 [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from ingest_stages import stage_breakdown
from sqlalchemy.engine import Engine, make_url

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.ingest.pipeline import today_in
from pigdata.ingest.readers import read_file
from pigdata.services.intake import ingest_file, ingest_payload
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade
from pigdata.synth import DemoSpec, demo_premises, movement_rows, write_csv

BATCH = 50_000
RAW_COLUMNS = (
    "entry_seq",
    "certificate_no",
    "certificate_type",
    "issue_date",
    "origin",
    "destination",
    "head_count",
    "purpose",
    "vehicle_plate",
    "carrier",
)


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


def write_movements(path: Path, rows: int) -> None:
    premises = demo_premises(DemoSpec())
    farms = [p["code"] for p in premises if p["premises_type"] == "farm"]
    sinks = [p["code"] for p in premises if p["premises_type"] in ("market", "slaughterhouse")]
    write_csv(
        path,
        movement_rows(
            rows,
            seed=1,
            origin_codes=farms,
            destination_codes=sinks,
            start=date(2023, 1, 1),
            end=date(2024, 12, 31),
        ),
    )


def raw_rows(path: Path) -> list[tuple[object, ...]]:
    """Give the file's movements as parameter tuples, parsed before any timing."""
    out: list[tuple[object, ...]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for seq, row in enumerate(csv.DictReader(handle)):
            out.append(
                (
                    seq,
                    *(row[c] for c in RAW_COLUMNS[1:6]),
                    int(row["head_count"]),
                    row["purpose"],
                    row["vehicle_plate"],
                    row["carrier"],
                )
            )
    return out


def raw_insert(engine: Engine, rows: list[tuple[object, ...]]) -> Rate:
    """Insert tuples into a copy of the movements table with bare executemany; give rows/s."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE bench_raw_movements (entry_seq BIGINT PRIMARY KEY, certificate_no "
            "VARCHAR(24) NOT NULL UNIQUE, certificate_type VARCHAR(1) NOT NULL, issue_date "
            "DATE NOT NULL, origin VARCHAR(10) NOT NULL, destination VARCHAR(10) NOT NULL, "
            "head_count INTEGER NOT NULL, purpose VARCHAR(20) NOT NULL, vehicle_plate "
            "VARCHAR(10) NOT NULL, carrier VARCHAR(200) NOT NULL)"
        )
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO bench_raw_movements ({', '.join(RAW_COLUMNS)}) "
        f"VALUES ({', '.join([marker] * len(RAW_COLUMNS))})"
    )
    with timed(len(rows)) as rate:
        for start in range(0, len(rows), BATCH):
            with engine.begin() as conn:
                conn.exec_driver_sql(sql, rows[start : start + BATCH])
    return rate[0]


def prepared(url: str, folder: Path) -> tuple[Engine, Settings]:
    """Give a migrated store at url holding the demo district's premises."""
    settings = Settings(database_url=url, archive_dir=folder / "archive", batch_size=BATCH)
    engine = make_engine(url)
    upgrade(engine)
    ingest_payload(engine, settings, demo_premises(DemoSpec()), who=ADMIN)
    return engine, settings


def measure(backend: str, url: str, path: Path, rows: int, folder: Path) -> Result:
    engine, settings = prepared(url, folder)
    with timed(rows) as pipeline:
        summary = ingest_file(engine, settings, path, who=ADMIN, today=today_in("Asia/Shanghai"))
    assert summary.accepted == rows, (summary.accepted, summary.rejected)
    raw = raw_insert(engine, raw_rows(path))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
        folder = Path(tmp)
        path = folder / "movements.csv"
        started = time.perf_counter()
        write_movements(path, args.rows)
        print(f"wrote {args.rows:,} movements in {time.perf_counter() - started:.1f} s")
        assert sum(1 for _ in read_file(path)) == args.rows
        backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
        results = []
        for backend in backends:
            with fresh_database(backend, args.postgres, folder) as url:
                results.append(measure(backend, url, path, args.rows, folder))
            (folder / "bench.db").unlink(missing_ok=True)
        stages: dict[str, float] = {}
        if args.stages:
            engine, settings = prepared(f"sqlite:///{folder / 'bench.db'}", folder)
            stages = stage_breakdown(engine, settings, path, args.rows)
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


if __name__ == "__main__":
    main()
