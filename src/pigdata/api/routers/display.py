"""The display centre's pages (展示中心). Each page is a shell that reads the public API."""

from __future__ import annotations

from datetime import date

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pigdata.api.problems import Problem
from pigdata.domain import price_warnings, regions
from pigdata.domain.records import KINDS, PriceItem
from pigdata.services.drilldown import NATION, PSEUDO_PREFECTURES
from pigdata.web.display import LANG_COOKIE, PAGES, pick_lang, render
from pigdata.web.messages import Lang

router = APIRouter(prefix="/display", include_in_schema=False)

OVERVIEW_REGION = "500000"
REFRESH_SECONDS = 60


def _lang(request: Request) -> Lang:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def _page(request: Request, key: str, status: int = 200, **context: object) -> HTMLResponse:
    lang = _lang(request)
    response = HTMLResponse(render(PAGES[key], lang, **context), status_code=status)
    if request.query_params.get("lang") == lang:  # remember an explicit switch
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def _region_name(code: str, lang: Lang) -> str:
    if code == NATION:
        return "全国" if lang == "zh" else "China"
    return regions.full_name(code)


@router.get("")
@router.get("/")
def display_home() -> RedirectResponse:
    return RedirectResponse("/display/overview")


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, region: str = OVERVIEW_REGION) -> HTMLResponse:
    if region != NATION:
        regions.require(region)
    return _page(
        request,
        "overview",
        region=region,
        region_name=_region_name(region, _lang(request)),
        refresh_seconds=REFRESH_SECONDS,
    )


@router.get("/region/{code}", response_class=HTMLResponse)
def region_page(request: Request, code: str) -> HTMLResponse:
    lang = _lang(request)
    crumbs = _trail(code, lang)
    return _page(
        request, "region", region=code, region_name=_region_name(code, lang), crumbs=crumbs
    )


def _trail(code: str, lang: Lang) -> list[tuple[str, str]]:
    """Give the nation, the region's shown ancestors and the region, with their names."""
    path = [] if code == NATION else [d.code for d in regions.ancestors(code)] + [code]
    trail = [(NATION, _region_name(NATION, lang))]
    return trail + [(c, regions.require(c).name) for c in path if c != NATION and _shown(c)]


def _shown(code: str) -> bool:
    # Pseudo-prefectures (市辖区, 县) are skipped by the drill-down, so also by the crumbs.
    division = regions.require(code)
    return not (division.level is regions.Level.PREFECTURE and division.name in PSEUDO_PREFECTURES)


# --- market page ---
MARKET_REGION = "500153"  # the demo district, where prices, herds and outlooks all exist


@router.get("/market", response_class=HTMLResponse)
def market_page(request: Request, region: str = MARKET_REGION) -> HTMLResponse:
    lang = _lang(request)
    # The hog–grain bands of the rule set in force today, drawn behind the weekly ratio.
    rule = price_warnings.rules_on(date.today()).downside
    bands = {"level1_below": rule.level1_below, "level3_below": rule.level3_below}
    return _page(
        request,
        "market",
        region=region,
        region_name=_region_name(region, lang),
        market_regions=_trail(region, lang),
        market_items=[item.value for item in PriceItem],
        ratio_bands=orjson.dumps(bands).decode(),
    )


# --- end of market page ---


@router.get("/farm", response_class=HTMLResponse)
def own_farm_page(request: Request) -> HTMLResponse:
    """The farm page without a code: its script opens the signed-in farm's own page."""
    return _page(request, "farm", farm="")


@router.get("/farm/{code}", response_class=HTMLResponse)
def farm_page(request: Request, code: str) -> HTMLResponse:
    return _page(request, "farm", farm=code)


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request) -> HTMLResponse:
    return _page(request, "data", kinds=list(KINDS))


@router.get("/trace", response_class=HTMLResponse, response_model=None)
def trace_search(request: Request, tag: str | None = None) -> Response:
    if tag:
        digits = "".join(ch for ch in tag if ch.isdigit())
        if not digits:
            raise Problem(422, "Bad ear tag", f"耳标号 {tag} 无效 / ear tag {tag} is not valid")
        return RedirectResponse(f"/trace/{digits}", status_code=303)
    return _page(request, "trace")


@router.get("/sign-in", response_class=HTMLResponse)
def signin_page(request: Request) -> HTMLResponse:
    return _page(request, "signin")


# Animal health, farm benchmark and breeding pages.


@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request) -> HTMLResponse:
    """Outbreak zones on the county map, restricted premises, contact tracing, checks."""
    return _page(request, "health", region=OVERVIEW_REGION)


@router.get("/breeding", response_class=HTMLResponse)
def breeding_page(request: Request, herdbook: str = "") -> HTMLResponse:
    """Herdbooks, a herdbook's population statistics, inbreeding and its mating plan."""
    return _page(request, "breeding", herdbook=herdbook)
