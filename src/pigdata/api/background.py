"""Serving the application from a background thread on a free loopback port.

For what drives the platform from the same process: browser tests and benchmarks.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from pigdata.api.app import create_app
from pigdata.config import Settings


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """Serve the application on 127.0.0.1; give its base URL until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # bounded by the thread: a failed start ends it
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
