"""market services: covering indexes for region price queries

Revision ID: 0005_market
Revises: 0004_stats
Create Date: 2026-11-25 03:35:00
"""

from __future__ import annotations

from alembic import op

revision = "0005_market"
down_revision = "0004_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_price_quotes_item_location_date",
        "price_quotes",
        ["item", "location", "date", "unit", "price"],
    )
    op.create_index("ix_trades_market_date", "trades", ["market", "date", "head_count"])


def downgrade() -> None:
    op.drop_index("ix_trades_market_date", table_name="trades")
    op.drop_index("ix_price_quotes_item_location_date", table_name="price_quotes")
