"""Rebuilding the projections from the ledger gives identical tables, corrections included."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.projections.rebuild import rebuild_projections
from pigdata.store import tables as t

from tests.builders import (
    FARM_A,
    FARM_B,
    MARKET,
    SLAUGHTERHOUSE,
    animal,
    district,
    herd_report,
    ingest,
    issues_of,
    movement,
    slaughter,
    snapshot,
)

TAG = "150015300000009"


def correction(supersedes: int, replacement: dict[str, Any] | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "correction",
        "supersedes": supersedes,
        "reason": "录入错误 data entry error",
    }
    if replacement is not None:
        record["replacement"] = replacement
    return record


def test_rebuild_gives_identical_tables(engine: Engine, settings: Settings) -> None:
    ingest(
        engine,
        settings,
        [
            *district(),
            animal(TAG, "2024-01-05", FARM_A),
            herd_report(FARM_A, "2024-05", feed_used_kg="1234.50"),
            movement("5000000001", FARM_A, FARM_B, "2024-05-01", ear_tags=[TAG]),
            slaughter(SLAUGHTERHOUSE, "2024-07-01", [TAG]),
        ],
    )
    before = snapshot(engine)
    assert sum(len(rows) for rows in before.values()) > 10
    assert rebuild_projections(engine) == 10
    assert snapshot(engine) == before


def test_a_correction_replaces_and_rebuild_agrees(engine: Engine, settings: Settings) -> None:
    first = ingest(engine, settings, [*district(), herd_report(FARM_A, "2024-05")])
    report_seq = first.outcomes[-1].seq
    assert report_seq == 6
    fixed = herd_report(FARM_A, "2024-05", breeding_sows=55)
    summary = ingest(engine, settings, [correction(report_seq, fixed)])
    assert summary.accepted == 1
    with engine.connect() as conn:
        sows = conn.execute(sa.select(t.herd_reports.c.breeding_sows)).scalars().all()
    assert sows == [55]
    with engine.connect() as conn:
        kept = conn.execute(sa.select(t.herd_month_sums)).mappings().one()
    assert (kept["county"], kept["month"], kept["reports"]) == ("500153", "2024-05", 1)
    assert kept["breeding_sows"] == 55
    assert ingest(engine, settings, [correction(summary.outcomes[0].seq)]).accepted == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.herd_month_sums)).all() == []
    before = snapshot(engine)
    rebuild_projections(engine)
    assert snapshot(engine) == before


def test_a_retraction_frees_the_certificate(engine: Engine, settings: Settings) -> None:
    first = ingest(
        engine, settings, [*district(), movement("5000000001", FARM_A, FARM_B, "2024-05-01")]
    )
    seq = first.outcomes[-1].seq
    assert seq is not None
    summary = ingest(
        engine,
        settings,
        [
            correction(seq),
            movement("5000000001", FARM_B, FARM_A, "2024-05-01"),
        ],
    )
    assert (summary.accepted, summary.rejected) == (2, 0)
    before = snapshot(engine)
    rebuild_projections(engine)
    assert snapshot(engine) == before
    assert [row[4] for row in before["movements"]] == [FARM_B]  # the new origin


def test_corrections_are_checked(engine: Engine, settings: Settings) -> None:
    first = ingest(engine, settings, [*district(), herd_report(FARM_A, "2024-05")])
    seq = first.outcomes[-1].seq
    assert seq is not None
    summary = ingest(
        engine,
        settings,
        [
            correction(999),
            correction(seq, movement("5000000001", FARM_A, FARM_B, "2024-05-01")),
            correction(seq),
            {**correction(seq), "reason": "又一次更正 a second correction"},
        ],
    )
    assert issues_of(summary) == {
        0: {"correction.target_exists"},
        1: {"correction.same_kind"},
        3: {"correction.once"},
    }


def _quote(day: str, price: str) -> dict[str, Any]:
    return {
        "kind": "price_quote",
        "location": MARKET,
        "date": day,
        "item": "live_hog",
        "price": price,
        "unit": "yuan/kg",
    }


def _trade(day: str, head: int) -> dict[str, Any]:
    return {
        "kind": "trade",
        "market": MARKET,
        "date": day,
        "head_count": head,
        "avg_weight_kg": "115",
        "avg_price": "14",
    }


def _county_week(engine: Engine, week: str) -> dict[str, Any]:
    c = t.price_county_weeks
    with engine.connect() as conn:
        row = conn.execute(sa.select(c).where(c.c.week == date.fromisoformat(week))).mappings()
        return dict(row.one())


def test_price_sums_follow_corrections_and_rebuild_agrees(
    engine: Engine, settings: Settings
) -> None:
    # Week ending 3 March: quotes 10 and 12 (mean 11), 20 head; week ending 10 March: 13, 30.
    ingest(engine, settings, [*district(), _quote("2024-02-27", "10"), _trade("2024-03-01", 20)])
    late = ingest(engine, settings, [_quote("2024-03-02", "12")]).outcomes[0].seq
    traded = ingest(engine, settings, [_quote("2024-03-05", "13"), _trade("2024-03-06", 30)])
    second = _county_week(engine, "2024-03-10")
    assert (second["county"], second["points"], second["head"], second["pairs"]) == (
        "500153", 1, 30, 1,
    )  # fmt: skip
    assert (second["weighted"], second["pair_weight"]) == (390.0, 50)
    assert (second["pair_now"], second["pair_then"]) == (650.0, 550.0)
    # The 12 was 14: week 1's mean is 12, and the link of week 2 looks back to it.
    assert ingest(engine, settings, [correction(late, _quote("2024-03-02", "14"))]).accepted == 1
    assert _county_week(engine, "2024-03-03")["plain"] == 12.0
    assert _county_week(engine, "2024-03-10")["pair_then"] == 600.0
    # Week 2's trade withdrawn: its price weighs nothing, the link weighs week 1's 20 head.
    assert ingest(engine, settings, [correction(traded.outcomes[1].seq)]).accepted == 1
    second = _county_week(engine, "2024-03-10")
    assert (second["head"], second["weighted"], second["pair_weight"]) == (0, 0.0, 20)
    assert (second["pair_now"], second["pair_then"]) == (260.0, 240.0)
    before = snapshot(engine)
    rebuild_projections(engine)
    assert snapshot(engine) == before
