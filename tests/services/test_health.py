"""Contact tracing and outbreak zones through the store, the API and the command line."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.services.health.contacts import TraceDirection
from pigdata.services.health.tracing import trace_contacts
from pigdata.services.health.zoning import outbreak_zones
from pigdata.services.scope import Forbidden

from tests.builders import RONGCHANG_TOWN, movement, premises

CENTRE = (29.40, 105.59)
# (code, km north of the centre); a degree of latitude here is 110.85 km.
PLACES = [
    ("5001530010", 0.0),
    ("5001530011", 2.0),
    ("5001530012", 8.0),
    ("5001530013", 20.0),
]
P0, P1, P2, P3 = (code for code, _ in PLACES)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # An independent spherical distance: within 0.5 % of the ellipsoid, far from any boundary.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def network_records() -> list[dict[str, Any]]:
    records = [
        premises(
            code, RONGCHANG_TOWN, latitude=f"{CENTRE[0] + km / 110.85:.6f}", longitude="105.59"
        )
        for code, km in PLACES
    ]
    records += [
        movement("5000000101", P0, P1, "2024-06-01", head_count=10),
        movement("5000000102", P1, P2, "2024-06-03", head_count=20),
        movement("5000000103", P2, P3, "2024-06-03", head_count=30),  # same day: no chain
        movement("5000000104", P2, P3, "2024-06-05", head_count=40),
        movement("5000000105", P1, P2, "2024-06-04", head_count=5),
        {
            "kind": "outbreak_report",
            "outbreak_id": "ASF-2024-001",
            "premises": P0,
            "disease": "african_swine_fever",
            "status": "confirmed",
            "report_date": "2024-06-10",
            "confirmed_date": "2024-06-10",
            "last_culling_date": "2024-06-12",
            "culled": 300,
        },
    ]
    return records


@pytest.fixture
def loaded(engine: Engine, settings: Settings) -> Engine:
    from tests.builders import ingest

    summary = ingest(engine, settings, network_records())
    assert summary.rejected == 0, summary.rejections
    return engine


def test_forward_and_backward_trace(loaded: Engine) -> None:
    with loaded.connect() as conn:
        forward = trace_contacts(conn, ADMIN, P0, TraceDirection.forward, date(2024, 6, 10), 42)
        backward = trace_contacts(conn, ADMIN, P3, TraceDirection.backward, date(2024, 6, 10))
    got = {
        c.premises: (c.depth, c.earliest_contact, c.paths, c.head_count) for c in forward.contacts
    }
    # Paths to P2: P0→P1→P2 on the 3rd and on the 4th. To P3: each of those, then the 5th.
    assert got == {
        P1: (1, date(2024, 6, 1), 1, 10),
        P2: (2, date(2024, 6, 3), 2, 25),
        P3: (3, date(2024, 6, 5), 2, 40),
    }
    assert [c.premises for c in forward.contacts] == [P1, P2, P3]
    back = {
        c.premises: (c.depth, c.earliest_contact, c.paths, c.head_count) for c in backward.contacts
    }
    with loaded.connect() as conn:
        linked = trace_contacts(
            conn, ADMIN, P0, TraceDirection.forward, date(2024, 6, 10), vehicle_contacts=True
        )
    # One plate called at P1, P2 and P3 on 3 June: P1 reached on the 1st links to P3 then.
    p3 = next(c for c in linked.contacts if c.premises == P3)
    assert (p3.depth, p3.earliest_contact) == (2, date(2024, 6, 3))
    assert back == {
        P2: (1, date(2024, 6, 3), 2, 70),  # P2 sends to P3 on the 3rd and the 5th
        P1: (2, date(2024, 6, 3), 2, 25),
        P0: (3, date(2024, 6, 1), 2, 10),
    }


def test_window_and_access(loaded: Engine) -> None:
    with loaded.connect() as conn:
        short = trace_contacts(conn, ADMIN, P0, TraceDirection.forward, date(2024, 6, 3), 3)
        assert [c.premises for c in short.contacts] == [P1, P2]
        farm = Principal("f", Role.farm, P0)
        with pytest.raises(Forbidden):
            trace_contacts(conn, farm, P0, TraceDirection.forward, date(2024, 6, 10))
        elsewhere = Principal("yc", Role.government, "500118")
        with pytest.raises(Forbidden):
            trace_contacts(conn, elsewhere, P0, TraceDirection.forward, date(2024, 6, 10))


def test_zones_by_geodesic_distance(loaded: Engine) -> None:
    with loaded.connect() as conn:
        (zones,) = outbreak_zones(conn, ADMIN, date(2024, 6, 20))
    got = {p.premises: (p.zone, p.distance_km) for p in zones.premises}
    expected: dict[str, str] = {}
    for code, km in PLACES:
        distance = _haversine_km(*CENTRE, CENTRE[0] + km / 110.85, CENTRE[1])
        if distance <= 3:
            expected[code] = "infected_zone"
        elif distance <= 13:
            expected[code] = "threatened_zone"
        if code in expected:
            assert got[code][1] == pytest.approx(distance, rel=0.006)
    expected[P0] = "infected_point"
    assert {code: zone for code, (zone, _) in got.items()} == expected
    assert zones.outbreak.earliest_lifting == date(2024, 7, 24)  # 12 June + 42 days
    with loaded.connect() as conn:
        assert outbreak_zones(conn, ADMIN, date(2024, 6, 9)) == []  # before confirmation
        public = outbreak_zones(conn, Principal("anon", Role.public), date(2024, 6, 20))
    assert public[0].premises == [] and public[0].points


def test_api_trace_csv_and_geojson(loaded: Engine, server: str) -> None:
    token = create_token(loaded, "rc", Role.government, "500153").secret
    client = httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"})
    params = {"direction": "forward", "until": "2024-06-10", "days": 42}
    body = client.get(f"/api/v1/animal-health/trace/{P0}", params=params).json()
    assert [(c["premises"], c["depth"]) for c in body["contacts"]] == [(P1, 1), (P2, 2), (P3, 3)]
    text = client.get(f"/api/v1/animal-health/trace/{P0}", params={**params, "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["premises"], r["earliest_contact"], r["head_count"]) for r in rows] == [
        (P1, "2024-06-01", "10"),
        (P2, "2024-06-03", "25"),
        (P3, "2024-06-05", "40"),
    ]
    missing = client.get("/api/v1/animal-health/trace/5001539999")
    assert missing.status_code == 404
    public = httpx.get(f"{server}/api/v1/animal-health/trace/{P0}")
    assert public.status_code == 403
    geo = client.get("/api/v1/animal-health/zones.geojson", params={"day": "2024-06-20"})
    assert geo.headers["content-type"] == "application/geo+json"
    features = geo.json()["features"]
    zones = [f["properties"]["zone"] for f in features]
    assert zones == ["infected_point", "infected_zone", "threatened_zone"]
    ring = features[1]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    for lon, lat in ring[:-1]:
        assert _haversine_km(*CENTRE, lat, lon) == pytest.approx(3.0, rel=0.006)
    listed = client.get("/api/v1/animal-health/zones", params={"outbreak": "ASF-2024-001"}).json()
    assert listed[0]["counts"] == {"infected_point": 1, "infected_zone": 1, "threatened_zone": 1}


def test_command_line(loaded: Engine, settings: Settings, tmp_path: Path) -> None:
    from tests.cli.test_commands import run

    out = tmp_path / "contacts.csv"
    done = run(
        settings,
        "health",
        "trace",
        P3,
        "--direction",
        "backward",
        "--until",
        "2024-06-10",
        "--csv",
        str(out),
    )
    assert P0 in done.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["premises"] for r in rows] == [P2, P1, P0]
    geo = tmp_path / "zones.geojson"
    done = run(settings, "health", "zones", "--day", "2024-06-20", "--geojson", str(geo))
    assert "ASF-2024-001" in done.stdout and P2 in done.stdout
    assert len(json.loads(geo.read_text())["features"]) == 3
    refused = run(settings, "health", "trace", "5001539999", check=False)
    assert refused.returncode == 1 and "5001539999" in refused.stderr
