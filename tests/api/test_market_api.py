"""The market services over real HTTP on the demo district, and their errors."""

from __future__ import annotations

import httpx
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.cli.serve import load_demo
from pigdata.config import Settings
from pigdata.synth.spec import DemoSpec

from tests.builders import FARM_A, district, herd_report, ingest


def test_market_services_on_the_demo(engine: Engine, settings: Settings, server: str) -> None:
    assert load_demo(engine, settings, DemoSpec()).rejected == 0
    api = httpx.Client(base_url=f"{server}/api/v1/market", timeout=120)  # anonymous public

    warnings = api.get("/warnings", params={"region": "500153"}).json()
    assert warnings["corn_region"] == "500153"
    levels = {w["level"] for w in warnings["ratio"]}
    assert {1, 2, 3} <= levels  # the demo follows 2021–2022, when all three were reached
    assert {a["side"] for a in warnings["alerts"]} == {"downside", "upside"}

    index = api.get("/index", params={"region": "500153", "item": "piglet"}).json()
    base = [w["index"] for w in index["weeks"] if w["week"].startswith("2023")]
    assert index["source"] == "collection_points" and index["base_start"].startswith("2023")
    assert abs(sum(base) / len(base) - 100.0) < 1e-9

    forecast = api.get("/forecast", params={"region": "500153", "horizon": 13}).json()
    assert len(forecast["weeks"]) == 13 and forecast["origin"] == "2024-12-29"
    assert all(w["lower"] < w["mean"] < w["upper"] for w in forecast["weeks"])

    backtest = api.get("/forecast/backtest", params={"region": "500153", "step": 8}).json()
    assert [h["horizon"] for h in backtest["horizons"]] == list(range(1, 27))

    outlook = api.get("/outlook", params={"region": "500153", "months": 6}).json()
    assert outlook["origin"] == "2024-12" and len(outlook["months"]) == 6
    assert all(m["expected"] > 0 for m in outlook["months"])
    scores = api.get("/outlook/backtest", params={"region": "500153"}).json()["scores"]
    assert [s["months_ahead"] for s in scores] == list(range(1, 11))


def test_market_errors_are_problems(engine: Engine, server: str) -> None:
    api = httpx.Client(base_url=f"{server}/api/v1/market")
    unknown = api.get("/warnings", params={"region": "999999"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert api.get("/index", params={"item": "beef"}).status_code == 422
    empty = api.get("/forecast", params={"region": "500153"})
    assert empty.status_code == 422 and "30" in empty.json()["detail"]
    assert api.get("/outlook", params={"region": "500153"}).status_code == 403  # no farms
    assert api.get("/outlook", params={"origin": "2024-13"}).status_code == 422
    assert api.get("/warnings").json()["ratio"] == []


def test_outlook_of_fewer_than_five_farms_only_for_those_who_see_them(
    engine: Engine, settings: Settings, server: str
) -> None:
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    reports = [herd_report(FARM_A, m, born_alive=200, sold_for_slaughter=180) for m in months]
    assert ingest(engine, settings, [*district(), *reports]).rejected == 0
    url = f"{server}/api/v1/market/outlook"
    public = httpx.get(url, params={"region": "500153"})
    assert public.status_code == 403
    assert "fewer than 5 farms" in public.json()["detail"]
    token = create_token(engine, "rongchang", Role.government, "500153").secret
    seen = httpx.get(url, params={"region": "500153"}, headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200 and seen.json()["origin"] == "2023-12"
