"""price_county_weeks: the collection points' weekly price sums by county, kept by the
price-quote and trade projections

Revision ID: 0009_price_weeks
Revises: 0008_svcperf
Create Date: 2026-12-04 19:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pigdata.projections.price_weeks import refresh_all

revision = "0009_price_weeks"
down_revision = "0008_svcperf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_county_weeks",
        sa.Column("item", sa.String(length=20), nullable=False),
        sa.Column("county", sa.String(length=6), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("plain", sa.Float(), nullable=False),
        sa.Column("head", sa.BigInteger(), nullable=False),
        sa.Column("weighted", sa.Float(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("pair_weight", sa.BigInteger(), nullable=False),
        sa.Column("pair_now", sa.Float(), nullable=False),
        sa.Column("pair_then", sa.Float(), nullable=False),
        sa.Column("pair_plain_now", sa.Float(), nullable=False),
        sa.Column("pair_plain_then", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("item", "county", "week", name=op.f("pk_price_county_weeks")),
    )
    # Stores made before this revision: the sums of the quotes and trades already projected.
    refresh_all(op.get_bind())


def downgrade() -> None:
    op.drop_table("price_county_weeks")
