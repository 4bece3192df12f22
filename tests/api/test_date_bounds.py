"""Dates are bounded (1900-01-01 to 2999-12-31, rule `date.range`): in records, in every
date query of the API and in the command line. Out of range is 422, never a 500."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings

from tests.builders import FARM_A, FARM_B, animal, district, herd_report, ingest, movement

OUT_OF_RANGE_DAYS = ["0001-01-01", "0001-01-07", "1899-12-31", "3000-01-01", "9999-12-31"]
OUT_OF_RANGE_MONTHS = ["0000-01", "0001-01", "1899-12", "3000-01", "9999-12"]
HUGE = str(10**12)


@pytest.fixture
def api(server: str, engine: Engine, settings: Settings) -> httpx.Client:
    ingest(engine, settings, [*district(), movement("5000000001", FARM_A, FARM_B, "2024-05-01")])
    admin = create_token(engine, "admin", Role.admin).secret
    return httpx.Client(base_url=server, headers={"Authorization": f"Bearer {admin}"})


def refused(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


HEALTH = "/api/v1/animal-health"


def test_plausibility_overview_and_trace_refuse_the_calendars_edges(api: httpx.Client) -> None:
    for month in OUT_OF_RANGE_MONTHS:
        refused(api.get(f"{HEALTH}/plausibility", params={"month": month}))
    for day in OUT_OF_RANGE_DAYS:
        errors = refused(api.get(f"{HEALTH}/overview", params={"day": day}))
        if day != "0001-01-07":
            assert errors[0]["field"] == "query.day"
        refused(api.get(f"{HEALTH}/trace/{FARM_A}", params={"until": day}))
        refused(api.get(f"{HEALTH}/zones", params={"day": day}))
    for days in (HUGE, "3661", "0", "-1"):
        refused(api.get(f"{HEALTH}/trace/{FARM_A}", params={"until": "1900-01-01", "days": days}))
    year_one = refused(api.get(f"{HEALTH}/overview", params={"day": "0001-01-01"}))
    assert year_one[0]["rule"] == "date.range"
    # The edges themselves are inside the range and answer.
    assert api.get(f"{HEALTH}/plausibility", params={"month": "1900-01"}).status_code == 200
    assert api.get(f"{HEALTH}/overview", params={"day": "1900-01-01"}).status_code == 200
    assert api.get(f"{HEALTH}/overview", params={"day": "2999-12-31"}).status_code == 200
    edge = {"until": "1900-01-01", "days": "3660"}
    assert api.get(f"{HEALTH}/trace/{FARM_A}", params=edge).status_code == 200
    late = {"until": "2999-12-31", "days": "3660", "format": "csv"}
    assert api.get(f"{HEALTH}/trace/{FARM_A}", params=late).status_code == 200


def test_every_other_date_query_is_bounded(api: httpx.Client) -> None:
    for path in ("movements", "trades", "slaughters", "price-quotes"):
        refused(api.get(f"/api/v1/{path}", params={"since": "0001-01-01"}))
        refused(api.get(f"/api/v1/{path}", params={"until": "9999-12-31"}))
    refused(api.get("/api/v1/herd-reports", params={"month": "0000-01"}))
    for name in ("start", "end"):
        refused(api.get("/api/v1/market/warnings", params={name: "0001-01-01"}))
    for name in ("base_start", "base_end"):
        refused(api.get("/api/v1/market/index", params={name: "9999-12-31"}))
    refused(api.get("/api/v1/market/outlook", params={"origin": "0000-01"}))
    for month in ("0000-01", "2024-13"):
        refused(api.get("/api/v1/capacity", params={"region": "500153", "month": month}))
        refused(
            api.get(
                "/api/v1/stats/production",
                params={"region": "500153", "from": month, "to": "2024-05"},
            )
        )
    refused(api.get("/api/v1/breeding/population", params={"year": "0"}))
    refused(api.get("/api/v1/breeding/population", params={"year": HUGE}))
    body = {"region": "500153", "effective_month": "0001-01", "normal_holding": 5, "source": "x"}
    refused(api.put("/api/v1/capacity/settings", json=body))


@given(
    day=st.dates(),
    days=st.integers(min_value=-(10**15), max_value=10**15),
)
@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_day_gives_a_500(api: httpx.Client, day: date, days: int) -> None:
    inside = date(1900, 1, 1) <= day <= date(2999, 12, 31)
    answers = [
        api.get(f"{HEALTH}/overview", params={"day": day.isoformat()}),
        api.get(f"{HEALTH}/plausibility", params={"month": day.isoformat()[:7]}),
        api.get(f"{HEALTH}/trace/{FARM_A}", params={"until": day.isoformat(), "days": days}),
    ]
    statuses = [a.status_code for a in answers]
    assert statuses[:2] == ([200, 200] if inside else [422, 422])
    assert statuses[2] == (200 if inside and 1 <= days <= 3660 else 422)


def test_records_refuse_dates_before_1900(api: httpx.Client) -> None:
    records = [
        animal("150015300000011", "0001-01-01", FARM_A),
        animal("150015300000012", "1899-12-31", FARM_A),
        herd_report(FARM_A, "0001-05"),
        movement("5000000002", FARM_A, FARM_B, "0024-05-01"),
        animal("150015300000013", "1900-01-01", FARM_A),
    ]
    results = api.post("/api/v1/records", json={"records": records}).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["accepted"]
    for result in results[:4]:
        (issue,) = result["issues"]
        assert issue["rule"] == "date.range"
        assert "1900-01-01" in issue["en"] and "1900-01-01" in issue["zh"]


def test_a_file_with_year_one_is_refused_on_both_ingest_paths(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    from tests.cli.test_commands import run

    ingest(engine, settings, district())
    path = tmp_path / "moves.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(
            [
                "certificate_no",
                "certificate_type",
                "issue_date",
                "origin",
                "destination",
                "head_count",
                "purpose",
                "vehicle_plate",
                "carrier",
            ]
        )
        for n, day in enumerate(["0001-05-01", "1899-12-31", "2024-05-01"]):
            rows.writerow(
                [f"500000010{n}", "B", day, FARM_A, FARM_B, "5", "slaughter", "渝B12345", "王五"]
            )
    done = run(settings, "ingest", str(path))
    assert "date.range" in done.stdout
    assert done.stdout.count("date.range") == 2
    refused = run(settings, "health", "overview", "--day", "0001-01-01", check=False)
    assert refused.returncode == 1 and "date.range" in refused.stderr
    too_long = run(settings, "health", "trace", FARM_A, "--days", HUGE, check=False)
    assert too_long.returncode != 0 and "Traceback" not in too_long.stderr
