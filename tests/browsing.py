"""Driving the system's Chromium (Debian package `chromium`) from browser tests.

Never a browser that Playwright downloads: none can be fetched here, and the project's
setup installs Debian's. Tests skip where it is missing, except in CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


@contextmanager
def chromium() -> Iterator[Browser]:
    """Give the system's Chromium, headless, closed when the block ends."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A page with every console error, page error, failed request and request to any
    host but this machine that it saw."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)
        page.on("request", self._check_host)

    def _check_host(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob"} and parts.hostname not in LOOPBACK:
            self.outside.append(request.url)
