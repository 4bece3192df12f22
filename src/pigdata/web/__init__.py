"""The public trace page: server-rendered HTML, its own script and style, and QR codes.

Everything the page needs is served by the node itself (no CDN, no other host): the
template and the assets are package data under this folder.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
import segno

from pigdata.services.trace import Trace
from pigdata.web.timeline import events

ASSETS = {
    "trace.js": "text/javascript; charset=utf-8",
    "trace.css": "text/css; charset=utf-8",
}
ASSET_PATH = "/static/trace"


@cache
def templates() -> jinja2.Environment:
    """Give the Jinja2 environment of every page template (autoescaping on)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pigdata.web", "templates"),
        autoescape=True,  # names and tags come from submitted records: never trust them as HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_trace_page(
    ear_tag: str, trace: Trace | None, page_url: str | None, layout: Mapping[str, Any]
) -> str:
    """Give the HTML page of one ear tag: its life, and what the browser will verify.

    Without a page URL (a malformed tag) the page has no QR code. `layout` is what the
    display centre's top bar needs (`pigdata.web.display.layout`).
    """
    return (
        templates()
        .get_template("trace.html")
        .render(
            ear_tag=ear_tag,
            trace=trace,
            events=events(trace) if trace is not None else [],
            page_url=page_url,
            api_url=f"/api/v1/trace/{ear_tag}",
            qr_url=f"/trace/{ear_tag}/qr.svg",
            assets=ASSET_PATH,
            **layout,
        )
    )


def qr_svg(url: str, title: str) -> str:
    """Give an SVG QR code of a URL, dark on white so that it scans on any background."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(
        out, kind="svg", scale=4, border=4, dark="#000", light="#fff", title=title
    )
    return out.getvalue().decode("utf-8")


def asset(name: str) -> tuple[bytes, str] | None:
    """Give a static file of the page and its media type, or None for any other name."""
    media_type = ASSETS.get(name)
    if media_type is None:  # only the named files: no path from the request reaches the disk
        return None
    return files("pigdata.web").joinpath("static", name).read_bytes(), media_type
