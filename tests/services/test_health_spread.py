"""The spread estimate from the store, the command line and the API, on SQLite and PostgreSQL.

Probabilities are worked out by hand from the rule's values; the estimates are seeded, and
each is checked against four binomial standard errors of the hand-computed value.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.config import Settings
from pigdata.domain.spread_rules import SPREAD_RULES
from pigdata.errors import NotFound
from pigdata.services.health.spread import (
    NotTreeLike,
    SpreadMethod,
    SpreadRuns,
    SpreadWindow,
    estimate_spread,
)
from pigdata.services.scope import Forbidden

from tests.builders import RONGCHANG_TOWN, bearer, movement, premises

LAT, LON = 29.40, 105.59
KM_PER_DEGREE_LAT = 110.85  # a degree of latitude at 29.4° N
# (code, km north of LAT): 20 km apart, beyond any local spread, except F 1 km from A.
A, B, C, D, E, F = (f"50015300{i:02d}" for i in range(20, 26))
PLACES = {A: 0.0, B: 20.0, C: 40.0, D: 60.0, E: 80.0, F: 1.0}
INDEX_DAY, UNTIL = date(2024, 6, 1), date(2024, 6, 11)  # 11 days, 0..10
RUNS = 20_000
RULE = SPREAD_RULES[0]
PER_HEAD = RULE.per_head_probability


def _haversine_km(lat1: float, lat2: float) -> float:
    # An independent distance along a meridian on a sphere: within 0.5 % of the ellipsoid.
    return 6371.0088 * math.radians(abs(lat2 - lat1))


def records() -> list[dict[str, Any]]:
    found = [
        premises(code, RONGCHANG_TOWN, latitude=f"{LAT + km / KM_PER_DEGREE_LAT:.6f}")
        for code, km in PLACES.items()
    ]
    found += [
        movement("5000000201", A, D, "2024-05-31", head_count=50),  # before the index day
        movement("5000000202", A, B, "2024-06-02", head_count=10),
        movement("5000000203", B, C, "2024-06-04", head_count=10),
        movement("5000000204", A, E, "2024-06-12", head_count=50),  # after the end day
        # In July B can be infected from A and from F: not tree-like.
        movement("5000000205", A, B, "2024-07-02", head_count=1),
        movement("5000000206", F, B, "2024-07-03", head_count=1),
    ]
    return found


@pytest.fixture
def loaded(engine: Engine, settings: Settings) -> Engine:
    from tests.builders import ingest

    summary = ingest(engine, settings, records())
    assert summary.rejected == 0, summary.rejections
    return engine


def _bound(p: float, runs: int = RUNS) -> float:
    return 4 * math.sqrt(p * (1 - p) / runs)


def _expected() -> dict[str, float]:
    """Give the hand-computed probabilities under the default rule."""
    by_movement = 1 - (1 - PER_HEAD) ** 10  # 10 heads: 1 - 0.95^10 = 0.40126
    km = _haversine_km(LAT, LAT + 1.0 / KM_PER_DEGREE_LAT)
    hazard = RULE.kernel_h0 / (1 + (km / RULE.kernel_r0_km) ** RULE.kernel_alpha)
    return {
        B: by_movement,
        C: by_movement**2,  # A → B on day 1, B → C on day 3
        F: 1 - math.exp(-hazard * 11),  # A infectious on each of the 11 days
    }


def test_estimate_from_the_store(loaded: Engine) -> None:
    with loaded.connect() as conn:
        report = estimate_spread(conn, ADMIN, A, INDEX_DAY, UNTIL, RUNS, seed=11)
    expected = _expected()
    got = {s.premises: s for s in report.premises}
    assert set(got) <= set(expected)  # D (before the day) and E (after the end) never
    assert {B, C} <= set(got)
    for code, p in expected.items():
        found = got[code].probability if code in got else 0.0
        assert abs(found - p) <= _bound(p), (code, found, p)
    b, c = got[B], got[C]
    assert b.standard_error == pytest.approx(math.sqrt(b.probability * (1 - b.probability) / RUNS))
    assert (b.mean_day, b.expected_date) == (1.0, date(2024, 6, 2))
    assert (c.mean_day, c.expected_date) == (3.0, date(2024, 6, 4))
    assert [s.premises for s in report.premises][:2] == [B, C]  # most likely first
    assert [s.rank for s in report.premises] == list(range(1, len(report.premises) + 1))
    assert report.movements_used == 2 and report.rule == RULE
    with loaded.connect() as conn:
        again = estimate_spread(conn, ADMIN, A, INDEX_DAY, UNTIL, RUNS, seed=11)
    assert again == report  # the seed reproduces the estimate


def test_exact_method(loaded: Engine) -> None:
    # The window's network is a tree (B from A, C from B, F from A): exact probabilities.
    with loaded.connect() as conn:
        report = estimate_spread(conn, ADMIN, A, INDEX_DAY, UNTIL, method=SpreadMethod.exact)
        with pytest.raises(NotTreeLike) as refused:
            estimate_spread(
                conn, ADMIN, A, date(2024, 7, 1), date(2024, 7, 5), method=SpreadMethod.exact
            )
        assert refused.value.rule == "spread.exact_tree"
    got = {s.premises: s for s in report.premises}
    expected = _expected()
    assert set(got) == set(expected)
    for code, p in expected.items():
        assert got[code].probability == pytest.approx(p, rel=0.006)  # F: distance within 0.5 %
        assert got[code].standard_error == 0.0 and got[code].infected_runs is None
    assert got[B].probability == pytest.approx(1 - 0.95**10, rel=1e-12)
    assert (got[C].mean_day, got[C].expected_date) == (3.0, date(2024, 6, 4))
    assert [s.premises for s in report.premises] == [B, C, F]


def test_heads_and_a_custom_rule(loaded: Engine) -> None:
    # No local spread, one pig in three infected: P(B) = 1 - (2/3)^10, P(C) = P(B)².
    rule = replace(RULE, per_head_probability=1 / 3, kernel_h0=0.0)
    with loaded.connect() as conn:
        report = estimate_spread(conn, ADMIN, A, INDEX_DAY, UNTIL, RUNS, seed=5, rule=rule)
    got = {s.premises: s.probability for s in report.premises}
    p = 1 - (2 / 3) ** 10
    assert set(got) == {B, C}
    assert abs(got[B] - p) <= _bound(p) and abs(got[C] - p * p) <= _bound(p * p)
    assert report.herds_considered == 3  # A, B, C: nothing else is reachable


def test_refusals(loaded: Engine) -> None:
    with loaded.connect() as conn:
        with pytest.raises(NotFound) as unknown:
            estimate_spread(conn, ADMIN, "5001539999", INDEX_DAY, UNTIL)
        assert unknown.value.rule == "premises.unknown"
        for who in (Principal("f", Role.farm, A), Principal("yc", Role.government, "500118")):
            with pytest.raises(Forbidden):
                estimate_spread(conn, who, A, INDEX_DAY, UNTIL)
        county = Principal("rc", Role.government, "500153")
        assert estimate_spread(conn, county, A, INDEX_DAY, UNTIL, 10).runs == 10
        with pytest.raises(SpreadWindow) as window:
            estimate_spread(conn, ADMIN, A, UNTIL, INDEX_DAY)
        assert window.value.rule == "spread.window" and "until" in window.value.en
        with pytest.raises(SpreadRuns):
            estimate_spread(conn, ADMIN, A, INDEX_DAY, UNTIL, runs=0)


def test_api(loaded: Engine, server: str) -> None:
    client = httpx.Client(base_url=server, headers=bearer(loaded, "government", "500153"))
    params: dict[str, Any] = {"date": "2024-06-01", "until": "2024-06-11", "runs": RUNS, "seed": 3}
    body = client.get(f"/api/v1/animal-health/spread/{A}", params=params).json()
    got = {s["premises"]: s["probability"] for s in body["premises"]}
    for code, p in _expected().items():
        assert abs(got.get(code, 0.0) - p) <= _bound(p), (code, got, p)
    assert body["rule"]["name"] == "asf_spread_estimate" and body["runs"] == RUNS
    text = client.get(f"/api/v1/animal-health/spread/{A}", params={**params, "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["premises"] for r in rows] == [s["premises"] for s in body["premises"]]
    assert rows[0]["expected_date"] == "2024-06-02" and float(rows[0]["mean_day"]) == 1.0
    exact = client.get(
        f"/api/v1/animal-health/spread/{A}", params={**params, "method": "exact"}
    ).json()
    assert exact["method"] == "exact"
    assert [s["premises"] for s in exact["premises"]] == [B, C, F]
    assert exact["premises"][1]["probability"] == pytest.approx((1 - 0.95**10) ** 2)
    july = {"date": "2024-07-01", "until": "2024-07-05", "method": "exact"}
    not_tree = client.get(f"/api/v1/animal-health/spread/{A}", params=july)
    assert not_tree.status_code == 422 and not_tree.json()["rule"] == "spread.exact_tree"
    assert client.get("/api/v1/animal-health/spread/5001539999", params=params).status_code == 404
    backwards = client.get(
        f"/api/v1/animal-health/spread/{A}", params={**params, "until": "2024-05-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["rule"] == "spread.window"
    public = httpx.get(f"{server}/api/v1/animal-health/spread/{A}", params=params)
    assert public.status_code == 403
    other = bearer(loaded, "government", "500118")
    refused = httpx.get(f"{server}/api/v1/animal-health/spread/{A}", params=params, headers=other)
    assert refused.status_code == 403


def test_command_line(loaded: Engine, settings: Settings, tmp_path: Path) -> None:
    from tests.cli.test_commands import run

    out = tmp_path / "spread.csv"
    args = ["--index", A, "--date", "2024-06-01", "--until", "2024-06-11"]
    done = run(
        settings, "health", "spread", *args, "--runs", str(RUNS), "--seed", "9", "--csv", str(out)
    )
    assert B in done.stdout and "asf_spread_estimate" in done.stdout
    rows = {r["premises"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    for code, p in _expected().items():
        found = float(rows[code]["probability"]) if code in rows else 0.0
        assert abs(found - p) <= _bound(p), (code, found, p)
    assert rows[C]["expected_date"] == "2024-06-04"
    exact = tmp_path / "exact.csv"
    run(settings, "health", "spread", *args, "--method", "exact", "--csv", str(exact))
    exact_rows = list(csv.DictReader(exact.open(encoding="utf-8")))
    assert [r["premises"] for r in exact_rows] == [B, C, F]
    assert float(exact_rows[0]["probability"]) == pytest.approx(1 - 0.95**10, abs=1e-6)
    assert exact_rows[0]["infected_runs"] == "" and exact_rows[0]["standard_error"] == "0.000000"
    backwards = run(
        settings,
        "health",
        "spread",
        "--index",
        A,
        "--date",
        "2024-06-11",
        "--until",
        "2024-06-01",
        check=False,
    )
    assert backwards.returncode == 1 and "spread.window" in backwards.stderr
    unknown = run(
        settings,
        "health",
        "spread",
        "--index",
        "5001539999",
        "--date",
        "2024-06-01",
        "--until",
        "2024-06-11",
        check=False,
    )
    assert unknown.returncode == 1 and "5001539999" in unknown.stderr
