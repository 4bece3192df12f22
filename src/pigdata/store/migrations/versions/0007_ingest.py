"""ledger entries found by an 8-byte digest prefix instead of a unique 32-byte digest

Revision ID: 0007_ingest
Revises: 0006_breeding
Create Date: 2026-11-25 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_ingest"
down_revision = "0006_breeding"
branch_labels = None
depends_on = None

_CHUNK = 10_000


def _fill_prefixes() -> None:
    # Existing entries get their prefix from the digest they already store.
    conn = op.get_bind()
    entries = sa.table(
        "ledger_entries",
        sa.column("seq", sa.BigInteger),
        sa.column("record_digest", sa.LargeBinary),
        sa.column("digest_prefix", sa.BigInteger),
    )
    rows = conn.execute(sa.select(entries.c.seq, entries.c.record_digest)).all()
    update = (
        entries.update()
        .where(entries.c.seq == sa.bindparam("entry_seq"))
        .values(digest_prefix=sa.bindparam("prefix"))
    )
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        conn.execute(
            update,
            [
                {"entry_seq": seq, "prefix": int.from_bytes(bytes(d)[:8], "big", signed=True)}
                for seq, d in chunk
            ],
        )


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_prefix", sa.BigInteger(), nullable=True))
    _fill_prefixes()
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.alter_column("digest_prefix", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_constraint(op.f("uq_ledger_entries_record_digest"), type_="unique")
        batch_op.create_index(
            op.f("ix_ledger_entries_digest_prefix"), ["digest_prefix"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_ledger_entries_digest_prefix"))
        batch_op.create_unique_constraint(
            op.f("uq_ledger_entries_record_digest"), ["record_digest"]
        )
        batch_op.drop_column("digest_prefix")
