"""Ingest throughput of monthly herd reports (the records the county-month sums are kept
from), beside a raw executemany of the same rows into a copy of the herd_reports table.

On a fresh database: register F farms spread over Chongqing's townships, then time the
pipeline (validate, cross-record rules, ledger, projections — herd_reports and the
herd_month_sums upsert — commit in batches) on F x M reports, and a bare executemany of the
same rows, parsed into tuples beforehand, in transactions of the same size.

    python benchmarks/herd_ingest.py --farms 10000 --months 20 [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from ingest import BATCH, Rate, fresh_database, machine, timed
from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.domain import regions
from pigdata.domain.records import HERD_COUNTS
from pigdata.services.intake import ingest_payload
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

COLUMNS = ("entry_seq", "premises", "month", *HERD_COUNTS)


def farms(count: int) -> list[dict[str, Any]]:
    """Give premises records of `count` farms over Chongqing's townships."""
    towns = [d.code for d in regions.divisions(regions.Level.TOWNSHIP) if d.code.startswith("50")]
    serial: dict[str, int] = {}
    records = []
    for i in range(count):
        town = towns[i % len(towns)]
        serial[town[:6]] = serial.get(town[:6], 0) + 1
        records.append(
            {
                "kind": "premises",
                "code": f"{town[:6]}{serial[town[:6]]:04d}",
                "premises_type": "farm",
                "name": f"场{i}",
                "township": town,
                "latitude": "29.4",
                "longitude": "105.6",
                "owner": "bench",
            }
        )
    return records


def reports(codes: list[str], months: int) -> list[dict[str, Any]]:
    """Give each farm's reports of `months` months, ending December 2024."""
    out = []
    for k in range(months):
        index = 2024 * 12 + 11 - k
        month = f"{index // 12:04d}-{index % 12 + 1:02d}"
        for n, code in enumerate(codes):
            values = {name: (n + k + j) % 50 for j, name in enumerate(HERD_COUNTS)}
            out.append({"kind": "herd_report", "premises": code, "month": month, **values})
    return out


def raw_insert(engine: Engine, rows: list[dict[str, Any]]) -> Rate:
    """Insert the reports as tuples into a copy of herd_reports with bare executemany."""
    counts = ", ".join(f"{name} INTEGER NOT NULL" for name in HERD_COUNTS)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE bench_raw_herd (entry_seq BIGINT PRIMARY KEY, premises VARCHAR(10) "
            f"NOT NULL, month VARCHAR(7) NOT NULL, {counts}, UNIQUE (premises, month))"
        )
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    markers = ", ".join([marker] * len(COLUMNS))
    sql = f"INSERT INTO bench_raw_herd ({', '.join(COLUMNS)}) VALUES ({markers})"
    values = [(i, *(r[c] for c in COLUMNS[1:])) for i, r in enumerate(rows)]
    with timed(len(values)) as rate:
        for start in range(0, len(values), BATCH):
            with engine.begin() as conn:
                conn.exec_driver_sql(sql, values[start : start + BATCH])
    return rate[0]


def measure(backend: str, url: str, folder: Path, farm_count: int, months: int) -> str:
    settings = Settings(
        database_url=url,
        archive_dir=folder / "archive",
        key_file=folder / "keys" / "node.key",  # the run's own key, not one in the cwd
        batch_size=BATCH,
    )
    engine = make_engine(url)
    upgrade(engine)
    premises = farms(farm_count)
    assert ingest_payload(engine, settings, premises, who=ADMIN).rejected == 0
    rows = reports([p["code"] for p in premises], months)
    with timed(len(rows)) as pipeline:
        for start in range(0, len(rows), 100_000):
            summary = ingest_payload(engine, settings, rows[start : start + 100_000], who=ADMIN)
            assert summary.rejected == 0
    raw = raw_insert(engine, rows)
    engine.dispose()
    p, r = pipeline[0].wall, raw.wall
    return f"| {backend} | {len(rows):,} | {p:,.0f} | {r:,.0f} | {r / p:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--farms", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("PIGDATA_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print("| backend | reports | pipeline rec/s | raw executemany rec/s | raw / pipeline |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
            with fresh_database(backend, args.postgres, folder) as url:
                print(measure(backend, url, folder, args.farms, args.months), flush=True)
            (folder / "bench.db").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
