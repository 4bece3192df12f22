"""The one Settings object: every knob of a node, read from PIGDATA_* environment variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_LIFETIME_DAYS = 90


class Settings(BaseSettings):
    """Configuration of one pigdata node."""

    model_config = SettingsConfigDict(env_prefix="PIGDATA_", frozen=True)

    database_url: str = Field(
        default="sqlite:///./pigdata.db",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://... when served",
    )
    archive_dir: Path = Field(
        default=Path("./pigdata-archive"),
        description="Raw uploads, stored by their SHA-256",
    )
    batch_size: int = Field(default=50_000, ge=1, le=100_000, description="Records per transaction")
    key_file: Path = Field(
        default=Path("./pigdata-keys/node.key"),
        description="The node's Ed25519 signing key (made by `pigdata keys init` or on first use)",
    )
    origin: str = Field(
        default="pigdata.localhost/ledger",
        pattern=r"^[^\s+]+$",
        description="The log's name on its checkpoints' first line (C2SP tlog-checkpoint origin)",
    )
    host: str = Field(default="127.0.0.1", description="Address `pigdata serve` listens on")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `pigdata serve` listens on")
    timezone: str = Field(
        default="Asia/Shanghai",
        description="Where 'today' is reckoned when checking that dates are not in the future",
    )
    answer_max_age: float = Field(
        default=0.1,
        ge=0,
        le=60,
        description="Seconds a server trusts its last reading of the store's version before it"
        " sends a kept answer; a write by another process shows within this time",
    )
    # Input limits: what a file or a request may hold before it is refused (docs/ingest.md).
    max_upload_bytes: int = Field(
        default=1 << 30,
        ge=1,
        description="Largest request body of POST /api/v1/uploads, in bytes; refused (413) while"
        " it is still being received",
    )
    max_uncompressed_bytes: int = Field(
        default=2 << 30,
        ge=1,
        description="Largest total uncompressed size of the parts of an XLSX workbook, in bytes",
    )
    max_compression_ratio: int = Field(
        default=200,
        ge=1,
        description="Largest ratio of uncompressed to compressed size of any part of an XLSX"
        " workbook above 1 MiB (a zip bomb has thousands)",
    )
    max_xlsx_part_bytes: int = Field(
        default=64 << 20,
        ge=1,
        description="Largest uncompressed part of an XLSX workbook that is read whole (shared"
        " strings, styles, the workbook itself); worksheets are streamed",
    )
    max_cell_chars: int = Field(
        default=32_767,
        ge=1,
        description="Longest cell or JSON string value, in characters (Excel's own limit);"
        " a longer one rejects its row",
    )
    max_cells_per_row: int = Field(
        default=16_384,
        ge=1,
        description="Most cells in a row or keys in a JSON object (Excel's column limit);"
        " more rejects the row, or the file when the header row has more",
    )
    max_row_bytes: int = Field(
        default=1 << 20,
        ge=64,
        description="Largest row: a JSON Lines line or an XLSX row element in bytes, a CSV"
        " record in characters; a larger one is rejected without being read whole",
    )
    max_json_depth: int = Field(
        default=32,
        ge=2,
        le=200,
        description="Deepest nesting of a JSON record (records are flat: 2 is a list in an"
        " object); deeper rejects the record",
    )
    token_lifetime_days: int = Field(
        default=TOKEN_LIFETIME_DAYS,
        ge=1,
        le=3650,
        description="Days an API token lives when it is made or rotated without an expiry;"
        " an expired token is refused with 401 (`pigdata token rotate` renews it)",
    )


@cache
def get_settings() -> Settings:
    """Give the settings of this process, read once from the environment."""
    return Settings()
