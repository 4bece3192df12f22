"""Region figures read from the kept summary (herd_month_sums) equal the aggregate of the raw
reports, worked out here by brute force over the rows of herd_reports and premises, also
after corrections and retractions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Connection, Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.domain.records import HERD_COUNTS
from pigdata.projections.rebuild import rebuild_projections
from pigdata.services.capacity import capacity_status
from pigdata.services.production import FLOWS, INVENTORY, production_statistics
from pigdata.store import tables as t

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_SICHUAN,
    FARM_YONGCHUAN,
    MARKET,
    SLAUGHTERHOUSE,
    district,
    ingest,
    snapshot,
)
from tests.strategies import corrections, herd_reports

PLACES = [FARM_A, FARM_B, FARM_YONGCHUAN, FARM_SICHUAN, SLAUGHTERHOUSE, MARKET]
MONTHS = ["2024-01", "2024-02", "2024-03"]
REGIONS = ["100000", "500000", "500100", "500153", "500118", "511000", "500153001"]

reports = herd_reports(PLACES, MONTHS)


def _prefix(region: str) -> str:
    """Give the digits a region's townships start with (GB/T 2260 levels, worked out here)."""
    if region == "100000":
        return ""
    if len(region) == 9:
        return region
    if region.endswith("0000"):
        return region[:2]
    return region[:4] if region.endswith("00") else region


def _raw(conn: Connection, region: str) -> dict[str, dict[str, int]]:
    """Sum the farms' reports of a region by month, row by row in Python."""
    prefix = _prefix(region)
    kinds = dict(conn.execute(sa.select(t.premises.c.code, t.premises.c.premises_type)).all())
    towns = dict(conn.execute(sa.select(t.premises.c.code, t.premises.c.township)).all())
    sums: dict[str, dict[str, int]] = {}
    for row in conn.execute(sa.select(t.herd_reports)).mappings():
        code = row["premises"]
        if kinds.get(code) != "farm" or not towns[code].startswith(prefix):
            continue
        month = sums.setdefault(row["month"], {"reporting": 0, **dict.fromkeys(HERD_COUNTS, 0)})
        month["reporting"] += 1
        for name in HERD_COUNTS:
            month[name] += row[name]
    return sums


def _check_regions(conn: Connection) -> None:
    for region in REGIONS:
        expected = _raw(conn, region)
        result = production_statistics(conn, ADMIN, region, MONTHS[0], MONTHS[-1])
        for figures in result.months:
            want = expected.get(figures.month, {"reporting": 0, **dict.fromkeys(HERD_COUNTS, 0)})
            assert figures.reporting_farms == want["reporting"], (region, figures.month)
            assert figures.inventory == {n: want[n] for n in INVENTORY}, (region, figures.month)
            assert figures.flows == {n: want[n] for n in FLOWS}, (region, figures.month)
        status = capacity_status(conn, ADMIN, region, MONTHS[-1])
        for zone in status.history[-len(MONTHS) :]:
            want_sows = expected.get(zone.month, {}).get("breeding_sows", 0)
            assert zone.breeding_sows == want_sows, (region, zone.month)


def _check_parts(conn: Connection) -> None:
    for region in ("100000", "500000", "500100"):
        result = production_statistics(conn, ADMIN, region, MONTHS[0], MONTHS[-1], by_part=True)
        for code, months in result.parts.items():
            expected = _raw(conn, code)
            for figures in months:
                want = expected.get(figures.month, {}).get("reporting", 0)
                assert figures.reporting_farms == want, (region, code, figures.month)


@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(added=st.lists(reports, max_size=12), fixes=corrections(reports))
def test_summary_answers_equal_the_raw_aggregate(
    engine: Engine, settings: Settings, added: list[dict[str, Any]], fixes: list[Any]
) -> None:
    # Examples share the database: a farm's second report of a month is refused, and the
    # equality holds for whatever is stored.
    summary = ingest(engine, settings, [*district(), *added])
    accepted = [o.seq for o in summary.outcomes[len(district()) :] if o.seq is not None]
    records = []
    for index, replacement in fixes:
        if accepted:
            record: dict[str, Any] = {
                "kind": "correction",
                "supersedes": accepted[index % len(accepted)],
                "reason": "录入错误 data entry error",
            }
            if replacement is not None:
                record["replacement"] = replacement
            records.append(record)
    ingest(engine, settings, records)
    with engine.connect() as conn:
        _check_regions(conn)
        _check_parts(conn)
    before = snapshot(engine)
    rebuild_projections(engine)
    assert snapshot(engine) == before
