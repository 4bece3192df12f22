"""The demo's outbreak: one confirmed African swine fever outbreak at the end of the demo.

The farm nearest the middle of the district's farms is the infected point. It is reported
suspected four days before the demo's last day, confirmed two days before, and culled the
day before, so the zones are in force from then on. The reports come after every movement
of the demo, which was accepted before the zones existed, as in real life.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from pigdata.synth.district import District

OUTBREAK_ID = "ASF-DEMO-001"


def demo_outbreak_records(district: District, last_day: date) -> list[dict[str, Any]]:
    """Give the reports of the demo's outbreak (suspected, then confirmed with culling)."""
    farms = [
        s for s in district.sites if s.premises_type == "farm" and s.code[:6] == district.county
    ]
    if not farms or last_day - timedelta(days=4) < min(s.opened or last_day for s in farms):
        return []
    lat = np.array([s.latitude for s in farms])
    lon = np.array([s.longitude for s in farms])
    centre = int(np.argmin((lat - lat.mean()) ** 2 + (lon - lon.mean()) ** 2))
    farm = farms[centre]
    base = {
        "kind": "outbreak_report",
        "outbreak_id": OUTBREAK_ID,
        "premises": farm.code,
        "disease": "african_swine_fever",
        "onset_date": (last_day - timedelta(days=6)).isoformat(),
    }
    return [
        {**base, "status": "suspected", "report_date": (last_day - timedelta(days=4)).isoformat()},
        {
            **base,
            "status": "confirmed",
            "report_date": (last_day - timedelta(days=2)).isoformat(),
            "confirmed_date": (last_day - timedelta(days=2)).isoformat(),
            "last_culling_date": (last_day - timedelta(days=1)).isoformat(),
            "culled": farm.capacity_sows * 10 + farm.capacity_finishing,
        },
    ]
