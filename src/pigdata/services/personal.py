"""Personal data: who may see it, and erasing it on request (docs/access.md, PIPL).

A personal value (a carrier's or an owner's name, `pigdata.ledger.personal`) is shown to
whoever may see the records of a premises the entry names: an admin, a government whose
region holds one of them, the farm that is one of them. The public never sees one; a proof
bundle for the public carries the commitments only and still verifies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata import errors
from pigdata.access.principal import Principal, Role
from pigdata.domain.records import record_adapter
from pigdata.ingest.uploads import utc_now
from pigdata.ledger import personal
from pigdata.ledger.personal_store import plain_records
from pigdata.store import tables as t
from pigdata.store.engine import write_transaction

# Which projection column holds each personal field, so an erasure reaches it too.
_PROJECTED: dict[str, list[sa.Column[Any]]] = {
    "carrier": [t.movements.c.carrier],
    "owner": [t.premises.c.owner],
}
FIELDS = tuple(sorted(_PROJECTED))  # the API's ErasureRequest lists the same


def entitled(conn: Connection, who: Principal, seqs: Iterable[int]) -> list[int]:
    """Give the entries among these whose personal values this principal may see."""
    wanted = sorted(set(seqs))
    if who.role is Role.admin:
        return wanted
    if who.role is Role.public or not wanted:
        return []
    e = t.ledger_entries
    rows = conn.execute(sa.select(e.c.seq, e.c.entry).where(e.c.seq.in_(wanted))).all()
    named = {seq: _premises(body) for seq, body in plain_records(conn, [tuple(r) for r in rows])}
    townships = _townships(conn, {code for codes in named.values() for code in codes})
    return [
        seq
        for seq, codes in named.items()
        if any(who.covers_premises(code, townships.get(code)) for code in codes)
    ]


def _premises(body: dict[str, object]) -> tuple[str, ...]:
    # A correction names the premises of its replacement.
    return record_adapter.validate_python(body).premises_refs()


def _townships(conn: Connection, codes: set[str]) -> dict[str, str]:
    p = t.premises
    if not codes:
        return {}
    rows = conn.execute(sa.select(p.c.code, p.c.township).where(p.c.code.in_(sorted(codes))))
    return {row.code: row.township for row in rows}


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure request dropped."""

    field: str
    values_erased: int


def erase(engine: Engine, who: Principal, field: str, value: str) -> Erasure:
    """Drop every stored instance of one person's value of a personal field (admins only).

    The entries keep their commitments, so the ledger and every proof stay valid; the value
    and its salt are gone, and the projections read ERASED where the value was.
    """
    if who.role is not Role.admin:
        raise errors.Forbidden(
            f"{who.submitter} 无权删除个人信息", f"{who.submitter} may not erase personal data"
        )
    if field not in _PROJECTED:
        raise errors.InvalidInput(
            f"字段 {field} 不是个人信息字段（可用：{'、'.join(FIELDS)}）",
            f"field {field} is not a personal field (one of: {', '.join(FIELDS)})",
            rule="personal.field",
            field="field",
        )
    if not value.strip():
        raise errors.InvalidInput(
            "要删除的值为空", "the value to erase is empty", rule="personal.value", field="value"
        )
    return _erase(engine, who, field, value.strip())


def _erase(engine: Engine, who: Principal, field: str, value: str) -> Erasure:
    p = t.personal_values
    now = utc_now()
    matching = sa.and_(p.c.value == value, p.c.path.like(f"%.{field}"))
    entries = sa.select(p.c.seq).where(matching)
    cleared = {"value": None, "salt": None, "erased_at": now}
    with write_transaction(engine) as conn:
        for column in _PROJECTED[field]:
            table = column.table
            made_here = sa.and_(column == value, table.c.entry_seq.in_(entries))
            conn.execute(table.update().where(made_here).values({column.name: personal.ERASED}))
        # A signature over a record with this value would let a guess be tested: it goes too.
        signatures = sa.and_(p.c.path == personal.SIGNATURE_PATH, p.c.seq.in_(entries))
        conn.execute(p.update().where(signatures).values(**cleared))
        erased = conn.execute(p.update().where(matching).values(**cleared)).rowcount
        conn.execute(
            t.personal_erasures.insert().values(
                erased_at=now, requested_by=who.submitter, field=field, values_erased=erased
            )
        )
    return Erasure(field, erased)
