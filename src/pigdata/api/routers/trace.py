"""Public traceability: an animal's life with its proof bundle, its page, and the page's QR code.

Public by design (no token): this is what the QR code on a pack of pork opens. What it shows
is limited by `pigdata.services.trace` (premises names and townships, no owners).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal
from pigdata.api.deps import ANONYMOUS, Conn, SettingsDep, Who
from pigdata.api.openapi import problems
from pigdata.api.problems import Problem
from pigdata.api.wire.trace import AnimalTrace
from pigdata.config import Settings
from pigdata.ledger.bundle_make import BundleError, make_bundle
from pigdata.ledger.node import node_signer
from pigdata.services.personal import entitled
from pigdata.services.trace import canonical_tag, trace
from pigdata.web import asset, qr_svg, render_trace_page
from pigdata.web.display import LANG_COOKIE, PAGES, layout, pick_lang

router = APIRouter(tags=["trace"])


def _unknown(ear_tag: str) -> Problem:
    return Problem(
        404,
        "Unknown ear tag",
        f"账本中没有耳标 {ear_tag} 的记录 / the ledger holds no record of ear tag {ear_tag}",
    )


def bundle_for(
    conn: Connection, settings: Settings, seqs: list[int], who: Principal = ANONYMOUS
) -> dict[str, Any]:
    """Give the proof bundle of these entries, or why there is none.

    Personal values go in as disclosures only for the entries `who` may see them of.
    """
    signer = node_signer(settings, create=False)
    if signer is None:
        return {"bundle": None, "bundle_error": "节点尚无签名密钥 / the node has no signing key"}
    disclose = entitled(conn, who, seqs)
    try:
        made = make_bundle(conn, seqs, signer.key.verifier(), disclose)
        return {"bundle": made, "bundle_error": None}
    except BundleError as error:
        return {"bundle": None, "bundle_error": str(error)}


# Unset fields are left out: a bundle has `disclosures` only when some are disclosed.
@router.get(
    "/api/v1/trace/{ear_tag}",
    response_model=AnimalTrace,
    response_model_exclude_unset=True,
    responses=problems(404),
)
def get_trace(ear_tag: str, conn: Conn, settings: SettingsDep, who: Who) -> dict[str, Any]:
    """Give an animal's life (public): birth, movements, markets, slaughter, and the proof
    bundle of the ledger entries behind them (docs/trace.md). With a token entitled to them,
    the bundle also discloses the entries' personal values."""
    found = trace(conn, ear_tag)
    if found is None:
        raise _unknown(ear_tag)
    # Read after the trace: a checkpoint is signed with each batch, so this one covers it.
    return {**found.to_json(), **bundle_for(conn, settings, found.seqs(), who)}


def _page_url(request: Request, tag: str) -> str:
    return f"{request.base_url}trace/{tag}"


@router.get("/trace/{ear_tag}", response_class=HTMLResponse, include_in_schema=False)
def trace_page(ear_tag: str, request: Request, conn: Conn) -> HTMLResponse:
    """Give the public trace page of an ear tag; the browser verifies its proofs."""
    tag = canonical_tag(ear_tag)
    found = trace(conn, ear_tag) if tag is not None else None
    # A malformed tag gets the not-found page without a QR code: no page to point to.
    page_url = _page_url(request, tag) if tag is not None else None
    lang = pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    html = render_trace_page(tag or ear_tag, found, page_url, layout(PAGES["trace-tag"], lang))
    return HTMLResponse(html, status_code=200 if found is not None else 404)


@router.get("/trace/{ear_tag}/qr.svg", include_in_schema=False)
def trace_qr(ear_tag: str, request: Request) -> Response:
    """Give a QR code (SVG) of the trace page's address, for any well-formed ear tag.

    Well-formed is enough: labels are printed before the animal's records arrive.
    """
    tag = canonical_tag(ear_tag)
    if tag is None:
        raise _unknown(ear_tag)
    svg = qr_svg(_page_url(request, tag), f"耳标 {tag} 的追溯 / trace of ear tag {tag}")
    return Response(svg, media_type="image/svg+xml")


@router.get("/static/trace/{name}", include_in_schema=False)
def trace_asset(name: str) -> Response:
    """Give the trace page's own script or style sheet."""
    found = asset(name)
    if found is None:
        raise Problem(404, "Not found", f"没有文件 {name} / no file {name}")
    content, media_type = found
    return Response(content, media_type=media_type, headers={"Cache-Control": "max-age=300"})
