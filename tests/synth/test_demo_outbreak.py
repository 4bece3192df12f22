"""The demo's confirmed outbreak: last in the stream, with zones that hold premises."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import numpy as np

from pigdata.domain.outbreaks import outbreak_from_reports
from pigdata.services.health.zones import PremisesPoints
from pigdata.services.health.zoning import zone_premises
from pigdata.synth.demo import demo_records
from pigdata.synth.spec import DemoSpec, cutoff

SPEC = DemoSpec(scale=0.05, months=3)


@cache
def records() -> tuple[dict[str, Any], ...]:
    return tuple(demo_records(SPEC))


def test_the_demo_ends_with_a_confirmed_outbreak_in_force() -> None:
    reports = [r for r in records() if r["kind"] == "outbreak_report"]
    assert [r["status"] for r in reports] == ["suspected", "confirmed"]
    assert [r["kind"] for r in records()[-2:]] == ["outbreak_report", "outbreak_report"]
    rows = [{**r, "entry_seq": i, "culled": r.get("culled", 0)} for i, r in enumerate(reports)]
    for row in rows:
        for name in ("confirmed_date", "last_culling_date", "resolved_date"):
            row.setdefault(name, None)
    outbreak = outbreak_from_reports(reports[0]["outbreak_id"], rows)
    last_day = cutoff(SPEC)
    assert outbreak.active_on(last_day) and not outbreak.active_on(date(2000, 1, 1))
    sites = sorted((r for r in records() if r["kind"] == "premises"), key=lambda r: r["code"])
    points = PremisesPoints(
        np.array([s["code"] for s in sites]),
        np.array([float(s["latitude"]) for s in sites]),
        np.array([float(s["longitude"]) for s in sites]),
    )
    zones = zone_premises(points, outbreak, last_day)
    assert zones.count("infected_point") == 1
    assert zones.count("infected_zone") + zones.count("threatened_zone") >= 5
