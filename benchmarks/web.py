"""Display centre: how soon the overview has drawn its charts, and its API under load.

On the demo district (`pigdata demo`, scale 1 by default) in a SQLite file, served by
`pigdata serve` (one Uvicorn process) on loopback:

* time to charts drawn: the system's Chromium opens /display/overview in a fresh context
  (empty cache) and waits until every section has drawn (`body[data-drawn]`, set by the page
  when ECharts reports each chart finished, in ms since navigation start); the median of
  the runs, beside the sign-in page (no charts, no API data) as the baseline;
* API latency: 50 concurrent clients (`http_load.py`, one connection each), each sending the
  overview's API requests (stats, capacity of the region and of its parts, price index and
  warnings) in turn without pause, p50 and p99, beside the same load on a static file.

    python benchmarks/web.py [--scale 1] [--runs 15] [--clients 50] [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from http_load import under_load  # benchmarks/http_load.py, beside this script
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PIGDATA = Path(sys.executable).parent / "pigdata"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
REGION = "500000"
STATS_API = (
    f"/api/v1/stats/regions/{REGION}/breakdown",
    f"/api/v1/stats/regions/{REGION}/history",
    f"/api/v1/stats/overview?region={REGION}",
)
MARKET_API = (f"/api/v1/market/index?region={REGION}", f"/api/v1/market/warnings?region={REGION}")


def overview_api(base: str) -> tuple[str, ...]:
    """Give the API requests the overview sends: the stats, the region's capacity and prices,
    and the capacity of its parts for the zone map (the latest month is the breakdown's)."""
    month = httpx.get(f"{base}{STATS_API[0]}").json()["month"]
    capacity = f"/api/v1/capacity?region={REGION}&month={month}"
    parts = f"/api/v1/capacity/parts?region={REGION}&month={month}"
    return (*STATS_API, capacity, *MARKET_API, parts)


STATIC = ("/static/web/display/app.js",)


def _environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PIGDATA_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "PIGDATA_ARCHIVE_DIR": str(folder / "archive"),
        "PIGDATA_KEY_FILE": str(folder / "node.key"),
    }


@contextmanager
def node(folder: Path, scale: float) -> Iterator[str]:
    """Load the demo and serve it from its own process; give the base URL."""
    env = _environment(folder)
    subprocess.run([PIGDATA, "demo", "--scale", str(scale)], env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(PIGDATA), "serve", "--host", "127.0.0.1", "--port", str(port)]
    quiet = subprocess.DEVNULL  # Uvicorn's access log would cost the server time
    server = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # up to 20 s for the server to answer
            try:
                httpx.get(f"{base}/api/v1/health").raise_for_status()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def drawn_ms(base: str, path: str, runs: int) -> list[float]:
    """Give, per run, the ms from navigation start until the page's sections have drawn."""
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            page = context.new_page()
            page.goto(f"{base}{path}")
            page.wait_for_selector("body[data-drawn]", timeout=60_000)
            times.append(float(page.get_attribute("body", "data-drawn") or "nan"))
            context.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, node(Path(tmp), args.scale) as base:
        overview = drawn_ms(base, "/display/overview", args.runs)
        signin = drawn_ms(base, "/display/sign-in", args.runs)
        paths = overview_api(base)
        api = under_load(base, paths, args.clients, args.requests)
        static = under_load(base, STATIC, args.clients, args.requests)
    print(f"\ndemo scale {args.scale}; {args.runs} page loads each; {args.clients} clients")
    print("\n| page | median ms to drawn | min | max |")
    print("|---|---:|---:|---:|")
    for name, times in (("/display/overview", overview), ("/display/sign-in (baseline)", signin)):
        print(f"| {name} | {statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} |")
    print(f"overview / sign-in: {statistics.median(overview) / statistics.median(signin):.1f}x")
    print("\n| requests | p50 ms | p99 ms | requests/s |")
    print("|---|---:|---:|---:|")
    loads = ((f"overview API ({len(paths)} in turn)", api), ("static file (baseline)", static))
    for name, load in loads:
        print(f"| {name} | {load.p50:.1f} | {load.p99:.1f} | {load.per_second:,.0f} |")
    print(f"API / static p99: {api.p99 / static.p99:.2f}x")


if __name__ == "__main__":
    main()
