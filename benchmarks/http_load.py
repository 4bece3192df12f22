"""Concurrent HTTP/1.1 clients on loopback, for measuring a server rather than a client.

Each client keeps one connection open and sends its requests one after another without
pause (a closed loop, as `wrk` does), timing each from the first byte sent to the last byte
of the body read. A general client such as httpx spends about as long on a request as our
server does, so 50 of them in one Python process measured the load generator: this one
writes the request line and reads the status, the Content-Length and the body, no more,
and so sends tens of thousands of requests a second from one process.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import uvloop


@dataclass(frozen=True)
class Latencies:
    """What the clients measured: ms per request, sorted, and requests per second."""

    samples: tuple[float, ...]
    per_second: float

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return self.samples[max(0, int(len(self.samples) * 0.99) - 1)]


class BadAnswer(RuntimeError):
    """The server answered a request with anything but 200 and a Content-Length."""


async def _read_answer(reader: asyncio.StreamReader, path: str) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if status != 200 or length is None:
        raise BadAnswer(f"{path}: status {status}, content-length {length}")
    await reader.readexactly(length)


async def _client(host: str, port: int, paths: tuple[str, ...], count: int) -> list[float]:
    reader, writer = await asyncio.open_connection(host, port)
    samples = []
    try:
        for n in range(count):
            path = paths[n % len(paths)]
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            await _read_answer(reader, path)
            samples.append((time.perf_counter() - started) * 1e3)
    finally:
        writer.close()
    return samples


async def _load(base: str, paths: tuple[str, ...], clients: int, count: int) -> Latencies:
    address = urlsplit(base)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    await asyncio.gather(*(_client(host, port, paths, 5) for _ in range(clients)))  # warm up
    started = time.perf_counter()
    runs = await asyncio.gather(*(_client(host, port, paths, count) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    samples = sorted(s for run in runs for s in run)
    return Latencies(tuple(samples), len(samples) / elapsed)


def under_load(base: str, paths: tuple[str, ...], clients: int, count: int) -> Latencies:
    """Send `count` requests from each of `clients` concurrent clients, cycling through
    `paths`; give the latencies of all of them."""
    return uvloop.run(_load(base, paths, clients, count))
