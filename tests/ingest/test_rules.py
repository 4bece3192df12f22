"""Each cross-record rule, checked at ingest against the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.store import tables as t

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_SICHUAN,
    MARKET,
    SLAUGHTERHOUSE,
    animal,
    district,
    herd_report,
    ingest,
    issues_of,
    movement,
    slaughter,
)

TAG_1 = "150015300000001"
TAG_2 = "150015300000002"


def test_premises_must_exist(engine: Engine, settings: Settings) -> None:
    summary = ingest(engine, settings, [movement("5000000001", FARM_A, FARM_B, "2024-05-01")])
    assert summary.accepted == 0
    assert issues_of(summary) == {0: {"premises.exists"}}
    outcome = summary.outcomes[0]
    fields = {i.field for i in outcome.issues}
    assert fields == {"origin", "destination"}
    assert all("未备案" in i.zh and "not registered" in i.en for i in outcome.issues)


def test_records_of_a_batch_see_premises_registered_earlier_in_it(
    engine: Engine, settings: Settings
) -> None:
    summary = ingest(
        engine, settings, [*district(), movement("5000000001", FARM_A, FARM_B, "2024-05-01")]
    )
    assert (summary.accepted, summary.rejected) == (7, 0)


def test_certificate_is_used_once_across_batches_and_within_one(
    engine: Engine, settings: Settings
) -> None:
    ingest(engine, settings, district())
    first = ingest(
        engine,
        settings,
        [
            movement("5000000001", FARM_A, FARM_B, "2024-05-01"),
            movement("5000000001", FARM_A, SLAUGHTERHOUSE, "2024-05-02"),
        ],
    )
    assert first.accepted == 1 and issues_of(first) == {1: {"certificate.used_once"}}
    later = ingest(engine, settings, [movement("5000000001", FARM_B, FARM_A, "2024-06-01")])
    assert issues_of(later) == {0: {"certificate.used_once"}}


def test_no_movement_or_slaughter_before_birth(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, [*district(), animal(TAG_1, "2024-03-01", FARM_A)])
    summary = ingest(
        engine,
        settings,
        [
            movement("5000000002", FARM_A, FARM_B, "2024-02-01", ear_tags=[TAG_1]),
            slaughter(SLAUGHTERHOUSE, "2024-02-20", [TAG_1]),
            movement("5000000003", FARM_A, FARM_B, "2024-03-01", ear_tags=[TAG_1]),
        ],
    )
    assert issues_of(summary) == {0: {"animal.before_birth"}, 1: {"animal.before_birth"}}
    assert summary.accepted == 1


def test_an_animal_is_slaughtered_once(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    summary = ingest(
        engine,
        settings,
        [
            slaughter(SLAUGHTERHOUSE, "2024-08-01", [TAG_1, TAG_2]),
            slaughter(SLAUGHTERHOUSE, "2024-08-02", [TAG_2]),
        ],
    )
    assert issues_of(summary) == {1: {"animal.slaughtered_once"}}
    again = ingest(engine, settings, [slaughter(SLAUGHTERHOUSE, "2024-09-01", [TAG_1])])
    assert issues_of(again) == {0: {"animal.slaughtered_once"}}


def test_ear_tag_county_must_exist(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    unknown_county = "150019900000001"  # 500199 is not a county
    summary = ingest(engine, settings, [slaughter(SLAUGHTERHOUSE, "2024-08-01", [unknown_county])])
    assert issues_of(summary) == {0: {"ear_tag.county"}}


def test_dates_are_not_in_the_future(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    summary = ingest(
        engine,
        settings,
        [
            movement("5000000004", FARM_A, FARM_B, "2025-01-01"),
            herd_report(FARM_A, "2025-01"),
            herd_report(FARM_A, "2024-12"),
        ],
    )
    assert issues_of(summary) == {0: {"date.not_future"}, 1: {"date.not_future"}}


def test_trade_and_slaughter_need_the_right_kind_of_premises(
    engine: Engine, settings: Settings
) -> None:
    ingest(engine, settings, district())
    trade = {
        "kind": "trade",
        "market": FARM_A,
        "date": "2024-05-01",
        "head_count": 5,
        "avg_weight_kg": "115",
        "avg_price": "16.2",
    }
    summary = ingest(engine, settings, [trade, slaughter(MARKET, "2024-05-01", [])])
    assert issues_of(summary) == {0: {"premises.type"}, 1: {"premises.type"}}


def test_certificate_type_follows_the_route(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    summary = ingest(
        engine,
        settings,
        [
            movement("5000000005", FARM_A, FARM_SICHUAN, "2024-05-01"),
            movement("5000000006", FARM_A, FARM_SICHUAN, "2024-05-01", certificate_type="A"),
        ],
    )
    assert issues_of(summary) == {0: {"certificate.type_route"}}


def test_one_herd_report_per_farm_and_month(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, [*district(), herd_report(FARM_A, "2024-05")])
    summary = ingest(engine, settings, [herd_report(FARM_A, "2024-05", breeding_sows=51)])
    assert issues_of(summary) == {0: {"herd_report.once_a_month"}}


def test_the_same_record_twice_is_already_present_not_appended(
    engine: Engine, settings: Settings
) -> None:
    records = district()
    ingest(engine, settings, records)
    again = ingest(engine, settings, records)
    assert (again.accepted, again.rejected, again.duplicates) == (0, 0, len(records))
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.ledger_entries)).scalar() == 6
