"""Market services on a province-sized price dataset, beside one SQL aggregate each.

For each backend, on a fresh database at the current schema, the projection tables that the
market services read are filled straight with executemany — price_quotes (weekly quotes of
six items at every collection point of a province, 2016–2022), trades (the head each point
traded a week) and herd_reports (monthly reports of the province's farms). This bypasses
the ledger on purpose: only read speed is measured here (benchmarks/ingest.py measures the
write path). Then, for a county and for a prefecture, the price index, the hog–grain ratio
warnings and the supply outlook are timed (median of repeated calls after a warm-up), each
beside the single SQL aggregate closest to it (a plain weekly or monthly GROUP BY over the
same rows), whose time is the baseline of the ratio.

    python benchmarks/services_market.py --quotes 5000000 [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from stores import cached_postgres, cached_sqlite  # benchmarks/stores.py, beside this script

from pigdata.domain import regions
from pigdata.domain.records import HERD_COUNTS
from pigdata.projections.price_weeks import refresh_all
from pigdata.services.market.outlook import supply_outlook
from pigdata.services.market.price_index import price_index
from pigdata.services.market.warnings import price_warnings
from pigdata.services.market.weekly import code_prefix
from pigdata.store import tables as t
from pigdata.synth.prices import ITEMS, national_series

PROVINCE = "510000"  # Sichuan: 183 counties
COUNTY = "510117"  # 郫都区, Chengdu
PREFECTURE = "510100"  # Chengdu
FARMS_PER_COUNTY = 30
MONTHS = 36  # 2020-01 .. 2022-12
CHUNK = 50_000
REPEATS = 5


def counties() -> list[str]:
    """Give the county-level codes of the province."""
    return sorted(
        d.code for d in regions.divisions(regions.Level.COUNTY) if d.code.startswith(PROVINCE[:2])
    )


def _insert(conn: Connection, table: sa.Table, columns: tuple[str, ...], rows: list[Any]) -> None:
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
        f"VALUES ({', '.join(marker for _ in columns)})"
    )
    conn.exec_driver_sql(sql, rows)


def _day(engine: Engine, day: date) -> Any:
    return day.isoformat() if engine.dialect.name == "sqlite" else day


def load_prices(engine: Engine, quotes: int, rng: np.random.Generator) -> tuple[int, int]:
    """Fill price_quotes and trades; give (quotes, trades) written."""
    series = national_series()
    weeks = len(series.weeks)
    base = {
        "live_hog": series.live_hog,
        "piglet": series.live_hog * 1.6,
        "pork_carcass": series.pork_carcass,
        "lean_pork_retail": series.pork_carcass + 13.0,
        "corn": series.corn / 1000.0,
        "soybean_meal": series.soybean_meal / 1000.0,
    }
    places = counties()
    per_county = -(-quotes // (weeks * len(ITEMS) * len(places)))
    points = [f"{c}{k:04d}" for c in places for k in range(1, per_county + 1)]
    seq = 0
    written = traded = 0
    with engine.begin() as conn:
        for w, sunday in enumerate(series.weeks):
            day = _day(engine, sunday - timedelta(days=3))
            rows = []
            for item in ITEMS:
                prices = base[item][w] * (1.0 + rng.normal(0.0, 0.02, len(points)))
                for point, price in zip(points, prices.tolist(), strict=True):
                    rows.append((seq, point, day, item, round(price, 3), "yuan/kg"))
                    seq += 1
            rows = rows[: max(0, quotes - written)]
            for start in range(0, len(rows), CHUNK):
                _insert(conn, t.price_quotes, _QUOTE_COLUMNS, rows[start : start + CHUNK])
            written += len(rows)
            heads = rng.integers(50, 500, len(points)).tolist()
            trades = [
                (seq + i, p, day, h, 115.0, round(float(base["live_hog"][w]), 2), None, None)
                for i, (p, h) in enumerate(zip(points, heads, strict=True))
            ]
            seq += len(trades)
            _insert(conn, t.trades, _TRADE_COLUMNS, trades)
            traded += len(trades)
    return written, traded


_QUOTE_COLUMNS = ("entry_seq", "location", "date", "item", "price", "unit")
_TRADE_COLUMNS = (
    "entry_seq",
    "market",
    "date",
    "head_count",
    "avg_weight_kg",
    "avg_price",
    "seller",
    "buyer",
)


def load_herds(engine: Engine, rng: np.random.Generator) -> int:
    """Fill herd_reports with every farm's monthly report; give the rows written."""
    farms = [f"{c}{k:04d}" for c in counties() for k in range(5001, 5001 + FARMS_PER_COUNTY)]
    columns = ("entry_seq", "premises", "month", *HERD_COUNTS)
    seq = 10**9
    written = 0
    with engine.begin() as conn:
        for m in range(MONTHS):
            month = f"{2020 + m // 12}-{m % 12 + 1:02d}"
            sows = rng.integers(80, 120, len(farms))
            litters = rng.binomial(sows, 0.18)
            counts = {name: np.zeros(len(farms), dtype=np.int64) for name in HERD_COUNTS}
            counts.update(
                breeding_sows=sows,
                matings=(sows * 0.23).astype(np.int64),
                farrowings=litters,
                born_alive=litters * 11,
                sold_for_slaughter=rng.binomial(sows * 2, 0.9),
            )
            table = np.column_stack([counts[name] for name in HERD_COUNTS]).tolist()
            rows = [
                (seq + i, farm, month, *values)
                for i, (farm, values) in enumerate(zip(farms, table, strict=True))
            ]
            seq += len(rows)
            for start in range(0, len(rows), CHUNK):
                _insert(conn, t.herd_reports, columns, rows[start : start + CHUNK])
            written += len(rows)
    return written


def _weekly_sql(region: str, items: tuple[str, ...]) -> sa.Select[Any]:
    q = t.price_quotes
    prefix = regions.require(region).level.prefix_len
    averages = [sa.func.avg(sa.case((q.c.item == item, q.c.price))).label(item) for item in items]
    return (
        sa.select(q.c.date, *averages)
        .where(q.c.item.in_(items), code_prefix(q.c.location, region[:prefix]))
        .group_by(q.c.date)
    )


def _outlook_sql(region: str) -> sa.Select[Any]:
    h = t.herd_reports
    prefix = regions.require(region).level.prefix_len
    return (
        sa.select(h.c.month, sa.func.sum(h.c.born_alive), sa.func.sum(h.c.sold_for_slaughter))
        .where(code_prefix(h.c.premises, region[:prefix]))
        .group_by(h.c.month)
    )


def median_ms(call: Callable[[], Any]) -> tuple[float, float]:
    """Give the median wall time and the median CPU time of this process over REPEATS calls
    after one warm-up, in milliseconds (on a busy host the two part: the wall time then
    holds the time spent waiting for a core)."""
    call()
    wall, cpu = [], []
    for _ in range(REPEATS):
        started, used = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def measure(engine: Engine, region: str) -> list[tuple[str, float, float, float]]:
    """Give (service, service wall ms, service CPU ms, SQL aggregate wall ms) for a region."""
    out = []
    with engine.connect() as conn:
        cases = (
            (
                "price index (live hog)",
                lambda: price_index(conn, region, "live_hog"),
                _weekly_sql(region, ("live_hog",)),
            ),
            (
                "hog–grain ratio warnings",
                lambda: price_warnings(conn, region),
                _weekly_sql(region, ("live_hog", "corn", "lean_pork_retail")),
            ),
            (
                "supply outlook (10 months)",
                lambda: supply_outlook(conn, region, 10),
                _outlook_sql(region),
            ),
        )
        for name, service, sql in cases:
            service_ms, service_cpu = median_ms(service)
            sql_ms, _ = median_ms(lambda sql=sql: conn.execute(sql).all())
            out.append((name, service_ms, service_cpu, sql_ms))
    return out


def _loaded(engine: Engine, quotes: int) -> bool:
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(t.price_quotes)).scalar()
    return count == quotes


def _load(engine: Engine, quotes: int) -> None:
    """Fill the tables (a fresh database at the current schema) and print what it took."""
    rng = np.random.default_rng(2016)
    started = time.perf_counter()
    written, traded = load_prices(engine, quotes, rng)
    herds = load_herds(engine, rng)
    summed = time.perf_counter()
    with engine.begin() as conn:  # what the projections keep at ingest, for rows put in straight
        refresh_all(conn)
    print(f"county-week price sums worked out in {time.perf_counter() - summed:.0f} s")
    if engine.dialect.name == "postgresql":
        # Outside a transaction, so that the statistics and visibility map are kept.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    print(
        f"{written:,} price quotes, {traded:,} trades, {herds:,} herd reports "
        f"loaded in {time.perf_counter() - started:.0f} s"
    )


def sqlite_store(quotes: int, cache: Path) -> Engine:
    """Give the cached SQLite store."""
    return cached_sqlite(
        cache / f"market_{quotes}.db",
        lambda e: _loaded(e, quotes),
        lambda e: _load(e, quotes),
    )


def postgres_store(quotes: int, server: str) -> Engine:
    """Give the benchmark's own PostgreSQL database."""
    return cached_postgres(
        server,
        f"pigdata_bench_market_{quotes}",
        lambda e: _loaded(e, quotes),
        lambda e: _load(e, quotes),
    )


def report(backend: str, engine: Engine) -> None:
    """Print the figures of one backend's store."""
    print(f"\n{backend}")
    print(f"{'region':<8} {'service':<28} {'wall ms':>9} {'CPU ms':>8} {'SQL ms':>8} {'ratio':>6}")
    for region in (COUNTY, PREFECTURE):
        for name, wall, cpu, sql_ms in measure(engine, region):
            print(
                f"{region:<8} {name:<28} {wall:>9.1f} {cpu:>8.1f} {sql_ms:>8.1f} "
                f"{wall / sql_ms:>6.1f}"
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=5_000_000)
    parser.add_argument("--postgres", default=os.environ.get("PIGDATA_TEST_POSTGRES_URL"))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "pigdata-bench")
    args = parser.parse_args()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {load}")
    backends = args.backends.split(",")
    if "sqlite" in backends:
        report("SQLite", sqlite_store(args.quotes, args.cache))
    if "postgresql" in backends and args.postgres:
        report("PostgreSQL", postgres_store(args.quotes, args.postgres))


if __name__ == "__main__":
    main()
