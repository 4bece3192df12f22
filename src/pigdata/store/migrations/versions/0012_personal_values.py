"""personal_values and personal_erasures: personal data kept beside the ledger

Revision ID: 0012_personal_values
Revises: 0011_upload_errors
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_personal_values"
down_revision = "0011_upload_errors"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "personal_values",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("path", sa.String(length=60), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=16), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("erased_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("seq", "path", name=op.f("pk_personal_values")),
    )
    op.create_table(
        "personal_erasures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("erased_at", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("values_erased", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_erasures")),
    )


def downgrade() -> None:
    op.drop_table("personal_erasures")
    op.drop_table("personal_values")
