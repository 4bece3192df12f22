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
    host: str = "127.0.0.1"
    port: int = 8000
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
