"""A burst of concurrent requests, many more than the server's threads and connections, is
answered in full: requests wait for a connection in the event loop, never in a thread that a
connection holder needs to finish on."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.api.app import CONNECTION_SLOTS, REQUEST_THREADS

CLIENTS = 6 * (CONNECTION_SLOTS + REQUEST_THREADS)


async def _burst(base: str, admin_token: str) -> list[int]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    # a timeout far beyond any answer here, so that a stalled server fails the test
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=300) as client:
        admin = {"Authorization": f"Bearer {admin_token}"}
        requests = [
            # an anonymous read holds one connection; an admin's also checks the token
            client.get("/api/v1/ledger/head")
            if n % 2
            else client.get("/api/v1/ledger/entries", headers=admin)
            for n in range(CLIENTS)
        ]
        responses = await asyncio.gather(*requests)
    return [r.status_code for r in responses]


def test_a_burst_beyond_threads_and_connections_is_answered(engine: Engine, server: str) -> None:
    token = create_token(engine, "admin", Role.admin).secret
    for _ in range(3):  # bursts one after another: connections come back each time
        assert set(asyncio.run(_burst(server, token))) == {200}
