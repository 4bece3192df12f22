"""Movement control at ingest: outbreak zones, regional control and official overrides."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import Principal, Role
from pigdata.config import Settings
from pigdata.ledger.entry import decode_entry
from pigdata.store import tables as t

from tests.builders import NEIJIANG_TOWN, RONGCHANG_TOWN, ingest, issues_of, movement, premises

INFECTED, NEAR, MIDDLE, FAR = "5001530020", "5001530021", "5001530022", "5001530023"
SICHUAN = "5110020020"
GUANGDONG = "4401030020"
GUANGZHOU_TOWN = "440103001"


def _place(code: str, km_north: float, township: str = RONGCHANG_TOWN) -> dict[str, Any]:
    return premises(code, township, latitude=f"{29.40 + km_north / 110.85:.6f}", longitude="105.59")


def outbreak(status: str, report_date: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "outbreak_report",
        "outbreak_id": "ASF-TEST-1",
        "premises": INFECTED,
        "disease": "african_swine_fever",
        "status": status,
        "report_date": report_date,
        **extra,
    }


def places() -> list[dict[str, Any]]:
    return [
        _place(INFECTED, 0.0),
        _place(NEAR, 2.0),
        _place(MIDDLE, 8.0),
        _place(FAR, 20.0),
        _place(SICHUAN, 60.0, NEIJIANG_TOWN),
        _place(GUANGDONG, -600.0, GUANGZHOU_TOWN),
    ]


def test_movements_out_of_zones_are_stopped_while_in_force(
    engine: Engine, settings: Settings
) -> None:
    ingest(engine, settings, places())
    before = ingest(engine, settings, [movement("5000000201", NEAR, FAR, "2024-06-09")])
    assert before.accepted == 1
    ingest(engine, settings, [outbreak("confirmed", "2024-06-10", confirmed_date="2024-06-10")])
    during = ingest(
        engine,
        settings,
        [
            movement("5000000202", NEAR, FAR, "2024-06-11"),
            movement("5000000203", MIDDLE, FAR, "2024-06-11"),
            movement("5000000204", FAR, NEAR, "2024-06-11"),  # into the zone: not stopped
        ],
    )
    assert issues_of(during) == {
        0: {"health.zone_movement"},
        1: {"health.zone_movement"},
    }
    zone_messages = [o.issues[0].en for o in during.outcomes if o.issues]
    assert "infected zone" in zone_messages[0] and "threatened zone" in zone_messages[1]
    ingest(engine, settings, [outbreak("resolved", "2024-07-30", resolved_date="2024-07-30")])
    after = ingest(engine, settings, [movement("5000000205", NEAR, FAR, "2024-07-30")])
    assert after.accepted == 1


def test_an_outbreak_earlier_in_the_same_batch_counts(engine: Engine, settings: Settings) -> None:
    records = [
        *places(),
        outbreak("confirmed", "2024-06-10"),
        movement("5000000211", MIDDLE, FAR, "2024-06-12"),
    ]
    summary = ingest(engine, settings, records)
    assert issues_of(summary) == {len(records) - 1: {"health.zone_movement"}}


def test_suspected_outbreaks_have_no_zones(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, [*places(), outbreak("suspected", "2024-06-10")])
    assert ingest(engine, settings, [movement("5000000221", NEAR, FAR, "2024-06-12")]).accepted


def test_market_hogs_stay_in_their_region(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, places())
    out = {"certificate_type": "A"}
    summary = ingest(
        engine,
        settings,
        [
            movement("5000000231", FAR, GUANGDONG, "2024-06-01", **out),
            movement("5000000232", FAR, GUANGDONG, "2024-06-01", purpose="breeding", **out),
            movement("5000000233", FAR, GUANGDONG, "2024-06-01", purpose="piglet_rearing", **out),
            movement("5000000234", FAR, SICHUAN, "2024-06-01", **out),  # both Southwest
            movement("5000000235", FAR, GUANGDONG, "2021-04-30", **out),  # before the scheme
            movement("5000000236", FAR, GUANGDONG, "2021-05-01", purpose="fattening", **out),
        ],
    )
    assert issues_of(summary) == {0: {"health.regional_control"}, 5: {"health.regional_control"}}


def test_overrides_only_from_the_origins_government(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, places())
    ingest(engine, settings, [outbreak("confirmed", "2024-06-10")])
    reason = {"override_reason": "经县指挥部批准，定点屠宰", "certificate_type": "A"}
    blocked = movement("5000000241", MIDDLE, GUANGDONG, "2024-06-12", **reason)
    farm = Principal("farm", Role.farm, MIDDLE)
    refused = ingest(engine, settings, [blocked], who=farm)
    assert issues_of(refused) == {
        0: {"health.zone_movement", "health.regional_control", "health.override_not_authorised"}
    }
    canton = Principal("gz", Role.government, "440103")
    assert ingest(engine, settings, [blocked], who=canton).rejected == 1
    rongchang = Principal("rc", Role.government, "500153")
    accepted = ingest(engine, settings, [blocked], who=rongchang)
    assert accepted.accepted == 1
    seq = accepted.outcomes[0].seq
    with engine.connect() as conn:
        entry = conn.execute(
            sa.select(t.ledger_entries.c.entry).where(t.ledger_entries.c.seq == seq)
        ).scalar_one()
    stored = decode_entry(entry)
    assert stored["record"]["override_reason"] == "经县指挥部批准，定点屠宰"
    assert stored["submitter"] == "government:500153"  # the role and scope, not a name
