"""uploads.error: why an ingest run ended before the end of its file

Revision ID: 0011_upload_errors
Revises: 0009_price_weeks
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_upload_errors"
down_revision = "0010_token_lifetimes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("error")
