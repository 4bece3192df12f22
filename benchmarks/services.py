"""Region queries of the government services on a province-sized store, beside the single
equivalent SQL aggregate in the same process (the ratio says what the service adds).

The data: N farms (default 100,000) spread over the townships of Chongqing, each with 24
monthly herd reports (2.4 M rows) and 5 registered breeding animals. It is written straight
into the projection tables with executemany: it bypasses the ledger on purpose, because only
read speed is measured here; the county-month sums (`herd_month_sums`) are then added by the
projection's own statement, month by month, as ingest would. It is built once and kept: a
SQLite file in the cache folder, and a database of its own on the PostgreSQL server.

    python benchmarks/services.py [--farms 100000] [--postgres postgresql+psycopg://...]

Add a service by appending a Case (name, service call, baseline SQL) to `cases`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from stores import cached_postgres, cached_sqlite  # benchmarks/stores.py, beside this script

from pigdata.access.principal import ADMIN
from pigdata.domain import regions
from pigdata.domain.records import HERD_COUNTS
from pigdata.projections import herd_sums
from pigdata.services.capacity import capacity_status
from pigdata.services.performance import region_performance
from pigdata.services.production import production_statistics
from pigdata.services.resources import regional_resources
from pigdata.store import tables as t

PROVINCE = "500000"
COUNTY = "500153"
FIRST_MONTH = "2023-01"
MONTHS = 24
LAST_MONTH = "2024-12"
ANIMALS_PER_FARM = 5
CHUNK = 50_000
RUNS = 7
BREEDS = ("长大二元", "荣昌猪", "杜洛克", "长白", "大白")
BREED_SHARES = (0.6, 0.1, 0.15, 0.1, 0.05)


@dataclass(frozen=True)
class Case:
    """A service call on a connection, and the single SQL aggregate it is compared with."""

    name: str
    call: Callable[[Connection], Any]
    baseline_sql: str
    params: dict[str, Any]


def _rows(prefix_low: str, prefix_high: str, by_month: bool = False) -> str:
    # A farm's code starts with its county's code: the plainest aggregate needs no join. The
    # access path is the services' (see pigdata.services.regional.farm_reports): `|| ''`
    # keeps SQLite off the index of the other column.
    code = "h.premises || ''" if by_month else "h.premises"
    return f"FROM herd_reports h WHERE {code} >= '{prefix_low}' AND {code} < '{prefix_high}' "


def cases() -> list[Case]:
    """Give the benchmark cases: one region query per service (county and province)."""
    county = _rows("500153", "500154")
    province = _rows("50", "51")
    sums = ", ".join(f"SUM(h.{n})" for n in HERD_COUNTS)
    return [
        Case(
            "production county 12 months",
            lambda c: production_statistics(c, ADMIN, COUNTY, "2024-01", LAST_MONTH),
            f"SELECT h.month, COUNT(*), {sums} {county}"
            "AND h.month || '' BETWEEN '2024-01' AND '2024-12' GROUP BY h.month",
            {},
        ),
        Case(
            "production province 1 month",
            lambda c: production_statistics(c, ADMIN, PROVINCE, LAST_MONTH, LAST_MONTH),
            f"SELECT h.month, COUNT(*), {sums} {_rows('50', '51', by_month=True)}"
            "AND h.month = '2024-12' GROUP BY h.month",
            {},
        ),
        Case(
            "production province 12 months",
            lambda c: production_statistics(c, ADMIN, PROVINCE, "2024-01", LAST_MONTH),
            f"SELECT h.month, COUNT(*), {sums} {province}"
            "AND h.month || '' BETWEEN '2024-01' AND '2024-12' GROUP BY h.month",
            {},
        ),
        Case(
            "capacity county",
            lambda c: capacity_status(c, ADMIN, COUNTY, "2024-08"),
            f"SELECT h.month, COUNT(*), SUM(h.breeding_sows) {county}"
            "AND h.month || '' <= '2024-08' GROUP BY h.month",
            {},
        ),
        Case(
            "capacity province",
            lambda c: capacity_status(c, ADMIN, PROVINCE, "2024-08"),
            f"SELECT h.month, COUNT(*), SUM(h.breeding_sows) {province}"
            "AND h.month || '' <= '2024-08' GROUP BY h.month",
            {},
        ),
        Case(
            "performance county 12 months",
            lambda c: region_performance(c, ADMIN, COUNTY, LAST_MONTH, 12),
            f"SELECT h.premises, COUNT(*), {sums} {county}"
            "AND h.month || '' BETWEEN '2024-01' AND '2024-12' GROUP BY h.premises",
            {},
        ),
        Case(
            "resources county",
            lambda c: regional_resources(c, ADMIN, COUNTY, LAST_MONTH),
            f"SELECT h.premises, SUM(h.sold_for_slaughter) {county}"
            "AND h.month || '' > '2023-12' GROUP BY h.premises",
            {},
        ),
    ]


# --- the data ---------------------------------------------------------------------------------


def _townships() -> list[str]:
    return [
        d.code for d in regions.divisions(regions.Level.TOWNSHIP) if d.code.startswith(PROVINCE[:2])
    ]


def _premises_rows(rng: np.random.Generator, farms: int) -> list[dict[str, Any]]:
    towns = np.array(_townships())
    picked = towns[rng.integers(0, len(towns), farms)]
    serial: dict[str, int] = {}
    rows = []
    sows = np.maximum(5, rng.lognormal(4.0, 1.0, farms).astype(int))
    for i, town in enumerate(picked.tolist()):
        county = town[:6]
        serial[county] = serial.get(county, 0) + 1
        rows.append(
            {
                "code": f"{county}{serial[county]:04d}",
                "entry_seq": i + 1,
                "premises_type": "farm",
                "name": f"场{i}",
                "township": town,
                "latitude": 29.4,
                "longitude": 105.6,
                "capacity_sows": int(sows[i]),
                "capacity_finishing": int(sows[i]) * 10,
                "owner": "bench",
                "opened": None,
                "closed": None,
                "signing_key": None,
            }
        )
    return rows


def _month_rows(
    rng: np.random.Generator, codes: list[str], caps: np.ndarray, month_index: int, seq0: int
) -> Iterator[dict[str, Any]]:
    n = len(codes)
    drift = 1.0 - 0.1 * np.sin(np.pi * month_index / MONTHS)
    sows = rng.binomial(caps, 0.85 * drift)
    farrowings = rng.binomial(sows, 2.2 / 12)
    born = rng.poisson(farrowings * 11.0)
    weaned = rng.binomial(born, 0.88)
    values = {
        "breeding_sows": sows,
        "replacement_gilts": sows // 7,
        "boars": np.maximum(1, sows // 20),
        "piglets": weaned * 2,
        "finishers": weaned * 4,
        "matings": rng.binomial(sows, 0.22),
        "farrowings": farrowings,
        "born_alive": born,
        "weaned": weaned,
        "deaths": born - weaned + rng.poisson(np.maximum(weaned, 0) * 0.05),
        "sold_for_slaughter": rng.binomial(weaned, 0.93),
        "moved_in": np.zeros(n, dtype=np.int64),
        "moved_out": np.zeros(n, dtype=np.int64),
    }
    columns = {k: v.tolist() for k, v in values.items()}
    year, month = divmod(2023 * 12 + month_index, 12)
    key = f"{year:04d}-{month + 1:02d}"
    for i, code in enumerate(codes):
        row = {k: columns[k][i] for k in HERD_COUNTS}
        row.update(entry_seq=seq0 + i, premises=code, month=key, feed_used_kg=None)
        yield row


def _insert(conn: Connection, table: sa.Table, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            conn.execute(table.insert(), batch)  # executemany
            batch = []
    if batch:
        conn.execute(table.insert(), batch)


def _animal_rows(rng: np.random.Generator, codes: list[str], seq0: int) -> Iterator[dict[str, Any]]:
    breeds = rng.choice(len(BREEDS), size=len(codes) * ANIMALS_PER_FARM, p=BREED_SHARES)
    born = rng.integers(0, 900, size=len(breeds))
    start = date(2021, 1, 1)
    for k in range(len(breeds)):
        farm = codes[k // ANIMALS_PER_FARM]
        yield {
            "ear_tag": f"1{farm[:6]}{k:08d}",
            "entry_seq": seq0 + k,
            "species": "pig",
            "breed": BREEDS[breeds[k]],
            "sex": "male" if k % ANIMALS_PER_FARM == 0 else "female",
            "birth_date": start + timedelta(days=int(born[k])),
            "birth_premises": farm,
            "sire": None,
            "dam": None,
        }


def build(engine: Engine, farms: int) -> None:
    """Fill the projection tables (bypassing the ledger: only reads are measured)."""
    rng = np.random.default_rng(20241231)
    premises = _premises_rows(rng, farms)
    codes = [p["code"] for p in premises]
    caps = np.array([p["capacity_sows"] for p in premises], dtype=np.int64)
    with engine.begin() as conn:
        _insert(conn, t.premises, iter(premises))
    seq = farms + 1
    for month_index in range(MONTHS):
        with engine.begin() as conn:
            _insert(conn, t.herd_reports, _month_rows(rng, codes, caps, month_index, seq))
            # The summary the projection keeps, by the projection's own statement.
            herd_sums.add_reports(conn, seq, seq + farms - 1)
        seq += farms
        print(f"  month {month_index + 1}/{MONTHS} loaded", flush=True)
    with engine.begin() as conn:
        _insert(conn, t.animals, _animal_rows(rng, codes, seq))
    # VACUUM (PostgreSQL) marks the pages all-visible for index-only scans; ANALYZE the plans.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )


def _loaded(engine: Engine, farms: int) -> bool:
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(t.herd_reports)).scalar()
    return count == farms * MONTHS


def sqlite_store(farms: int, cache: Path) -> Engine:
    """Give the cached SQLite store."""
    return cached_sqlite(
        cache / f"services_{farms}.db", lambda e: _loaded(e, farms), lambda e: build(e, farms)
    )


def postgres_store(farms: int, server: str) -> Engine:
    """Give the benchmark's own PostgreSQL database."""
    return cached_postgres(
        server,
        f"pigdata_bench_services_{farms}",
        lambda e: _loaded(e, farms),
        lambda e: build(e, farms),
    )


# --- the measurement --------------------------------------------------------------------------


def _median_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()  # warm the caches
    runs = RUNS if time.perf_counter() - start < 1.0 else 3  # fewer runs of slow cases
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def measure(backend: str, engine: Engine) -> None:
    """Print each case's median time beside its baseline's."""
    print(f"\n{backend}")
    print("| case | service ms | baseline SQL ms | ratio |")
    print("|---|---:|---:|---:|")
    with engine.connect() as conn:
        for case in cases():
            service = _median_ms(lambda case=case: case.call(conn))  # type: ignore[misc]
            baseline = _median_ms(
                lambda case=case: conn.execute(sa.text(case.baseline_sql), case.params).all()  # type: ignore[misc]
            )
            print(f"| {case.name} | {service:.1f} | {baseline:.1f} | {service / baseline:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--farms", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("PIGDATA_TEST_POSTGRES_URL"))
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "pigdata-bench")
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    print(f"{args.farms:,} farms x {MONTHS} months; {cpu}, {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    measure("SQLite", sqlite_store(args.farms, args.cache))
    if args.postgres:
        measure("PostgreSQL", postgres_store(args.farms, args.postgres))


if __name__ == "__main__":
    main()
