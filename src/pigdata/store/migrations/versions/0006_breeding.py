"""breeding: herdbook pedigrees and performance records

Revision ID: 0006_breeding
Revises: 0005_market
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_breeding"
down_revision = "0005_market"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "pedigree_animals",
        sa.Column("herdbook", sa.String(length=40), nullable=False),
        sa.Column("registry_id", sa.String(length=40), nullable=False),
        sa.Column("entry_seq", SEQ, nullable=False),
        sa.Column("sire", sa.String(length=40), nullable=True),
        sa.Column("dam", sa.String(length=40), nullable=True),
        sa.Column("sex", sa.String(length=12), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("breed", sa.String(length=200), nullable=True),
        sa.Column("herd", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("herdbook", "registry_id", name=op.f("pk_pedigree_animals")),
    )
    op.create_index(
        op.f("ix_pedigree_animals_entry_seq"), "pedigree_animals", ["entry_seq"], unique=False
    )
    op.create_index(op.f("ix_pedigree_animals_herd"), "pedigree_animals", ["herd"], unique=False)
    op.create_index(
        op.f("ix_pedigree_animals_registry_id"), "pedigree_animals", ["registry_id"], unique=False
    )
    op.create_table(
        "phenotypes",
        sa.Column("entry_seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("herdbook", sa.String(length=40), nullable=False),
        sa.Column("registry_id", sa.String(length=40), nullable=False),
        sa.Column("trait", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("contemporary_group", sa.String(length=60), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("entry_seq", name=op.f("pk_phenotypes")),
        sa.UniqueConstraint(
            "herdbook",
            "trait",
            "registry_id",
            name=op.f("uq_phenotypes_herdbook_trait_registry_id"),
        ),
    )
    op.create_index(op.f("ix_phenotypes_registry_id"), "phenotypes", ["registry_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_phenotypes_registry_id"), table_name="phenotypes")
    op.drop_table("phenotypes")
    op.drop_index(op.f("ix_pedigree_animals_registry_id"), table_name="pedigree_animals")
    op.drop_index(op.f("ix_pedigree_animals_herd"), table_name="pedigree_animals")
    op.drop_index(op.f("ix_pedigree_animals_entry_seq"), table_name="pedigree_animals")
    op.drop_table("pedigree_animals")
