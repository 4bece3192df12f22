"""`pigdata up` — what the README's run command starts — loads the demo, prints a token per
role, and serves the API with its docs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROLES = ("admin", "government", "farm", "public")
EXPECTED_PATHS = (
    "/api/v1/records",
    "/api/v1/uploads",
    "/api/v1/uploads/{upload_id}/rejects.csv",
    "/api/v1/movements",
    "/api/v1/premises",
    "/api/v1/schemas/{kind}",
    "/api/v1/ledger/entries",
    "/api/v1/stats/overview",
    "/api/v1/tokens",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    while True:  # bounded by the process: if it dies, we stop
        assert process.poll() is None, "pigdata up exited early"
        try:
            return httpx.get(url)
        except httpx.TransportError:
            time.sleep(0.2)


def test_up_serves_the_demo_with_a_token_per_role(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": f"sqlite:///{tmp_path / 'pigdata.db'}",
        "PIGDATA_ARCHIVE_DIR": str(tmp_path / "archive"),
        "PIGDATA_KEY_FILE": str(tmp_path / "node.key"),
        "COLUMNS": "250",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pigdata", "up", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        health = wait_for(f"{base}/api/v1/health", process).json()
        assert health["ledger_size"] > 50_000
        assert httpx.get(f"{base}/docs").status_code == 200
        paths = httpx.get(f"{base}/openapi.json").json()["paths"]
        assert set(EXPECTED_PATHS) <= set(paths)
    finally:
        process.terminate()
        output, _ = process.communicate()
    assert f"http://127.0.0.1:{port}" in output
    tokens = dict(re.findall(r"(admin|government|farm|public)\s.*?(pgd_[\w-]+)", output))
    assert set(tokens) == set(ROLES), output
