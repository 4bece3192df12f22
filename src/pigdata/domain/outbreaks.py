"""An outbreak's state from its reports, and the zone rule that applies to it (pure).

Ingest (movement control) and the health services both derive an outbreak from the rows of
`outbreak_report`, so the derivation lives here, below both. Distances are geodesic on the
WGS 84 ellipsoid (pyproj's `Geod`, Karney's algorithm).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pyproj import Geod

from pigdata.domain.health_rules import ZONE_RULES, ZoneRule, rule_on

WGS84 = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Outbreak:
    """An outbreak's state from all its reports."""

    outbreak_id: str
    disease: str
    status: str  # of the latest report
    infected_points: tuple[str, ...]
    first_report: date
    zones_from: date | None  # first confirmation
    zones_until: date | None  # resolution (exclusive)
    last_culling_date: date | None
    culled: int
    earliest_lifting: date | None

    def active_on(self, day: date) -> bool:
        """Tell whether the outbreak's zones are in force on a day."""
        started = self.zones_from is not None and self.zones_from <= day
        return started and (self.zones_until is None or day < self.zones_until)


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def outbreak_from_reports(outbreak_id: str, reports: list[dict[str, Any]]) -> Outbreak:
    """Give an outbreak's state from its reports (dicts of the projection's columns)."""
    reports = sorted(reports, key=lambda r: (_as_date(r["report_date"]), r["entry_seq"]))
    confirmed = [r for r in reports if r["status"] != "suspected"]
    points = tuple(dict.fromkeys(r["premises"] for r in confirmed))
    starts = [_as_date(r["confirmed_date"]) or _as_date(r["report_date"]) for r in confirmed]
    ends = [
        _as_date(r["resolved_date"]) or _as_date(r["report_date"])
        for r in reports
        if r["status"] == "resolved"
    ]
    cullings = [d for r in reports if (d := _as_date(r["last_culling_date"])) is not None]
    first_report = _as_date(reports[0]["report_date"])
    assert first_report is not None
    rule = zone_rule(first_report)
    last_culling = max(cullings) if cullings else None
    return Outbreak(
        outbreak_id=outbreak_id,
        disease=reports[-1]["disease"],
        status=reports[-1]["status"],
        infected_points=points,
        first_report=first_report,
        zones_from=min(d for d in starts if d) if starts else None,
        zones_until=max(d for d in ends if d) if ends else None,
        last_culling_date=last_culling,
        culled=sum(int(r["culled"]) for r in reports),
        earliest_lifting=last_culling + timedelta(days=rule.lifting_days) if last_culling else None,
    )


def zone_rule(day: date) -> ZoneRule:
    """Give the zone rule in force on a day (the earliest rule before it took effect)."""
    return rule_on(ZONE_RULES, day) or ZONE_RULES[0]
