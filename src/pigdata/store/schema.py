"""Bringing a database to the current schema with Alembic, and checking that it is there."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from pigdata.store import tables
from pigdata.store.engine import write_transaction


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "pigdata.store:migrations")
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration the database lacks, and make sure the ledger head row exists."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with write_transaction(engine) as connection:
        if connection.execute(tables.ledger_head.select()).first() is None:
            connection.execute(tables.ledger_head.insert().values(id=1, size=0))


def is_current(engine: Engine) -> bool:
    """Tell whether the database is at the newest migration."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head
