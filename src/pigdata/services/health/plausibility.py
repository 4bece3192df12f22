"""Plausibility checks of a month, as Denmark's authority runs them on its herd register.

For each farm and month, the pigs moved in and out under quarantine certificates are set
against what the farm reported, and the reported herd against last month's herd plus births
and moves in, less deaths and moves out:

- `plausibility.moves_in`: certified arrivals vs the report's `moved_in`;
- `plausibility.moves_out`: certified departures vs `moved_out + sold_for_slaughter`;
- `plausibility.herd_balance`: reported herd (all five inventory categories) vs last month's
  reported herd + `born_alive` + certified arrivals − certified departures − `deaths`
  (only when last month was reported);
- `plausibility.no_report`: certificates name a farm that sent no report for the month.

A difference is listed when it exceeds both the rule's head tolerance and its share of the
larger figure (`PLAUSIBILITY_RULES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal
from pigdata.domain.health_rules import PLAUSIBILITY_RULES, PlausibilityRule, rule_on
from pigdata.services.scope import premises_condition
from pigdata.store import tables as t

INVENTORY = ("breeding_sows", "replacement_gilts", "boars", "piglets", "finishers")


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One figure of one farm's month that does not add up, for follow-up."""

    premises: str
    month: str
    rule: str
    reported: int
    expected: int

    @property
    def difference(self) -> int:
        return self.reported - self.expected


def _month_bounds(month: str) -> tuple[date, date, str]:
    start = date.fromisoformat(month + "-01")
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    previous = date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
    return start, following, previous.isoformat()[:7]


def _certified(conn: Connection, column: str, start: date, end: date) -> dict[str, int]:
    m = t.movements
    key = m.c[column]
    query = (
        sa.select(key, sa.func.sum(m.c.head_count))
        .where(m.c.issue_date >= start, m.c.issue_date < end)
        .group_by(key)
    )
    return {str(code): int(heads) for code, heads in conn.execute(query)}


def _reports(conn: Connection, month: str, visible: sa.ColumnElement[bool]) -> dict[str, Any]:
    h = t.herd_reports
    inside = h.c.premises.in_(sa.select(t.premises.c.code).where(visible))
    rows = conn.execute(sa.select(h).where(h.c.month == month, inside)).mappings()
    return {row["premises"]: row for row in rows}


def _exceeds(rule: PlausibilityRule, reported: int, expected: int) -> bool:
    gap = abs(reported - expected)
    return gap > rule.tolerance_head and gap > rule.tolerance_share * max(reported, expected)


def _farms_without_report(
    conn: Connection, month: str, codes: set[str], visible: sa.ColumnElement[bool]
) -> list[str]:
    p = t.premises
    query = sa.select(p.c.code).where(visible, p.c.premises_type == "farm")
    farms = {str(c) for (c,) in conn.execute(query)}
    return sorted(codes & farms)


def check_month(conn: Connection, who: Principal, month: str) -> list[Mismatch]:
    """Give the mismatches of a month (YYYY-MM) among the farms the principal may see."""
    start, end, previous = _month_bounds(month)
    rule = rule_on(PLAUSIBILITY_RULES, start) or PLAUSIBILITY_RULES[0]
    visible = premises_condition(who)
    arrived = _certified(conn, "destination", start, end)
    left = _certified(conn, "origin", start, end)
    reports = _reports(conn, month, visible)
    before = _reports(conn, previous, visible)
    found: list[Mismatch] = []
    for code, r in reports.items():
        came, went = arrived.get(code, 0), left.get(code, 0)
        checks = [
            ("plausibility.moves_in", r["moved_in"], came),
            ("plausibility.moves_out", r["moved_out"] + r["sold_for_slaughter"], went),
        ]
        if code in before:
            herd = sum(int(r[c]) for c in INVENTORY)
            last = sum(int(before[code][c]) for c in INVENTORY)
            balance = last + r["born_alive"] + came - went - r["deaths"]
            checks.append(("plausibility.herd_balance", herd, balance))
        found += [
            Mismatch(code, month, name, int(got), int(want))
            for name, got, want in checks
            if _exceeds(rule, int(got), int(want))
        ]
    silent = _farms_without_report(conn, month, (set(arrived) | set(left)) - set(reports), visible)
    found += [
        Mismatch(code, month, "plausibility.no_report", 0, arrived.get(code, 0) + left.get(code, 0))
        for code in silent
    ]
    return sorted(found, key=lambda m: (-abs(m.difference), m.premises, m.rule))
