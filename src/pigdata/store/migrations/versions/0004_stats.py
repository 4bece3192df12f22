"""regional settings of the statistics services, and indexes for region queries

Revision ID: 0004_stats
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_stats"
down_revision = "0003"
branch_labels = None
depends_on = None

# The herd report's counts when this revision was written (`pigdata.domain.records.HERD_COUNTS`
# then): a migration keeps what it needs, so that a later change to the record cannot change
# what this revision does to a store.
HERD_COUNTS = (
    "breeding_sows",
    "replacement_gilts",
    "boars",
    "piglets",
    "finishers",
    "matings",
    "farrowings",
    "born_alive",
    "weaned",
    "deaths",
    "sold_for_slaughter",
    "moved_in",
    "moved_out",
)


def upgrade() -> None:
    op.create_table(
        "capacity_settings",
        sa.Column("region", sa.String(length=9), nullable=False),
        sa.Column("effective_month", sa.String(length=7), nullable=False),
        sa.Column("normal_holding", sa.Integer(), nullable=True),
        sa.Column("green_low", sa.Float(), nullable=True),
        sa.Column("green_high", sa.Float(), nullable=True),
        sa.Column("yellow_low", sa.Float(), nullable=True),
        sa.Column("yellow_high", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("set_by", sa.String(length=120), nullable=False),
        sa.Column("set_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("region", "effective_month", name=op.f("pk_capacity_settings")),
    )
    op.create_table(
        "farmland_settings",
        sa.Column("region", sa.String(length=9), nullable=False),
        sa.Column("hectares", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("set_by", sa.String(length=120), nullable=False),
        sa.Column("set_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("region", name=op.f("pk_farmland_settings")),
    )
    op.create_index(
        "ix_herd_reports_premises_month_counts",
        "herd_reports",
        ["premises", "month", *HERD_COUNTS],
    )
    op.create_index("ix_premises_premises_type_township", "premises", ["premises_type", "township"])


def downgrade() -> None:
    op.drop_index("ix_premises_premises_type_township", table_name="premises")
    op.drop_index("ix_herd_reports_premises_month_counts", table_name="herd_reports")
    op.drop_table("farmland_settings")
    op.drop_table("capacity_settings")
