"""Every table of the store, as SQLAlchemy Core metadata (the migrations mirror it).

Three groups: the ledger (append-only, the source of truth), the projections (rebuilt from
the ledger; each row remembers the entry that made it), and the node's own bookkeeping
(uploads, rejected rows, API tokens), which is not part of the ledger.
"""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.domain.records import HERD_COUNTS

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# --- ledger ----------------------------------------------------------------------------------

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("entry", sa.LargeBinary, nullable=False),
    sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("record_digest", sa.LargeBinary(32), nullable=False),
    # The digest's first 8 bytes as a signed integer, indexed instead of the 32-byte digest:
    # a third of the index to write per entry. Not unique (prefixes may collide); the write
    # path compares full digests under the ledger lock, so a record is never appended twice.
    sa.Column("digest_prefix", sa.BigInteger, nullable=False, index=True),
    sa.Column("submitter", sa.String(120), nullable=False),
    sa.Column("received_at", sa.String(32), nullable=False),
)

# Personal values of entries, kept beside the ledger (pigdata.ledger.personal): the entry
# holds a salted commitment in their place. An erasure clears value and salt and keeps the
# row, so that the audit knows the commitment is meant to be unanswerable.
personal_values = sa.Table(
    "personal_values",
    metadata,
    sa.Column("seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("path", sa.String(60), primary_key=True),
    sa.Column("salt", sa.LargeBinary(16)),
    sa.Column("value", sa.Text),
    sa.Column("erased_at", sa.String(32)),
)

# Erasure requests as carried out: when, by whom, which field and how many values (never
# the value itself, which is what was asked to be forgotten).
personal_erasures = sa.Table(
    "personal_erasures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("erased_at", sa.String(32), nullable=False),
    sa.Column("requested_by", sa.String(120), nullable=False),
    sa.Column("field", sa.String(60), nullable=False),
    sa.Column("values_erased", sa.Integer, nullable=False),
)

# The Merkle tree's hashes in tiles of up to 256 (see pigdata.ledger.tiles).
merkle_tiles = sa.Table(
    "merkle_tiles",
    metadata,
    sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("idx", SEQ, primary_key=True, autoincrement=False),
    sa.Column("hashes", sa.LargeBinary, nullable=False),
)

# Signed tree heads: one C2SP checkpoint per size the node has signed.
checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("size", SEQ, primary_key=True, autoincrement=False),
    sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("signed_at", sa.String(32), nullable=False),
)

# Witnesses' cosignatures (C2SP tlog-cosignature) of the node's checkpoints.
cosignatures = sa.Table(
    "cosignatures",
    metadata,
    sa.Column(
        "size", SEQ, sa.ForeignKey("checkpoints.size"), primary_key=True, autoincrement=False
    ),
    sa.Column("witness", sa.String(120), primary_key=True),
    sa.Column("key_id", sa.String(8), nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
    sa.Column("line", sa.Text, nullable=False),
)

# One row: the number of entries. Writers update it first, which serialises them on
# PostgreSQL (row lock) as BEGIN IMMEDIATE does on SQLite.
ledger_head = sa.Table(
    "ledger_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", SEQ, nullable=False),
)

# --- projections -----------------------------------------------------------------------------

premises = sa.Table(
    "premises",
    metadata,
    sa.Column("code", sa.String(10), primary_key=True),
    sa.Column("entry_seq", SEQ, nullable=False, index=True),
    sa.Column("premises_type", sa.String(24), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("township", sa.String(9), nullable=False, index=True),
    sa.Column("latitude", sa.Float, nullable=False),
    sa.Column("longitude", sa.Float, nullable=False),
    sa.Column("capacity_sows", sa.Integer, nullable=False),
    sa.Column("capacity_finishing", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("opened", sa.Date),
    sa.Column("closed", sa.Date),
    sa.Column("signing_key", sa.String(200)),
)

animals = sa.Table(
    "animals",
    metadata,
    sa.Column("ear_tag", sa.String(15), primary_key=True),
    sa.Column("entry_seq", SEQ, nullable=False, index=True),
    sa.Column("species", sa.String(12), nullable=False),
    sa.Column("breed", sa.String(200), nullable=False),
    sa.Column("sex", sa.String(12), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("birth_premises", sa.String(10), nullable=False, index=True),
    sa.Column("sire", sa.String(15)),
    sa.Column("dam", sa.String(15)),
)


herd_reports = sa.Table(
    "herd_reports",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("premises", sa.String(10), nullable=False),
    sa.Column("month", sa.String(7), nullable=False, index=True),
    *(sa.Column(name, sa.Integer, nullable=False) for name in HERD_COUNTS),
    sa.Column("feed_used_kg", sa.Float),
    sa.UniqueConstraint("premises", "month"),
)

movements = sa.Table(
    "movements",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("certificate_no", sa.String(24), nullable=False, unique=True),
    sa.Column("certificate_type", sa.String(1), nullable=False),
    sa.Column("issue_date", sa.Date, nullable=False, index=True),
    sa.Column("origin", sa.String(10), nullable=False, index=True),
    sa.Column("destination", sa.String(10), nullable=False, index=True),
    sa.Column("head_count", sa.Integer, nullable=False),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("vehicle_plate", sa.String(10), nullable=False),
    sa.Column("carrier", sa.String(200), nullable=False),
)

# Keyed by ear tag first (tracing looks tags up); SQLite stores it without a rowid b-tree.
movement_tags = sa.Table(
    "movement_tags",
    metadata,
    sa.Column("ear_tag", sa.String(15), primary_key=True),
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False, index=True),
    sqlite_with_rowid=False,
)

trades = sa.Table(
    "trades",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("market", sa.String(10), nullable=False, index=True),
    sa.Column("date", sa.Date, nullable=False, index=True),
    sa.Column("head_count", sa.Integer, nullable=False),
    sa.Column("avg_weight_kg", sa.Float, nullable=False),
    sa.Column("avg_price", sa.Float, nullable=False),
    sa.Column("seller", sa.String(10)),
    sa.Column("buyer", sa.String(10)),
)

slaughters = sa.Table(
    "slaughters",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("slaughterhouse", sa.String(10), nullable=False, index=True),
    sa.Column("date", sa.Date, nullable=False, index=True),
    sa.Column("head_count", sa.Integer, nullable=False),
    sa.Column("carcass_weight_kg", sa.Float, nullable=False),
)

slaughter_tags = sa.Table(
    "slaughter_tags",
    metadata,
    sa.Column("ear_tag", sa.String(15), primary_key=True),
    sa.Column("entry_seq", SEQ, nullable=False, index=True),
    sqlite_with_rowid=False,
)

price_quotes = sa.Table(
    "price_quotes",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("location", sa.String(10), nullable=False, index=True),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("item", sa.String(20), nullable=False),
    sa.Column("price", sa.Float, nullable=False),
    sa.Column("unit", sa.String(12), nullable=False),
    sa.Index(None, "item", "date"),
)

outbreak_reports = sa.Table(
    "outbreak_reports",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("outbreak_id", sa.String(40), nullable=False, index=True),
    sa.Column("premises", sa.String(10), nullable=False, index=True),
    sa.Column("disease", sa.String(40), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("report_date", sa.Date, nullable=False),
    sa.Column("onset_date", sa.Date),
    sa.Column("confirmed_date", sa.Date),
    sa.Column("last_culling_date", sa.Date),
    sa.Column("resolved_date", sa.Date),
    sa.Column("culled", sa.Integer, nullable=False),
)

corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("supersedes", SEQ, nullable=False, unique=True),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("has_replacement", sa.Boolean, nullable=False),
)

# The tables that `pigdata rebuild` empties and fills again from the ledger.
PROJECTION_TABLES: tuple[sa.Table, ...] = (
    premises,
    animals,
    herd_reports,
    movements,
    movement_tags,
    trades,
    slaughters,
    slaughter_tags,
    price_quotes,
    outbreak_reports,
    corrections,
)

# --- the node's bookkeeping ------------------------------------------------------------------

uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("filename", sa.String(500), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("submitter", sa.String(120), nullable=False),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("accepted", sa.Integer, nullable=False, default=0),
    sa.Column("rejected", sa.Integer, nullable=False, default=0),
    sa.Column("duplicates", sa.Integer, nullable=False, default=0),
    sa.Column("error", sa.Text),  # why the run ended early; None when it completed
)

rejects = sa.Table(
    "rejects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False, index=True),
    sa.Column("row_no", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32)),
    sa.Column("field", sa.String(100), nullable=False),
    sa.Column("rule", sa.String(100), nullable=False),
    sa.Column("message_zh", sa.Text, nullable=False),
    sa.Column("message_en", sa.Text, nullable=False),
    sa.Column("issues", sa.Text, nullable=False),
    sa.Column("raw", sa.Text, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("scope", sa.String(10)),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
    # Null: never expires (tokens made before lifetimes existed, migration 0010).
    sa.Column("expires_at", sa.String(32)),
    # The secret replaced by the last rotation, still taken until `previous_until`.
    sa.Column("previous_hash", sa.LargeBinary(32)),
    sa.Column("previous_until", sa.String(32)),
    sa.Column("rotated_at", sa.String(32)),
)

# --- regional settings of government services -----------------------------------------------
# A region's own capacity-regulation figures (normal holding, zone bands), set by an admin or
# a government of the region, each version kept with the month it takes effect from. These
# are settings of the node, not records of the chain, so they are not in the ledger.
capacity_settings = sa.Table(
    "capacity_settings",
    metadata,
    sa.Column("region", sa.String(9), primary_key=True),
    sa.Column("effective_month", sa.String(7), primary_key=True),
    sa.Column("normal_holding", sa.Integer),
    sa.Column("green_low", sa.Float),
    sa.Column("green_high", sa.Float),
    sa.Column("yellow_low", sa.Float),
    sa.Column("yellow_high", sa.Float),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("set_by", sa.String(120), nullable=False),
    sa.Column("set_at", sa.String(32), nullable=False),
)

# A region's farmland (hectares) for the manure load per hectare, with its source.
farmland_settings = sa.Table(
    "farmland_settings",
    metadata,
    sa.Column("region", sa.String(9), primary_key=True),
    sa.Column("hectares", sa.Float, nullable=False),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("set_by", sa.String(120), nullable=False),
    sa.Column("set_at", sa.String(32), nullable=False),
)

# Regional statistics sum the counts of a region's farms (a range of farm codes) over months.
# With every count in the index the reports' scattered rows are not read: one region's
# reports lie side by side in it (an index-only range scan), at the cost of a second copy.
sa.Index("ix_herd_reports_premises_month_counts", herd_reports.c.premises, herd_reports.c.month,
         *(herd_reports.c[name] for name in HERD_COUNTS))  # fmt: skip

# The non-farm premises of a region, which regional herd statistics leave out.
sa.Index("ix_premises_premises_type_township", premises.c.premises_type, premises.c.township)
# --- market services -------------------------------------------------------------------------

# Region queries read a code range (a division's prefix) of one item, grouped by place and
# day: this index covers them, so neither backend touches the table itself.
sa.Index(
    "ix_price_quotes_item_location_date",
    price_quotes.c.item,
    price_quotes.c.location,
    price_quotes.c.date,
    price_quotes.c.unit,
    price_quotes.c.price,
)
# Head traded per market and day, the weights of the collection points.
sa.Index("ix_trades_market_date", trades.c.market, trades.c.date, trades.c.head_count)
# --- breeding: herdbook pedigrees and performance records (projections) ----------------------

pedigree_animals = sa.Table(
    "pedigree_animals",
    metadata,
    sa.Column("herdbook", sa.String(40), primary_key=True),  # "" for the node's own herdbook
    sa.Column("registry_id", sa.String(40), primary_key=True, index=True),
    sa.Column("entry_seq", SEQ, nullable=False, index=True),
    sa.Column("sire", sa.String(40)),
    sa.Column("dam", sa.String(40)),
    sa.Column("sex", sa.String(12)),
    sa.Column("birth_date", sa.Date),
    sa.Column("birth_year", sa.Integer),
    sa.Column("breed", sa.String(200)),
    sa.Column("herd", sa.String(10), index=True),
)

phenotypes = sa.Table(
    "phenotypes",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("herdbook", sa.String(40), nullable=False),
    sa.Column("registry_id", sa.String(40), nullable=False, index=True),
    sa.Column("trait", sa.String(40), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("contemporary_group", sa.String(60)),
    sa.Column("date", sa.Date),
    sa.UniqueConstraint("herdbook", "trait", "registry_id"),
)

PROJECTION_TABLES = (*PROJECTION_TABLES, pedigree_animals, phenotypes)

# --- import breeding-pig quarantine station (projections) -----------------------------------

quarantine_batches = sa.Table(
    "quarantine_batches",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("batch_id", sa.String(40), nullable=False, unique=True),
    sa.Column("station", sa.String(10), nullable=False, index=True),
    sa.Column("origin_country", sa.String(2), nullable=False),
    sa.Column("origin_farm", sa.String(200), nullable=False),
    sa.Column("breed", sa.String(200), nullable=False),
    sa.Column("herdbook", sa.String(40), nullable=False),
    sa.Column("head_count", sa.Integer, nullable=False),
    sa.Column("foreign_ids", sa.Text, nullable=False),  # separated by ";"
    sa.Column("import_permit", sa.String(40), nullable=False),
    sa.Column("arrival_date", sa.Date, nullable=False),
    sa.Column("pens", sa.Text, nullable=False),  # separated by ";"
)

quarantine_tests = sa.Table(
    "quarantine_tests",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("batch_id", sa.String(40), nullable=False, index=True),
    sa.Column("station", sa.String(10), nullable=False),
    sa.Column("sample_date", sa.Date, nullable=False),
    sa.Column("disease", sa.String(40), nullable=False),
    sa.Column("method", sa.String(200), nullable=False),
    sa.Column("result", sa.String(12), nullable=False),
    sa.Column("samples", sa.Integer, nullable=False),
)

quarantine_decisions = sa.Table(
    "quarantine_decisions",
    metadata,
    sa.Column("entry_seq", SEQ, primary_key=True, autoincrement=False),
    sa.Column("batch_id", sa.String(40), nullable=False, unique=True),
    sa.Column("station", sa.String(10), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("outcome", sa.String(12), nullable=False),
    sa.Column("head_released", sa.Integer, nullable=False),
    sa.Column("reason", sa.String(200)),
)

quarantine_releases = sa.Table(
    "quarantine_releases",
    metadata,
    sa.Column("certificate_no", sa.String(24), primary_key=True),
    sa.Column("entry_seq", SEQ, nullable=False, index=True),
    sa.Column("station", sa.String(10), nullable=False),
    sa.Column("destination", sa.String(10), nullable=False),
    sa.Column("head_count", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
)

PROJECTION_TABLES = (
    *PROJECTION_TABLES,
    quarantine_batches,
    quarantine_tests,
    quarantine_decisions,
    quarantine_releases,
)

# Sums of the herd reports of each county (the first six digits of the farm's code) and month,
# kept by the herd-report projection in the same transaction, so that a region query reads a
# few hundred rows instead of every farm's report. Reports of non-farm premises are in the
# sums too; the services take the (few) of them in a region back out.
herd_month_sums = sa.Table(
    "herd_month_sums",
    metadata,
    sa.Column("county", sa.String(6), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("reports", sa.BigInteger, nullable=False),
    *(sa.Column(name, sa.BigInteger, nullable=False) for name in HERD_COUNTS),
)

PROJECTION_TABLES = (*PROJECTION_TABLES, herd_month_sums)

# Weekly sums of the collection points' prices in each county (the first six digits of the
# point's premises code), kept by the price-quote and trade projections in the same
# transaction, so that a region's price index and warnings read a row per county and week
# instead of one per point and week (pigdata.projections.price_weeks). `pairs` and the
# pair_ columns sum over the points quoted in this week and in the calendar week before it,
# the matched sample of the chain link (docs/methodology/price-index.md).
price_county_weeks = sa.Table(
    "price_county_weeks",
    metadata,
    sa.Column("item", sa.String(20), primary_key=True),
    sa.Column("county", sa.String(6), primary_key=True),
    sa.Column("week", sa.Date, primary_key=True),  # the Sunday ending the week
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("plain", sa.Float, nullable=False),  # Σ point mean price, yuan/kg
    sa.Column("head", sa.BigInteger, nullable=False),  # Σ head traded at the points
    sa.Column("weighted", sa.Float, nullable=False),  # Σ mean × head
    sa.Column("pairs", sa.Integer, nullable=False),
    sa.Column("pair_weight", sa.BigInteger, nullable=False),  # Σ head of both weeks
    sa.Column("pair_now", sa.Float, nullable=False),  # Σ weight × mean this week
    sa.Column("pair_then", sa.Float, nullable=False),  # Σ weight × mean the week before
    sa.Column("pair_plain_now", sa.Float, nullable=False),
    sa.Column("pair_plain_then", sa.Float, nullable=False),
)

PROJECTION_TABLES = (*PROJECTION_TABLES, price_county_weeks)
