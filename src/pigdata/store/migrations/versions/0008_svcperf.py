"""herd_month_sums: herd-report sums by county and month, kept by the projection

Revision ID: 0008_svcperf
Revises: 0007_ingest
Create Date: 2026-11-25 04:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_svcperf"
down_revision = "0007_ingest"
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
        "herd_month_sums",
        sa.Column("county", sa.String(length=6), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("reports", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in HERD_COUNTS),
        sa.PrimaryKeyConstraint("county", "month", name=op.f("pk_herd_month_sums")),
    )
    # Stores made before this revision: the sums of the reports already projected.
    names = ", ".join(HERD_COUNTS)
    sums = ", ".join(f"SUM({name})" for name in HERD_COUNTS)
    op.execute(
        f"INSERT INTO herd_month_sums (county, month, reports, {names}) "
        f"SELECT substr(premises, 1, 6), month, COUNT(*), {sums} FROM herd_reports "
        f"GROUP BY substr(premises, 1, 6), month"
    )


def downgrade() -> None:
    op.drop_table("herd_month_sums")
