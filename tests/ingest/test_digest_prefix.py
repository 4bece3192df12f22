"""Duplicates are found by an 8-byte digest prefix and told apart by the full digest.

A real SHA-256 prefix collision is out of reach, so the test makes the store look as it
would after one: a stored entry's indexed prefix is set to the prefix of another record's
digest. That other record must still be appended (it is new), and then found as a duplicate.
The migration test fills the prefixes of entries written before the column existed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import rfc8785
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.projections.audit import audit
from pigdata.store import tables as t
from pigdata.store.engine import make_engine
from pigdata.store.schema import _alembic_config, upgrade

from tests.builders import FARM_A, FARM_B, district, ingest, movement


def _prefix_of(record: dict[str, object]) -> int:
    # Worked out here, not by the pipeline: SHA-256 of the RFC 8785 bytes of the record as
    # stored (a movement's absent ear tags stored as an empty list), first 8 bytes.
    digest = hashlib.sha256(rfc8785.dumps({"ear_tags": [], **record})).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def test_records_sharing_a_digest_prefix_are_told_apart(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    first = movement("200100000001", FARM_A, FARM_B, "2024-05-01")
    second = movement("200100000002", FARM_A, FARM_B, "2024-05-01")
    assert ingest(engine, settings, [first]).accepted == 1
    e = t.ledger_entries
    with engine.begin() as conn:
        seq = conn.execute(sa.select(sa.func.max(e.c.seq))).scalar_one()
        conn.execute(e.update().where(e.c.seq == seq).values(digest_prefix=_prefix_of(second)))

    summary = ingest(engine, settings, [second])
    assert (summary.accepted, summary.duplicates) == (1, 0)
    again = ingest(engine, settings, [second, second])
    assert (again.accepted, again.duplicates) == (0, 2)
    with engine.connect() as conn:
        sharing = conn.execute(
            sa.select(sa.func.count()).where(e.c.digest_prefix == _prefix_of(second))
        ).scalar_one()
        movements = conn.execute(sa.select(sa.func.count()).select_from(t.movements)).scalar()
    assert sharing == 2
    assert movements == 2


def test_stored_prefix_is_the_digest_prefix(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, district())
    record = movement("200100000003", FARM_A, FARM_B, "2024-05-02")
    ingest(engine, settings, [record])
    e = t.ledger_entries
    with engine.connect() as conn:
        row = conn.execute(sa.select(e.c.record_digest, e.c.digest_prefix).order_by(e.c.seq.desc()))
        digest, prefix = row.first()  # type: ignore[misc]
    expected = {**record, "ear_tags": []}
    assert bytes(digest) == hashlib.sha256(rfc8785.dumps(expected)).digest()
    assert prefix == _prefix_of(record)


def test_migration_fills_prefixes_of_earlier_entries(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = _alembic_config()
    digests = [hashlib.sha256(b"entry %d" % n).digest() for n in range(3)]
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.exec_driver_sql(
            "INSERT INTO ledger_entries (seq, kind, entry, leaf_hash, record_digest, submitter, "
            "received_at) VALUES (?, 'movement', x'7b7d', ?, ?, 'admin', 'now')",
            [(n, bytes(32), d) for n, d in enumerate(digests)],
        )
    upgrade(engine)
    e = t.ledger_entries
    with engine.connect() as conn:
        rows = conn.execute(sa.select(e.c.seq, e.c.digest_prefix).order_by(e.c.seq)).all()
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("ledger_entries")}
        uniques = sa.inspect(conn).get_unique_constraints("ledger_entries")
    assert [p for _, p in rows] == [int.from_bytes(d[:8], "big", signed=True) for d in digests]
    assert "ix_ledger_entries_digest_prefix" in indexes
    assert uniques == []
    engine.dispose()


def test_the_audit_names_a_wrong_prefix_and_a_record_twice(
    engine: Engine, settings: Settings
) -> None:
    ingest(engine, settings, district())
    ingest(engine, settings, [movement("200100000004", FARM_A, FARM_B, "2024-05-03")])
    e = t.ledger_entries
    with engine.begin() as conn:
        last = conn.execute(sa.select(sa.func.max(e.c.seq))).scalar_one()
        conn.execute(e.update().where(e.c.seq == last).values(digest_prefix=12345))
        digest = conn.execute(sa.select(e.c.record_digest).where(e.c.seq == 0)).scalar_one()
        conn.execute(e.update().where(e.c.seq == 1).values(record_digest=digest))
    found = [f.describe() for f in audit(engine, None)]
    assert any(f.startswith(f"ledger_entries seq={last}") and "prefix" in f for f in found)
    assert any(f.startswith("ledger_entries seq=1") and "twice" in f for f in found)
