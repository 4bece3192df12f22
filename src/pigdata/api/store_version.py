"""The store's version: what every kept answer depends on besides its request.

A public aggregate changes only when the ledger grows, a capacity setting changes (settings
are not ledger entries) or the day turns (windows such as "the last 30 days" move with it).
An answer worked out at one version is right for as long as the version stands.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import anyio
import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata.ingest.pipeline import today_in
from pigdata.services.capacity_parts import settings_fingerprint
from pigdata.store import tables as t


@dataclass(frozen=True)
class StoreVersion:
    """The store as a kept answer depends on it."""

    ledger_size: int
    settings: str  # digest of every capacity setting
    day: date


def read_store_version(conn: Connection, timezone: str) -> StoreVersion:
    """Give the store's version as this connection sees it."""
    size = conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0
    return StoreVersion(int(size), settings_fingerprint(conn), today_in(timezone))


class VersionWatch:
    """The store's version as this server process last read it.

    Reading the version for every request would cost each one a worker thread and a query,
    which is what a kept answer exists to save. The watch reads it again when its reading is
    older than `max_age` seconds, and at once after any request of this process that may
    have written (every method but GET). So a write through this server shows in the very
    next answer, and a write by another process (`pigdata ingest`, a second server) within
    `max_age`.
    """

    def __init__(self, read: Callable[[], StoreVersion], max_age: float) -> None:
        self._read = read
        self._max_age = max_age
        self._version: StoreVersion | None = None
        self._read_at = -float("inf")
        self._writes = 0  # requests that may have written, counted as they end
        self._reading: asyncio.Task[StoreVersion] | None = None
        self._reading_after = -1  # the write count when the reading under way began
        self._limiter = anyio.CapacityLimiter(1)  # one thread, apart from the requests'

    def written(self) -> None:
        """Note that a request of this process may have changed the store."""
        self._writes += 1
        self._read_at = -float("inf")

    async def current(self) -> StoreVersion:
        """Give the store's version, read again when the last reading may be out of date."""
        if self._version is not None and time.monotonic() - self._read_at < self._max_age:
            return self._version
        # Join a reading under way, unless a write ended after it began.
        reading = self._reading
        if reading is None or reading.done() or self._reading_after != self._writes:
            self._reading_after = self._writes
            reading = self._reading = asyncio.ensure_future(self._read_again(self._writes))
        return await asyncio.shield(reading)

    async def _read_again(self, writes: int) -> StoreVersion:
        started = time.monotonic()
        version = await anyio.to_thread.run_sync(self._read, limiter=self._limiter)
        if writes == self._writes:  # no write ended while reading: this reading stands
            self._version, self._read_at = version, started
        return version


def engine_version_reader(engine: Engine, timezone: str) -> Callable[[], StoreVersion]:
    """Give a function that reads the store's version on a connection of its own."""

    def read() -> StoreVersion:
        with engine.connect() as conn:
            return read_store_version(conn, timezone)

    return read
