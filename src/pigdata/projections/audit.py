"""The full audit of a store: the ledger's own checks (`pigdata.ledger.audit`), then every
projection row against a replay of the ledger. It lives here, above the ledger, because the
replay needs the projections; the ledger knows nothing of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata.ledger.audit import Finding, check_ledger
from pigdata.ledger.keys import VerifierKey
from pigdata.projections.rebuild import replay_ledger
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction


def audit(
    engine: Engine, verifier: VerifierKey | None, on_step: Callable[[str], None] | None = None
) -> list[Finding]:
    """Give every finding of a full audit; an empty list means the store is intact."""
    step = on_step or (lambda _: None)
    with engine.connect() as conn:
        findings = check_ledger(conn, verifier, step)
    step("projections")
    return findings + check_projections(engine)


def check_projections(engine: Engine) -> list[Finding]:
    """Rebuild the projections from the ledger inside a transaction that is rolled back, and
    name every row that differs from what is stored."""
    findings: list[Finding] = []
    with write_transaction(engine) as conn:
        actual = {table.name: _snapshot(conn, table) for table in t.PROJECTION_TABLES}
        savepoint = conn.begin_nested()
        replay_ledger(conn)
        for table in t.PROJECTION_TABLES:
            findings += _compare(table, actual[table.name], _snapshot(conn, table))
        savepoint.rollback()
    return findings


def _snapshot(conn: Connection, table: sa.Table) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    keys = [c.name for c in table.primary_key.columns]
    rows = {}
    for row in conn.execute(sa.select(table)):
        mapping = row._mapping
        rows[tuple(mapping[k] for k in keys)] = tuple(row)
    return rows


def _compare(
    table: sa.Table,
    actual: dict[tuple[Any, ...], tuple[Any, ...]],
    expected: dict[tuple[Any, ...], tuple[Any, ...]],
) -> list[Finding]:
    keys = ",".join(c.name for c in table.primary_key.columns)
    found = []
    for key in sorted(set(actual) | set(expected), key=repr):
        where = f"{table.name} ({keys})={key if len(key) > 1 else key[0]}"
        if key not in expected:
            found.append(Finding(where, "账本中没有这一行", "row not made by any ledger entry"))
        elif key not in actual:
            found.append(Finding(where, "这一行被删除了", "row made by the ledger is missing"))
        elif actual[key] != expected[key]:
            changed = [
                c.name
                for c, a, b in zip(table.columns, actual[key], expected[key], strict=True)
                if a != b
            ]
            found.append(
                Finding(
                    where,
                    f"字段被改动：{', '.join(changed)}",
                    f"changed outside the pipeline: {', '.join(changed)}",
                )
            )
    return found
