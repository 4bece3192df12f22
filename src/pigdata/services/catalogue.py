"""Reading the projections: premises, animals, herd reports, movements, trades, slaughter,
price quotes and outbreaks, each narrowed to what the principal may see."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role, region_prefix
from pigdata.services.scope import (
    Forbidden,
    premises_column_visible,
    premises_condition,
    require_records_access,
)
from pigdata.store import tables as t

MAX_LIMIT = 1000


def _rows(conn: Connection, query: sa.Select[Any]) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(query)]


def _page(
    query: sa.Select[Any], key: sa.ColumnElement[Any], after: Any, limit: int
) -> sa.Select[Any]:
    if after is not None:
        query = query.where(key > after)
    return query.order_by(key).limit(max(1, min(limit, MAX_LIMIT)))


def list_premises(
    conn: Connection,
    who: Principal,
    *,
    region: str | None = None,
    premises_type: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give premises the principal may see, optionally inside a region and of one type."""
    require_records_access(who)
    p = t.premises
    query = sa.select(p).where(premises_condition(who))
    if region:
        query = query.where(p.c.township.startswith(region_prefix(region)))
    if premises_type:
        query = query.where(p.c.premises_type == premises_type)
    return _rows(conn, _page(query, p.c.code, after, limit))


def get_premises(conn: Connection, who: Principal, code: str) -> dict[str, Any] | None:
    """Give one premises, or None if absent; refuse one outside the principal's view."""
    require_records_access(who)
    p = t.premises
    row = conn.execute(sa.select(p).where(p.c.code == code)).first()
    if row is None:
        return None
    if (
        conn.execute(sa.select(p.c.code).where(p.c.code == code, premises_condition(who))).first()
        is None
    ):
        raise Forbidden(who, f"场所 {code}", f"premises {code}")
    return dict(row._mapping)


def get_animal(conn: Connection, who: Principal, ear_tag: str) -> dict[str, Any] | None:
    """Give one animal, or None; refuse one born outside the principal's view."""
    require_records_access(who)
    a = t.animals
    row = conn.execute(sa.select(a).where(a.c.ear_tag == ear_tag)).first()
    if row is None:
        return None
    visible = premises_column_visible(a.c.birth_premises, who)
    if conn.execute(sa.select(a.c.ear_tag).where(a.c.ear_tag == ear_tag, visible)).first() is None:
        raise Forbidden(who, f"动物 {ear_tag}", f"animal {ear_tag}")
    return dict(row._mapping)


def _event_query(
    table: sa.Table,
    premises_columns: tuple[str, ...],
    who: Principal,
    premises: str | None,
) -> sa.Select[Any]:
    require_records_access(who)
    columns = [table.c[name] for name in premises_columns]
    query = sa.select(table).where(sa.or_(*(premises_column_visible(c, who) for c in columns)))
    if premises:
        query = query.where(sa.or_(*(c == premises for c in columns)))
    return query


def _dated(
    query: sa.Select[Any], column: sa.ColumnElement[Any], since: date | None, until: date | None
) -> sa.Select[Any]:
    if since:
        query = query.where(column >= since)
    if until:
        query = query.where(column <= until)
    return query


def list_movements(
    conn: Connection,
    who: Principal,
    *,
    premises: str | None = None,
    since: date | None = None,
    until: date | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give movements from or to premises the principal may see, with their ear tags."""
    m = t.movements
    query = _event_query(m, ("origin", "destination"), who, premises)
    rows = _rows(
        conn, _page(_dated(query, m.c.issue_date, since, until), m.c.entry_seq, after, limit)
    )
    tags: dict[int, list[str]] = {row["entry_seq"]: [] for row in rows}
    if tags:
        mt = t.movement_tags
        found = conn.execute(
            sa.select(mt.c.entry_seq, mt.c.ear_tag)
            .where(mt.c.entry_seq.in_(list(tags)))
            .order_by(mt.c.entry_seq, mt.c.ear_tag)
        )
        for seq, tag in found:
            tags[seq].append(tag)
    for row in rows:
        row["ear_tags"] = tags[row["entry_seq"]]
    return rows


def list_herd_reports(
    conn: Connection,
    who: Principal,
    *,
    premises: str | None = None,
    month: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give monthly herd reports of premises the principal may see."""
    h = t.herd_reports
    query = _event_query(h, ("premises",), who, premises)
    if month:
        query = query.where(h.c.month == month)
    return _rows(conn, _page(query, h.c.entry_seq, after, limit))


def list_trades(
    conn: Connection,
    who: Principal,
    *,
    premises: str | None = None,
    since: date | None = None,
    until: date | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give market trades the principal may see (by market, seller or buyer)."""
    tr = t.trades
    query = _event_query(tr, ("market", "seller", "buyer"), who, premises)
    return _rows(conn, _page(_dated(query, tr.c.date, since, until), tr.c.entry_seq, after, limit))


def list_slaughters(
    conn: Connection,
    who: Principal,
    *,
    premises: str | None = None,
    since: date | None = None,
    until: date | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give slaughter records of slaughterhouses the principal may see."""
    s = t.slaughters
    query = _event_query(s, ("slaughterhouse",), who, premises)
    return _rows(conn, _page(_dated(query, s.c.date, since, until), s.c.entry_seq, after, limit))


def list_outbreak_reports(
    conn: Connection,
    who: Principal,
    *,
    premises: str | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give outbreak reports of premises the principal may see."""
    o = t.outbreak_reports
    query = _event_query(o, ("premises",), who, premises)
    return _rows(conn, _page(query, o.c.entry_seq, after, limit))


def list_price_quotes(
    conn: Connection,
    who: Principal,
    *,
    item: str | None = None,
    location: str | None = None,
    since: date | None = None,
    until: date | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Give price quotes at divisions and premises the principal may see."""
    require_records_access(who)
    q = t.price_quotes
    query = sa.select(q)
    if who.role is Role.farm:
        query = query.where(q.c.location == who.scope)
    elif who.role is Role.government:
        query = query.where(
            sa.or_(
                q.c.location.startswith(who.region_prefix()),
                premises_column_visible(q.c.location, who),
            )
        )
    if item:
        query = query.where(q.c.item == item)
    if location:
        query = query.where(q.c.location == location)
    return _rows(conn, _page(_dated(query, q.c.date, since, until), q.c.entry_seq, after, limit))
