"""Plausibility checks of herd reports against certificates, and the health overview."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.services.health.overview import health_overview
from pigdata.services.health.plausibility import Mismatch, check_month

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    SLAUGHTERHOUSE,
    district,
    herd_report,
    ingest,
    movement,
)


def month_records() -> list[dict[str, Any]]:
    return [
        *district(),
        herd_report(FARM_A, "2024-05", breeding_sows=50, finishers=100),
        # June at A: 12 reported in (10 certified: within tolerance), 30 reported out for
        # slaughter (40 certified), herd 145 where 150 + 20 born + 10 in − 40 out − 5 dead = 135.
        herd_report(
            FARM_A,
            "2024-06",
            breeding_sows=50,
            finishers=95,
            born_alive=20,
            deaths=5,
            moved_in=12,
            sold_for_slaughter=30,
        ),
        herd_report(FARM_YONGCHUAN, "2024-06", breeding_sows=10, moved_out=0),
        movement("5000000301", FARM_B, FARM_A, "2024-06-03", head_count=10),
        movement("5000000302", FARM_A, SLAUGHTERHOUSE, "2024-06-20", head_count=40),
        movement("5000000303", FARM_A, SLAUGHTERHOUSE, "2024-07-01", head_count=99),  # July
    ]


def test_mismatches_of_a_month(engine: Engine, settings: Settings) -> None:
    assert ingest(engine, settings, month_records()).rejected == 0
    with engine.connect() as conn:
        found = check_month(conn, ADMIN, "2024-06")
        yongchuan = check_month(conn, Principal("yc", Role.government, "500118"), "2024-06")
    assert found == [
        Mismatch(FARM_A, "2024-06", "plausibility.herd_balance", 145, 135),
        Mismatch(FARM_A, "2024-06", "plausibility.moves_out", 30, 40),
        Mismatch(FARM_B, "2024-06", "plausibility.no_report", 0, 10),
    ]
    assert yongchuan == []


def test_overview_counts_zones_restrictions_and_blocked_moves(
    engine: Engine, settings: Settings, server: str
) -> None:
    outbreak = {
        "kind": "outbreak_report",
        "outbreak_id": "ASF-OV-1",
        "premises": FARM_A,
        "disease": "african_swine_fever",
        "status": "confirmed",
        "report_date": "2024-06-10",
        "last_culling_date": "2024-06-11",
    }
    ingest(engine, settings, [*district(), outbreak])
    # FARM_B shares FARM_A's coordinates in the builders: inside the infected zone.
    blocked = ingest(
        engine, settings, [movement("5000000311", FARM_B, FARM_YONGCHUAN, "2024-06-12")]
    )
    assert blocked.rejected == 1
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        view = health_overview(conn, ADMIN, today)
        public = health_overview(conn, Principal("p", Role.public), today)
    assert [z.outbreak_id for z in view.active_zones] == ["ASF-OV-1"]
    assert view.blocked_last_week == {"health.zone_movement": 1}
    assert view.restricted[FARM_A] == "infected_point"
    assert view.restricted[FARM_B] == "infected_zone"
    assert public.restricted == {} and public.restricted_premises == view.restricted_premises
    token = create_token(engine, "rc", Role.government, "500153").secret
    api = httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"})
    body = api.get("/api/v1/animal-health/overview", params={"day": today.isoformat()}).json()
    assert body["blocked_last_week"] == {"health.zone_movement": 1}
    assert body["active_zones"][0]["earliest_lifting"] == "2024-07-23"
    checks = api.get("/api/v1/animal-health/plausibility", params={"month": "2024-06"})
    assert checks.status_code == 200
    assert httpx.get(f"{server}/api/v1/animal-health/plausibility?month=2024-06").status_code == 403
