"""Migrations carry the code they need, and the two that fill a new table from older data
give what the live code gives."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.store import tables as t
from pigdata.store.schema import upgrade

from tests.builders import MARKET, YONGCHUAN_TOWN, district, ingest, premises

VERSIONS = Path(__file__).parents[2] / "src" / "pigdata" / "store" / "migrations" / "versions"
MARKET_YONGCHUAN = "5001180009"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_migration_imports_live_code() -> None:
    # A migration runs on stores of any age: code it shared with the package could change
    # under it and make it do something else than it did when it was written.
    found = {
        path.name: sorted(n for n in _imported(path) if n.split(".")[0] == "pigdata")
        for path in sorted(VERSIONS.glob("*.py"))
    }
    assert len(found) >= 11
    assert {name: live for name, live in found.items() if live} == {}


def _alembic(engine: Engine, verb: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", "pigdata.store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)


def _rows(engine: Engine, table: sa.Table) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(sa.select(table)))


def _prices() -> list[dict[str, Any]]:
    # Twenty-three weeks (more than one pass of the fill), two counties, both units, and trades
    # that weigh some weeks' prices.
    records: list[dict[str, Any]] = []
    for n in range(250):
        day = date(2024, 1, 1) + timedelta(days=n * 2 // 3)
        location = MARKET if n % 3 else MARKET_YONGCHUAN
        tonne = n % 7 == 0
        price = f"{14 + (n % 11) / 10:.1f}"
        records.append(
            {
                "kind": "price_quote",
                "location": location,
                "date": day.isoformat(),
                "item": "live_hog" if n % 5 else "piglet",
                "price": str(int(float(price) * 1000)) if tonne else price,
                "unit": "yuan/tonne" if tonne else "yuan/kg",
            }
        )
        if n % 4 == 0:
            records.append(
                {
                    "kind": "trade",
                    "market": location,
                    "date": day.isoformat(),
                    "head_count": 10 + n,
                    "avg_weight_kg": "115",
                    "avg_price": price,
                }
            )
    return records


def test_price_weeks_revision_fills_the_sums_the_projection_keeps(
    engine: Engine, settings: Settings
) -> None:
    district_records = [*district(), premises(MARKET_YONGCHUAN, YONGCHUAN_TOWN, "market")]
    summary = ingest(engine, settings, [*district_records, *_prices()])
    assert summary.rejected == 0
    kept = _rows(engine, t.price_county_weeks)
    assert len({row[1] for row in kept}) == 2 and len({row[2] for row in kept}) >= 14
    _alembic(engine, "downgrade", "0008_svcperf")
    upgrade(engine)
    assert _rows(engine, t.price_county_weeks) == kept


def test_tiles_revision_builds_the_tree_the_ledger_keeps(
    engine: Engine, settings: Settings
) -> None:
    # Over 256 entries: full and partial tiles on level 0, and a level 1.
    records = [*district(), premises(MARKET_YONGCHUAN, YONGCHUAN_TOWN, "market"), *_prices()]
    assert ingest(engine, settings, records).rejected == 0
    tiles = _rows(engine, t.merkle_tiles)
    assert {row[0] for row in tiles} == {0, 1} and len(tiles) == 3
    _alembic(engine, "downgrade", "0001")
    upgrade(engine)
    assert _rows(engine, t.merkle_tiles) == tiles
