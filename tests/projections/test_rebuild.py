"""Rebuilding the projections from the ledger gives identical tables, corrections included."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.projections.rebuild import rebuild_projections
from pigdata.store import tables as t

from builders import (
    FARM_A,
    FARM_B,
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
