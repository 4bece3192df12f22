"""api_tokens: an expiry, and the previous secret kept through a rotation's grace

Revision ID: 0010_token_lifetimes
Revises: 0009_price_weeks
Create Date: 2026-12-07 03:00:00.000000

Tokens made before this revision keep a null `expires_at`, which means they never expire:
an upgrade must not lock out the integrations that use them. `pigdata token list` shows
them as never expiring, and `pigdata token rotate NAME` gives one a lifetime.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_token_lifetimes"
down_revision = "0009_price_weeks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("previous_hash", sa.LargeBinary(length=32), nullable=True))
        batch_op.add_column(sa.Column("previous_until", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("rotated_at", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("previous_until")
        batch_op.drop_column("previous_hash")
        batch_op.drop_column("expires_at")
