"""quarantine_batches, quarantine_tests, quarantine_decisions, quarantine_releases

Revision ID: 0013
Revises: 0012_personal_values
Create Date: 2026-12-07 17:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012_personal_values"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "quarantine_batches",
        sa.Column("entry_seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("station", sa.String(length=10), nullable=False),
        sa.Column("origin_country", sa.String(length=2), nullable=False),
        sa.Column("origin_farm", sa.String(length=200), nullable=False),
        sa.Column("breed", sa.String(length=200), nullable=False),
        sa.Column("herdbook", sa.String(length=40), nullable=False),
        sa.Column("head_count", sa.Integer(), nullable=False),
        sa.Column("foreign_ids", sa.Text(), nullable=False),
        sa.Column("import_permit", sa.String(length=40), nullable=False),
        sa.Column("arrival_date", sa.Date(), nullable=False),
        sa.Column("pens", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entry_seq", name=op.f("pk_quarantine_batches")),
        sa.UniqueConstraint("batch_id", name=op.f("uq_quarantine_batches_batch_id")),
    )
    op.create_index(
        op.f("ix_quarantine_batches_station"), "quarantine_batches", ["station"], unique=False
    )
    op.create_table(
        "quarantine_tests",
        sa.Column("entry_seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("station", sa.String(length=10), nullable=False),
        sa.Column("sample_date", sa.Date(), nullable=False),
        sa.Column("disease", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entry_seq", name=op.f("pk_quarantine_tests")),
    )
    op.create_index(
        op.f("ix_quarantine_tests_batch_id"), "quarantine_tests", ["batch_id"], unique=False
    )
    op.create_table(
        "quarantine_decisions",
        sa.Column("entry_seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("station", sa.String(length=10), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("head_released", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("entry_seq", name=op.f("pk_quarantine_decisions")),
        sa.UniqueConstraint("batch_id", name=op.f("uq_quarantine_decisions_batch_id")),
    )
    op.create_table(
        "quarantine_releases",
        sa.Column("certificate_no", sa.String(length=24), nullable=False),
        sa.Column("entry_seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("station", sa.String(length=10), nullable=False),
        sa.Column("destination", sa.String(length=10), nullable=False),
        sa.Column("head_count", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("certificate_no", name=op.f("pk_quarantine_releases")),
    )
    op.create_index(
        op.f("ix_quarantine_releases_entry_seq"),
        "quarantine_releases",
        ["entry_seq"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("quarantine_releases")
    op.drop_table("quarantine_decisions")
    op.drop_table("quarantine_tests")
    op.drop_table("quarantine_batches")
