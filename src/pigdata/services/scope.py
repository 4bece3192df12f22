"""SQL conditions for what a principal may see: rows of premises inside its view."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pigdata import errors
from pigdata.access.principal import Principal, Role
from pigdata.store import tables as t


class Forbidden(errors.Forbidden):
    """The principal may not see what it asked for."""

    def __init__(self, who: Principal, what_zh: str, what_en: str) -> None:
        super().__init__(
            f"{who.submitter} 无权查看{what_zh}", f"{who.submitter} may not see {what_en}"
        )


def visible_premises() -> sa.Select[tuple[str]]:
    """Give a SELECT of every premises code (to be narrowed by `premises_condition`)."""
    return sa.select(t.premises.c.code)


def premises_condition(who: Principal) -> sa.ColumnElement[bool]:
    """Give the condition on `premises` rows that a principal may see."""
    p = t.premises
    if who.role is Role.admin:
        return sa.true()
    if who.role is Role.farm:
        return p.c.code == who.scope
    if who.role is Role.government:
        return p.c.township.startswith(who.region_prefix())
    return sa.false()


def premises_column_visible(
    column: sa.ColumnElement[Any], who: Principal
) -> sa.ColumnElement[bool]:
    """Give a condition that a column naming a premises names one the principal may see."""
    if who.role is Role.admin:
        return sa.true()
    if who.role is Role.public:
        return sa.false()
    return column.in_(sa.select(t.premises.c.code).where(premises_condition(who)))


def require_records_access(who: Principal) -> None:
    """Refuse a principal that sees aggregates only."""
    if who.role is Role.public:
        raise Forbidden(who, "单条记录", "individual records")
