"""Movement control at ingest: outbreak zones and regional control (分区防控).

A movement is refused when its origin lies in the zones of an outbreak in force on its issue
date (`health.zone_movement`), or when it takes market hogs out of their control region
(`health.regional_control`; breeding pigs and piglets for rearing may cross). A government
principal whose region covers the origin may let such a movement through by sending it with
an `override_reason`; the reason is part of the record, so the ledger keeps it with the
submitter. From anyone else an override is refused (`health.override_not_authorised`).

The state is loaded once per batch: every outbreak (a small table) and the coordinates of the
infected points and of the batch's origins. Outbreak reports and premises accepted earlier in
the same batch are added as they come.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.domain.health_rules import (
    REGIONAL_CONTROLS,
    ControlRegion,
    RegionalControl,
    control_region,
    rule_on,
)
from pigdata.domain.issues import Issue
from pigdata.domain.outbreaks import WGS84, Outbreak, outbreak_from_reports, zone_rule
from pigdata.domain.records import AnyRecord, Movement, OutbreakReport, Premises
from pigdata.store import tables as t


@dataclass
class MovementControl:
    """What the movement-control rules of one batch need."""

    reports: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    outbreaks: dict[str, Outbreak] = field(default_factory=dict)
    coordinates: dict[str, tuple[float, float]] = field(default_factory=dict)

    def add(self, record: AnyRecord, seq: int) -> None:
        """Take in a record accepted earlier in the batch."""
        if isinstance(record, Premises):
            self.coordinates[record.code] = (float(record.latitude), float(record.longitude))
        elif isinstance(record, OutbreakReport):
            row = {**record.model_dump(), "entry_seq": seq}
            self.reports[record.outbreak_id].append(row)
            self.outbreaks[record.outbreak_id] = outbreak_from_reports(
                record.outbreak_id, self.reports[record.outbreak_id]
            )

    def forget(self, seq: int) -> None:
        """Drop an outbreak report superseded earlier in the batch, as its row is dropped."""
        for key, rows in list(self.reports.items()):
            kept = [row for row in rows if row["entry_seq"] != seq]
            if len(kept) == len(rows):
                continue
            if kept:
                self.reports[key] = kept
                self.outbreaks[key] = outbreak_from_reports(key, kept)
            else:
                del self.reports[key], self.outbreaks[key]

    def zone_of(self, code: str, day: date) -> tuple[Outbreak, str, float] | None:
        """Give (outbreak, zone, km) when a premises lies in a zone in force on a day."""
        here = self.coordinates.get(code)
        if here is None:
            return None
        for outbreak in self.outbreaks.values():
            if not outbreak.active_on(day):
                continue
            rule = zone_rule(outbreak.zones_from or outbreak.first_report)
            for point in outbreak.infected_points:
                there = self.coordinates.get(point)
                if there is None or abs(there[0] - here[0]) > rule.outer_km / 110.0:
                    continue
                km = WGS84.inv(here[1], here[0], there[1], there[0])[2] / 1000.0
                if point == code or km <= rule.outer_km:
                    zone = "infected_zone" if km <= rule.infected_zone_km else "threatened_zone"
                    return outbreak, zone, km
        return None


def load_control(conn: Connection, records: Sequence[AnyRecord]) -> MovementControl:
    """Give the batch's movement-control state, with one query per fact."""
    control = MovementControl()
    origins = {r.origin for r in records if isinstance(r, Movement)}
    if not origins:
        return control
    o = t.outbreak_reports
    for row in conn.execute(sa.select(o)).mappings():
        control.reports[row["outbreak_id"]].append(dict(row))
    for key, rows in control.reports.items():
        control.outbreaks[key] = outbreak_from_reports(key, rows)
    wanted = origins | {p for b in control.outbreaks.values() for p in b.infected_points}
    # Coordinates matter only when some outbreak exists, in the store or in this batch.
    if control.outbreaks or any(isinstance(r, OutbreakReport) for r in records):
        p = t.premises
        codes = sorted(wanted)
        for start in range(0, len(codes), 5000):
            query = sa.select(p.c.code, p.c.latitude, p.c.longitude).where(
                p.c.code.in_(codes[start : start + 5000])
            )
            for code, lat, lon in conn.execute(query):
                control.coordinates[code] = (float(lat), float(lon))
    return control


def _zone_issue(record: Movement, control: MovementControl) -> Issue | None:
    found = control.zone_of(record.origin, record.issue_date)
    if found is None:
        return None
    outbreak, zone, km = found
    zone_zh = "疫区" if zone == "infected_zone" else "受威胁区"
    return Issue(
        "origin",
        "health.zone_movement",
        f"起运地 {record.origin} 位于疫情 {outbreak.outbreak_id} 的{zone_zh}内"
        f"（距疫点 {km:.1f} 公里），禁止调出",
        f"origin {record.origin} lies in the {zone.replace('_', ' ')} of outbreak "
        f"{outbreak.outbreak_id} ({km:.1f} km from the infected point); movements out are stopped",
    )


def _region_issue(record: Movement) -> Issue | None:
    crossing = _crossing(
        record.issue_date, record.purpose.value, record.origin[:2], record.destination[:2]
    )
    if crossing is None:
        return None
    control, leaving, arriving = crossing
    return Issue(
        "destination",
        "health.regional_control",
        f"商品猪不得跨大区调出：{leaving.name_zh} → {arriving.name_zh}（{control.source}）",
        f"market hogs may not leave the {leaving.name_en} control region for the "
        f"{arriving.name_en} region (from {control.effective})",
    )


@lru_cache(maxsize=65_536)
def _crossing(
    day: date, purpose: str, origin_province: str, destination_province: str
) -> tuple[RegionalControl, ControlRegion, ControlRegion] | None:
    """Give the control in force and the two regions when such a move crosses between them.

    Asked once per day, purpose and pair of provinces rather than once per movement: a
    batch's movements share them.
    """
    if origin_province == destination_province:
        return None  # a province lies in one control region
    control = rule_on(REGIONAL_CONTROLS, day)
    if control is None or purpose in control.exempt_purposes:
        return None
    leaving = control_region(control, origin_province)
    arriving = control_region(control, destination_province)
    if leaving is None or arriving is None or leaving == arriving:
        return None
    return control, leaving, arriving


def check_movement(
    record: Movement,
    control: MovementControl | None,
    who: Principal,
    townships: Mapping[str, Any],
) -> list[Issue]:
    """Give the movement-control rules a movement breaks, unless an official overrides them."""
    broken = [i for i in (_region_issue(record),) if i is not None]
    if control is not None and (zone := _zone_issue(record, control)) is not None:
        broken.insert(0, zone)
    if not broken or record.override_reason is None:
        return broken
    info = townships.get(record.origin)
    township = getattr(info, "township", None)
    if who.role is Role.government and who.covers_premises(record.origin, township):
        return []
    return [
        *broken,
        Issue(
            "override_reason",
            "health.override_not_authorised",
            "只有起运地所在区域的政府令牌可以放行",
            "only a government token for the origin's region may override movement control",
        ),
    ]
