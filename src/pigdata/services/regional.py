"""What the regional statistics share: the nation as a region, code ranges, months.

A region is a division code of any level, or ``100000`` for the whole nation. Conditions on
a township column are written as a range (``code >= prefix AND code < next prefix``) rather
than LIKE so that both SQLite and PostgreSQL use the index on ``premises.township``.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata import errors
from pigdata.access.principal import Principal, Role, region_prefix
from pigdata.domain import regions
from pigdata.domain.records import PremisesType
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t

NATION = regions.NATION
NON_FARM_TYPES = tuple(kind.value for kind in PremisesType if kind is not PremisesType.farm)
NATION_NAME = "全国"


class InvalidQuery(errors.InvalidInput):
    """A query parameter breaks a rule; the text starts with the field's name."""

    title = "Invalid query"
    rule = "query.invalid"

    def __init__(
        self, zh: str, en: str | None = None, *, rule: str | None = None, **extra: Any
    ) -> None:
        # The services say a query's problem as one "field: 中文 / field: English" line.
        if en is None:
            zh, _, en = zh.partition(" / ")
        super().__init__(zh, en or zh, rule=rule, **extra)


@dataclass(frozen=True, slots=True)
class Region:
    """A region resolved: its code, display name and the prefix its divisions share."""

    code: str
    name: str
    prefix: str


def resolve(code: str) -> Region:
    """Give the region of a code (``100000`` is the nation); unknown codes raise."""
    if code == NATION:
        return Region(NATION, NATION_NAME, "")
    return Region(code, regions.full_name(code), region_prefix(code))


def township_in(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """Give an index-friendly condition that a township code starts with a prefix."""
    if not prefix:
        return sa.true()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < upper)


def farm_reports(conn: Connection, prefix: str, first: str, last: str) -> sa.ColumnElement[bool]:
    """Give the condition that a herd report is of a farm in a region, first to last month.

    A registration code starts with its county's code (the premises rule), so down to a
    county a range on the report's own premises column selects the region without joining
    the premises table; reports of the region's non-farm premises (few) are left out by a
    small subquery, and a township needs its farms' codes.

    SQLite (without STAT4) cannot weigh a code range against a month range, so there the
    path is chosen here: an expression on a column (`x || ''`) keeps the planner off its
    index. A region below a province, or a long period, reads the region's codes from the
    (premises, month, counts) index; a province or the nation over a few months reads
    those months from the month index. PostgreSQL's planner weighs both from its
    histograms, and an expression would only spoil its estimates.
    """
    h, p = t.herd_reports, t.premises
    code: sa.ColumnElement[str] = h.c.premises
    month: sa.ColumnElement[str] = h.c.month
    if conn.dialect.name == "sqlite":
        by_month = len(prefix) < 4 and month_span(first, last) <= 3
        code = h.c.premises + "" if by_month else h.c.premises
        month = h.c.month if by_month else h.c.month + ""
    months = sa.and_(month >= first, month <= last)
    if len(prefix) > 6:
        farms = sa.select(p.c.code).where(
            p.c.premises_type == "farm", township_in(p.c.township, prefix)
        )
        return sa.and_(h.c.premises.in_(farms), months)
    others = sa.select(p.c.code).where(
        p.c.premises_type.in_(NON_FARM_TYPES), township_in(p.c.township, prefix)
    )
    return sa.and_(township_in(code, prefix), h.c.premises.not_in(others), months)


def registered_on(day_first: date, day_last: date) -> sa.ColumnElement[bool]:
    """Give the condition that a premises was registered (open) during a period."""
    p = t.premises
    return sa.and_(
        sa.or_(p.c.opened.is_(None), p.c.opened <= day_last),
        sa.or_(p.c.closed.is_(None), p.c.closed >= day_first),
    )


def parse_month(text: str, field: str = "month") -> tuple[int, int]:
    """Give (year, month) of a YYYY-MM text, or raise InvalidQuery naming the field."""
    try:
        year, month = (int(part) for part in text.split("-"))
        if len(text) != 7 or not 1 <= month <= 12 or year < 1900:
            raise ValueError(text)
    except ValueError:
        raise InvalidQuery(
            f"{field}: 月份须为 YYYY-MM，收到 {text!r} / {field} must be a month YYYY-MM, "
            f"got {text!r}"
        ) from None
    return year, month


def month_bounds(month: str) -> tuple[date, date]:
    """Give the first and last day of a YYYY-MM month."""
    year, number = parse_month(month)
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


def shift_month(month: str, by: int) -> str:
    """Give the month ``by`` months after (or before, when negative) a YYYY-MM month."""
    year, number = parse_month(month)
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_span(first: str, last: str) -> int:
    """Give the number of months from first to last, inclusive."""
    (y1, m1), (y2, m2) = parse_month(first), parse_month(last)
    return (y2 - y1) * 12 + m2 - m1 + 1


def month_range(first: str, last: str) -> list[str]:
    """Give every month from first to last, inclusive (empty when last is before first)."""
    months: list[str] = []
    current = first
    while current <= last and len(months) < 1200:
        months.append(current)
        current = shift_month(current, 1)
    return months


def require_region_view(who: Principal, region: Region) -> None:
    """Refuse a principal that may not see figures of single farms in a region."""
    if who.role is Role.admin:
        return
    if who.role is Role.government and who.scope and region.prefix.startswith(who.region_prefix()):
        return
    raise Forbidden(who, f"{region.name}的农场数据", f"the farms' figures of {region.code}")
