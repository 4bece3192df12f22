"""The statistics commands as a user runs them, on hand-made data and on the demo."""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.store import tables as t

from tests.builders import FARM_A, FARM_B, district, herd_report, ingest
from tests.cli.test_commands import run

AUGUST_CAPACITY = ("stats", "capacity", "--region", "500153", "--month", "2024-08")


def test_capacity_set_and_read(engine: Engine, settings: Settings) -> None:
    records = [
        *district(),
        herd_report(FARM_A, "2024-07", breeding_sows=100),
        herd_report(FARM_B, "2024-07", breeding_sows=100),
        herd_report(FARM_A, "2024-08", breeding_sows=100),
        herd_report(FARM_B, "2024-08", breeding_sows=85),
    ]
    ingest(engine, settings, records)
    run(settings, "stats", "capacity-set", "--region", "500153", "--effective", "2024-01",
        "--normal-holding", "200", "--source", "district plan")  # fmt: skip
    shown = run(settings, "stats", "capacity", "--region", "500153", "--month", "2024-08").stdout
    assert "200 [configured]" in shown and "92.50" in shown and "alert" not in shown
    as_json = json.loads(run(settings, *AUGUST_CAPACITY, "--json").stdout)
    # 185 of 200 = 92.5 %: green under the 2024 bands (92–105); July's 100 % is green too.
    assert as_json["current"]["ratio_pct"] == 92.5 and as_json["current"]["zone"] == "green"
    assert as_json["alerts"] == []
    of_parts = ("stats", "capacity", "--region", "500100", "--month", "2024-08", "--parts")
    parts = json.loads(run(settings, *of_parts, "--json").stdout)
    rongchang = next(p for p in parts["parts"] if p["code"] == "500153")
    assert (rongchang["ratio_pct"], rongchang["zone"]) == (92.5, "green")
    table = run(settings, *of_parts)
    assert "荣昌区" in table.stdout and "92.50" in table.stdout
    bad = run(settings, "stats", "capacity-set", "--region", "500153", "--effective", "2024-01",
              "--bands", "95,90,105,110", "--source", "x", check=False)  # fmt: skip
    assert bad.returncode != 0 and "yellow_low" in bad.stderr


def test_demo_figures_match_the_reports(settings: Settings, engine: Engine) -> None:
    run(settings, "demo", "--scale", "0.3", "--months", "13", "--start", "2023-08")
    shown = json.loads(
        run(
            settings,
            "stats",
            "production",
            "--region",
            "500153",
            "--from",
            "2024-01",
            "--to",
            "2024-08",
            "--json",
        ).stdout
    )
    capacity = json.loads(run(settings, *AUGUST_CAPACITY, "--json").stdout)
    # Independently: every farm's township from the premises table, then sums in Python.
    with engine.connect() as conn:
        town = {
            c: tw for c, tw in conn.execute(sa.select(t.premises.c.code, t.premises.c.township))
        }
        sows: dict[str, int] = defaultdict(int)
        farms: dict[str, int] = defaultdict(int)
        for code, month, count in conn.execute(
            sa.select(
                t.herd_reports.c.premises, t.herd_reports.c.month, t.herd_reports.c.breeding_sows
            )
        ):
            if town[code].startswith("500153"):
                sows[month] += count
                farms[month] += 1
    assert [m["inventory"]["breeding_sows"] for m in shown["months"]] == [
        sows[m["month"]] for m in shown["months"]
    ]
    assert [m["reporting_farms"] for m in shown["months"]] == [
        farms[m["month"]] for m in shown["months"]
    ]
    assert sows["2024-08"] > 0 and capacity["current"]["breeding_sows"] == sows["2024-08"]
    first = sorted(sows)[:12]
    assert capacity["normal_holding"]["basis"] == "derived"
    assert capacity["normal_holding"]["sows"] == round(sum(sows[m] for m in first) / len(first))


def test_demo_farm_performance(settings: Settings, engine: Engine) -> None:
    run(settings, "demo", "--scale", "0.2", "--months", "6", "--start", "2024-03")
    farm = run(settings, "stats", "performance", "--farm", FARM_A, "--month", "2024-08", "--json")
    shown = json.loads(farm.stdout)
    h = t.herd_reports
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(h.c.breeding_sows, h.c.weaned, h.c.month).where(h.c.premises == FARM_A)
        ).all()
    # PSY over the six reported months (184 days from March to August), by hand.
    sows = sum(r.breeding_sows for r in rows) / len(rows)
    psy = sum(r.weaned for r in rows) / sows * 365 / 184
    assert len(rows) == 6 and shown["own"]["months_reported"] == 6
    assert shown["own"]["figures"]["psy"] == round(psy, 2)
    assert shown["peers_region"] == "500153"
    everyone = run(settings, "stats", "performance", "--region", "500153", "--month", "2024-08")
    assert FARM_A in everyone.stdout
