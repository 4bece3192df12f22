"""Engines and transactions: SQLite in WAL mode by default, PostgreSQL when configured.

SQLite allows one writer at a time. Writers open with BEGIN IMMEDIATE and wait up to the
busy timeout, and threads of one process also queue on a lock, so the CLI and the API never
fail each other with "database is locked". Readers never wait: WAL gives them a snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_MS = 120_000
PAGE_SIZE = 16_384
# Connections an engine keeps open, and as many more it may open under a burst; the API
# sizes its request slots and worker threads by it (pigdata.api.app.CONNECTION_SLOTS).
POOL_CONNECTIONS = 20
_WRITE_OPTION = "pigdata_write"
_write_locks: dict[int, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def is_sqlite(engine: Engine | Connection) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Takes effect only when the file is new: 16 KiB pages halve what a bulk ingest's
        # commits write for the random-keyed indexes (certificates, digests).
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB: the indexes of a big ledger stay hot
        cursor.execute("PRAGMA mmap_size=1073741824")
        cursor.execute("PRAGMA wal_autocheckpoint=16384")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: str, pool: int = POOL_CONNECTIONS) -> Engine:
    """Give an engine for a database URL, with SQLite tuned for one writer and many readers;
    it keeps `pool` connections open and opens as many more under a burst."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, pool_size=pool, max_overflow=pool, pool_pre_ping=False)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_size=pool, max_overflow=pool, pool_pre_ping=True)


def _lock_for(engine: Engine) -> threading.Lock:
    with _write_locks_guard:
        return _write_locks.setdefault(id(engine), threading.Lock())


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """Give a connection inside a write transaction that commits on success, else rolls back."""
    with _lock_for(engine), engine.connect() as connection:
        connection = connection.execution_options(**{_WRITE_OPTION: True})
        with connection.begin():
            yield connection
