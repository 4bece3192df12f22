"""The display centre in a real browser, on the demo district served by a real Uvicorn.

Driven by Playwright with the system's Chromium (Debian package `chromium`). Every page is
checked for console errors, failed requests and requests to any host but this node, and
with axe-core (from tools/web, npm) for serious accessibility violations. Screenshots of
every page at 1920x1080 and 1366x768 land in test-artifacts/display/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pigdata.api.background import served
from pigdata.cli.serve import issue_demo_tokens, load_demo
from pigdata.config import Settings
from pigdata.store import tables as t
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade
from pigdata.synth import DemoSpec

from tests import browsing
from tests.browsing import ARTIFACTS, CHROMIUM, IN_CI, chromium
from tests.conftest import BACKENDS, new_database

ROOT = Path(__file__).parent.parent.parent
AXE = ROOT / "tools" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ARTIFACTS / "display"
SIZES = {"wall": (1920, 1080), "laptop": (1366, 768)}

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and AXE.exists()) and not IN_CI,
    reason=f"{CHROMIUM} or {AXE} is missing (apt-get install chromium; scripts/setup.sh)",
)


@dataclass(frozen=True)
class Site:
    """The demo node: its address, a token per demo name, and some of its records."""

    backend: str
    url: str
    tokens: dict[str, str]
    farms: list[str]
    slaughtered_tag: str
    own_farm: str


def _demo_facts(settings: Settings) -> tuple[list[str], str]:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        p = t.premises
        farms = conn.execute(
            sa.select(p.c.code).where(p.c.premises_type == "farm").order_by(p.c.code)
        ).scalars()
        tag = conn.execute(sa.select(sa.func.min(t.slaughter_tags.c.ear_tag))).scalar_one()
        found = list(farms), str(tag)
    engine.dispose()
    return found


@pytest.fixture(scope="module", params=BACKENDS)
def database(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_template: str | None,
) -> Iterator[str]:
    """Give one database per backend for the whole module (the demo is loaded once)."""
    folder = tmp_path_factory.mktemp("display")
    with new_database(request.param, folder, postgres_template) as url:
        yield url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, database: str) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("node")
    settings = Settings(
        database_url=database,
        archive_dir=folder / "archive",
        key_file=folder / "keys" / "node.key",
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    assert load_demo(engine, settings, DemoSpec(scale=0.1)).rejected == 0
    issued = issue_demo_tokens(engine)
    engine.dispose()
    tokens = {who.name: secret for who, secret in issued}
    own = next(who.scope for who, _ in issued if who.name == "demo-farm")
    farms, tag = _demo_facts(settings)
    with served(settings) as url:
        yield Site(database.split(":")[0].split("+")[0], url, tokens, farms, tag, str(own))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


class Watched(browsing.Watched):
    """A display page: opened once its sections have drawn, checked, and checked by axe."""

    def open(self, url: str) -> None:
        """Open a page and wait until its sections have drawn."""
        self.page.goto(url)
        self.page.wait_for_selector("body[data-drawn]", timeout=30_000)

    def assert_clean(self) -> None:
        assert self.errors == [] and self.failed == [] and self.outside == []

    def serious_violations(self) -> list[dict[str, Any]]:
        """Give axe-core's serious and critical violations on the page as it stands."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("async () => await axe.run()")
        return [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]


def _context(browser: Browser, size: str = "laptop", token: str | None = None) -> BrowserContext:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    if token is not None:  # as the sign-in page leaves it
        context.add_init_script(
            f"sessionStorage.setItem('pigdata.token', {orjson.dumps(token).decode()})"
        )
    return context


@pytest.fixture
def open_as(browser: Browser) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(size: str = "laptop", token: str | None = None) -> Watched:
        contexts.append(_context(browser, size, token))
        return Watched(contexts[-1].new_page())

    yield make
    for context in contexts:
        context.close()


PAGES = {
    "overview": ("/display/overview", None),
    "overview-en": ("/display/overview?lang=en", None),
    "nation": ("/display/region/100000", None),
    "chongqing": ("/display/region/500000", None),
    "rongchang": ("/display/region/500153", None),
    "trace-search": ("/display/trace", None),
    "sign-in": ("/display/sign-in", None),
    "data": ("/display/data", "demo-government-rongchang"),
    "farm": ("/display/farm", "demo-farm"),
    "trace": ("/trace/{tag}", None),
    # --- market and capacity ---
    "market": ("/display/market", None),
    "market-en": ("/display/market?lang=en", None),
    # --- end of market and capacity ---
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_clean_and_accessible(
    site: Site, open_as: Any, name: str, size: str
) -> None:
    path, token_name = PAGES[name]
    watched = open_as(size, site.tokens[token_name] if token_name else None)
    watched.open(site.url + path.format(tag=site.slaughtered_tag))
    for chart in watched.page.locator("[data-section] .chart").all():
        assert chart.locator("canvas").count() == 1  # ECharts drew into it
    assert watched.page.locator("[data-section][data-state=error]").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    watched.page.screenshot(
        path=str(SCREENSHOTS / f"{name}-{size}-{site.backend}.png"), full_page=True
    )
    assert watched.serious_violations() == []
    watched.assert_clean()


def test_overview_figures_are_the_apis(site: Site, open_as: Any) -> None:
    watched = open_as()
    watched.open(f"{site.url}/display/overview")
    breakdown = httpx.get(f"{site.url}/api/v1/stats/regions/500000/breakdown").json()
    sows = sum(a["breeding_sows"] for a in breakdown["areas"])
    shown = watched.page.inner_text('[data-section=headline] [data-field="breeding_sows"]')
    assert shown.replace(",", "") == str(sows) and sows > 0
    assert watched.page.inner_text('[data-field="month"]') == breakdown["month"]
    assert watched.page.get_attribute("html", "lang") == "zh-CN"
    watched.assert_clean()


def _answer_to(url: str) -> str:
    """Say how the server answers a page, for a message (a stalled server, or a lost click)."""
    try:
        return str(httpx.get(url, timeout=10).status_code)
    except httpx.HTTPError as error:
        return repr(error)


def _drill_on_map(watched: Watched, longitude: float, latitude: float, code: str) -> None:
    """Click the map at a point and wait for the drill-down page of the part there to draw."""
    page = watched.page
    chart = page.locator("[data-section=map] .chart")
    x, y = chart.evaluate(
        "(el, at) => echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, at)",
        [longitude, latitude],
    )
    box = chart.bounding_box()
    assert box is not None
    at = (box["x"] + x, box["y"] + y)
    # What lies under the point, for the message should the click not drill down.
    under = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return e ? `${e.tagName} in ${e.closest('[data-section]')?.dataset.section}` : null; }",
        list(at),
    )
    # What the chart itself takes the click for, for the same message.
    chart.evaluate(
        "el => { window.heard = []; echarts.getInstanceByDom(el).on('click',"
        " (p) => window.heard.push(p.data ? p.data.code : p.name)); }"
    )
    # Hover first and let the chart draw the hover, as a hand would. A click sent in the same
    # frame as the move was now and then lost under load (the chart heard nothing, the server
    # answered): ECharts drops a click whose press and release it finds on different shapes,
    # and the hovered region's emphasis (its label) is drawn in the next frame.
    page.mouse.move(*at)
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.mouse.click(*at)
    try:
        page.wait_for_url(f"**/display/region/{code}", wait_until="commit", timeout=60_000)
    except PlaywrightTimeout:
        pytest.fail(
            f"a click at {at} ({under}) did not open {code}: still at {page.url}; "
            f"the chart heard {page.evaluate('window.heard')}; "
            f"errors {watched.errors}, failed requests {watched.failed}; "
            f"the page itself answers {_answer_to(page.url.rsplit('/', 1)[0] + '/' + code)}"
        )
    page.wait_for_selector("body[data-drawn]", timeout=60_000)


def test_clicking_a_region_drills_down(site: Site, open_as: Any) -> None:
    watched = open_as("wall")
    watched.open(f"{site.url}/display/region/100000")
    _drill_on_map(watched, 107.9, 30.1, "500000")  # inside Chongqing
    _drill_on_map(watched, 105.55, 29.45, "500153")  # inside Rongchang
    # A county's parts are its townships: the last level, named in the table.
    rows = watched.page.locator("[data-section=parts] tbody tr")
    assert rows.count() == 21 and rows.locator("a").count() == 0
    assert "荣昌区" in watched.page.inner_text(".crumbs")
    watched.assert_clean()


def test_the_keyboard_reaches_and_follows_a_drill_down_link(site: Site, open_as: Any) -> None:
    watched = open_as()
    watched.open(f"{site.url}/display/region/500000")
    page = watched.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    link = page.locator("[data-section=parts] a", has_text="荣昌区")
    for _ in range(200):  # through the page in tab order until the link has the focus
        if link.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/display/region/500153")


def _upload_file(tmp_path: Path) -> Path:
    header = "kind,code,premises_type,name,township,latitude,longitude,owner,"
    header += "capacity_sows,capacity_finishing"
    rows = [
        "premises,5001539901,farm,新场一,500153001,29.40,105.59,李四,20,200",
        "premises,5001539902,farm,新场二,500153002,29.41,105.58,王五,30,300",
        "premises,5001539903,farm,无此乡镇,500153999,29.40,105.59,赵六,10,100",
    ]
    path = tmp_path / "premises.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _upload(watched: Watched, path: Path) -> dict[str, str]:
    page = watched.page
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-section=upload][data-state=done]")
    counts = {f: page.inner_text(f'#upload-result [data-field="{f}"]') for f in ("accepted",)}
    for field in ("rejected", "duplicates"):
        counts[field] = page.inner_text(f'#upload-result [data-field="{field}"]')
    return counts


def test_signing_in_and_uploading_shows_the_rejects(
    site: Site, open_as: Any, tmp_path: Path
) -> None:
    watched = open_as()
    page = watched.page
    watched.open(f"{site.url}/display/sign-in")
    assert page.locator("nav li", has_text="数据上报").is_hidden()  # the public sends nothing
    page.fill("#token", site.tokens["demo-government-rongchang"])
    page.click("#signin-form button")
    page.wait_for_selector("#signin-status:has-text('demo-government-rongchang')")
    assert "政府" in page.inner_text("#who") and "500153" in page.inner_text("#who")
    page.click("nav a:has-text('数据上报')")
    page.wait_for_selector("body[data-drawn]")
    path = _upload_file(tmp_path)
    assert _upload(watched, path) == {"accepted": "2", "rejected": "1", "duplicates": "0"}
    rejects = page.locator("#rejects tbody tr")
    assert rejects.count() == 1 and "500153999" in rejects.inner_text()
    assert "township" in page.inner_text("#rejects")
    assert page.get_attribute("#rejects-download", "href").startswith("blob:")
    # The same file again: its good rows are already present, its bad row still rejected.
    assert _upload(watched, path) == {"accepted": "0", "rejected": "1", "duplicates": "2"}
    watched.assert_clean()


def test_the_trace_search_opens_a_verified_proof(site: Site, open_as: Any) -> None:
    watched = open_as()
    page = watched.page
    watched.open(f"{site.url}/display/trace")
    page.fill("#ear-tag", site.slaughtered_tag)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/trace/{site.slaughtered_tag}")
    page.wait_for_selector("body[data-verification]", timeout=30_000)
    assert page.get_attribute("body", "data-verification") == "verified"
    assert page.locator("h3", has_text="Slaughtered").count() == 1
    watched.assert_clean()


def test_a_farm_token_opens_its_own_farm_only(site: Site, open_as: Any) -> None:
    token = site.tokens["demo-farm"]
    watched = open_as(token=token)
    page = watched.page
    watched.open(f"{site.url}/display/farm")
    page.wait_for_url(f"**/display/farm/{site.own_farm}")
    page.wait_for_selector("[data-section=farm][data-state=shown]")
    assert page.inner_text('[data-field="code"]') == site.own_farm
    assert page.locator("nav li", has_text="我的养殖场").is_visible()
    watched.assert_clean()

    other = next(code for code in site.farms if code != site.own_farm)
    watched.open(f"{site.url}/display/farm/{other}")
    assert page.get_attribute("[data-section=farm]", "data-state") == "denied"
    assert "无权查看" in page.inner_text("[data-section=farm] .notice")
    assert page.locator("[data-section=farm] .details").is_hidden()
    # The API refused it: the page shows nothing of the other farm.
    assert watched.failed == [f"{site.url}/api/v1/premises/{other}"]
    answer = httpx.get(
        f"{site.url}/api/v1/premises/{other}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 403
    assert page.inner_text('[data-section=farm] [data-field="name"]') == "—"


def test_the_language_switch_is_remembered(site: Site, open_as: Any) -> None:
    watched = open_as()
    page = watched.page
    watched.open(f"{site.url}/display/overview")
    with page.expect_navigation():
        page.click("a.lang")
    page.wait_for_selector("body[data-drawn]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1").startswith("Overview")
    watched.open(f"{site.url}/display/region/500153")
    assert page.inner_text("nav[aria-label='Main navigation']").startswith("Overview")
    watched.assert_clean()


# --- market and capacity: the overview's signals, the zone map and the market page ---

ZONE_WORDS = {"green": "绿色（正常）", "yellow": "黄色（关注）", "red": "红色（调控）"}
LEVEL_WORDS = {0: "无预警", 1: "一级预警", 2: "二级预警", 3: "三级预警"}


def _api(site: Site, path: str) -> Any:
    answer = httpx.get(f"{site.url}{path}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _series(watched: Watched, section: str) -> list[list[Any]]:
    """Give the data of every series of a section's chart as ECharts holds it."""
    return list(
        watched.page.locator(f"[data-section={section}] .chart").evaluate(
            "el => echarts.getInstanceByDom(el).getOption().series.map(s => s.data)"
        )
    )


def test_overview_zone_and_warning_level_are_the_apis(site: Site, open_as: Any) -> None:
    watched = open_as("wall")
    watched.open(f"{site.url}/display/overview")
    month = _api(site, "/api/v1/stats/regions/500000/breakdown")["month"]
    capacity = _api(site, f"/api/v1/capacity?region=500000&month={month}")["current"]
    ratio = _api(site, "/api/v1/market/warnings?region=500000")["ratio"][-1]
    signals = "[data-section=signals]"
    zone = watched.page.locator(f'{signals} [data-field="zone"]')
    assert zone.get_attribute("data-zone") == capacity["zone"]
    assert zone.inner_text() == ZONE_WORDS[capacity["zone"]]
    level = watched.page.locator(f'{signals} [data-field="level"]')
    assert level.inner_text() == LEVEL_WORDS[ratio["level"] or 0]
    shown_ratio = watched.page.inner_text(f'{signals} [data-field="pig_grain"]')
    assert shown_ratio == f"{ratio['ratio']:.2f}"
    assert watched.page.inner_text(f'{signals} [data-field="week"]') == ratio["week"]
    # The map colours Rongchang (the demo's farms) by its own zone of that month.
    rongchang = _api(site, f"/api/v1/capacity?region=500153&month={month}")["current"]
    parts = {d["code"]: d for d in _series(watched, "zones")[0]}
    assert parts["500153"]["zone"] == rongchang["zone"]
    assert parts["500101"]["zone"] == "none"  # Wanzhou: no farms, no normal holding
    alerts = watched.page.locator("[data-section=alerts] tbody tr")
    assert alerts.count() > 0 and "猪" in alerts.first.inner_text()
    watched.assert_clean()


def _price_lines(watched: Watched) -> tuple[str | None, list[Any]]:
    chart = watched.page.locator("[data-section=prices] .chart")
    return chart.get_attribute("data-item"), _series(watched, "prices")[0]


def test_market_selectors_change_the_chart(site: Site, open_as: Any) -> None:
    watched = open_as()
    watched.open(f"{site.url}/display/market")
    page = watched.page
    item, hog = _price_lines(watched)
    assert item == "live_hog"
    page.select_option("[data-section=prices] select[name=item]", "corn")
    page.wait_for_selector("[data-section=prices] .chart[data-item=corn]")
    page.wait_for_selector("[data-section=prices][data-state=drawn]")
    _, corn = _price_lines(watched)
    weeks = _api(site, "/api/v1/market/index?region=500153&item=corn")["weeks"]
    assert corn == [None if w["price"] is None else round(w["price"], 2) for w in weeks]
    assert corn != hog
    page.select_option("[data-section=prices] select[name=region]", "100000")
    page.wait_for_selector("[data-section=prices] .chart[data-region='100000']")
    watched.assert_clean()


def test_market_backtest_table_is_the_apis(site: Site, open_as: Any) -> None:
    watched = open_as()
    watched.open(f"{site.url}/display/market")
    backtest = _api(site, "/api/v1/market/forecast/backtest?region=500153&item=live_hog")
    rows = watched.page.locator("[data-section=forecast] table.backtest tbody tr")
    assert rows.count() == len(backtest["horizons"]) > 0
    first = backtest["horizons"][0]
    expected = [str(first["horizon"])]
    expected += [f"{first[k]:.1f}" for k in ("model", "naive", "seasonal_naive")]
    assert rows.first.locator("td").all_inner_texts() == expected
    forecast = _series(watched, "forecast")
    low, width = forecast[1][-1], forecast[2][-1]
    answer = _api(site, "/api/v1/market/forecast?region=500153&item=live_hog")["weeks"][-1]
    assert low == round(answer["lower"], 2)
    assert width == round(answer["upper"] - answer["lower"], 2)
    watched.assert_clean()


def test_what_a_role_may_not_see_is_said_politely(site: Site, open_as: Any) -> None:
    # A township with two farms: the public may not see its outlook, and it has no prices.
    watched = open_as()
    watched.open(f"{site.url}/display/market?region=500153003")
    page = watched.page
    assert page.get_attribute("[data-section=outlook]", "data-state") == "denied"
    assert "无权" in page.inner_text("[data-section=outlook] .notice")
    assert page.get_attribute("[data-section=forecast]", "data-state") == "unavailable"
    assert page.locator("[data-section][data-state=error]").count() == 0
    refused = {f"{site.url}/api/v1/market/outlook?region=500153003"}
    refused |= {
        f"{site.url}/api/v1/market/forecast{path}?region=500153003&item=live_hog"
        for path in ("", "/backtest")
    }
    assert set(watched.failed) == refused
    # Only the browser's own line for each refused answer; the page itself logs nothing.
    assert len(watched.errors) == len(refused)
    assert all(e.startswith("Failed to load resource") for e in watched.errors)
    assert watched.outside == []


def test_region_capacity_production_and_sizes_are_the_services(site: Site, open_as: Any) -> None:
    watched = open_as()
    watched.open(f"{site.url}/display/region/500153")
    page = watched.page
    capacity = _api(site, "/api/v1/capacity?region=500153&month=2024-12")
    zone = page.locator('[data-section=capacity] [data-field="zone"]')
    assert zone.get_attribute("data-zone") == capacity["current"]["zone"]
    sows = [m["breeding_sows"] for m in capacity["history"]]
    assert _series(watched, "capacity")[0] == sows
    stats = _api(site, "/api/v1/stats/production?region=500153&from=2023-01&to=2024-12")
    # Pigs on hand: the five stock classes of each month, added here.
    on_hand = [sum(m["inventory"].values()) for m in stats["months"]]
    assert _series(watched, "production")[0] == on_hand and max(on_hand) > 0
    resources = _api(site, "/api/v1/resources?region=500153&month=2024-12")
    sizes = {k: n for k, n in resources["farms_by_size"].items() if k != "no reports"}
    assert _series(watched, "sizes")[0] == list(sizes.values())
    watched.assert_clean()


# --- end of market and capacity ---
# Animal health, farm benchmark and breeding pages.

PAGES |= {
    "health": ("/display/health", "demo-government-rongchang"),
    "health-public": ("/display/health", None),
    "breeding": ("/display/breeding", "demo-admin"),
}


ZONES = ("infected_point", "infected_zone", "threatened_zone")


def _answer(site: Site, path: str, token_name: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {site.tokens[token_name]}"} if token_name else {}
    answer = httpx.get(f"{site.url}{path}", headers=headers, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer


def _cells(watched: Watched, rows: str, column: int) -> list[str]:
    return watched.page.locator(f"{rows} tr > :nth-child({column})").all_inner_texts()


def test_the_health_page_counts_the_apis_zone_premises(site: Site, open_as: Any) -> None:
    zones = _answer(site, "/api/v1/animal-health/zones", "demo-government-rongchang").json()
    inside = sorted(p["premises"] for z in zones for p in z["premises"])
    assert inside and len(zones) == 1  # the demo ends with one confirmed outbreak
    counts = zones[0]["counts"]
    assert sum(counts.values()) == len(inside)
    watched = open_as(token=site.tokens["demo-government-rongchang"])
    watched.open(f"{site.url}/display/health")
    shown = _cells(watched, "[data-section=restricted] tbody", 1)
    assert sorted(shown) == inside
    zone_counts = _cells(watched, "[data-section=outbreak] tbody", 5)
    zone_counts += _cells(watched, "[data-section=outbreak] tbody", 6)
    zone_counts += _cells(watched, "[data-section=outbreak] tbody", 7)
    assert zone_counts == [str(counts[z]) for z in ZONES]
    assert watched.page.inner_text('[data-field="restricted_premises"]') == str(len(inside))
    watched.assert_clean()

    public = open_as()  # the counts and the zones, never the premises
    public.open(f"{site.url}/display/health")
    assert _answer(site, "/api/v1/animal-health/zones").json()[0]["premises"] == []
    assert public.page.get_attribute("[data-section=restricted]", "data-state") == "not-allowed"
    assert public.page.locator("[data-section=restricted] tbody tr").count() == 0
    assert public.page.locator("[data-section=tracing] form").is_hidden()
    assert public.page.inner_text('[data-field="restricted_premises"]') == str(len(inside))
    public_counts = [_cells(public, "[data-section=outbreak] tbody", n)[0] for n in (5, 6, 7)]
    assert public_counts == [str(counts[z]) for z in ZONES]
    public.assert_clean()


def test_the_tracing_form_gives_the_apis_ranked_list(site: Site, open_as: Any) -> None:
    zones = _answer(site, "/api/v1/animal-health/zones", "demo-admin").json()
    index = zones[0]["infected_points"][0]["premises"]
    query = f"direction=forward&until={zones[0]['outbreak']['zones_from']}&days=90"
    path = f"/api/v1/animal-health/trace/{index}?{query}"
    report = _answer(site, path, "demo-admin").json()
    csv = _answer(site, f"{path}&format=csv", "demo-admin").text
    assert len(report["contacts"]) > 2  # more than the 42-day trace the page opens with
    watched = open_as(token=site.tokens["demo-admin"])
    page = watched.page
    watched.open(f"{site.url}/display/health")
    opened = page.locator("#trace-table tbody tr").count()
    page.fill("#trace-days", "90")
    page.select_option("#trace-direction", "forward")
    page.click("#tracing-form button")
    page.wait_for_function(f"document.querySelectorAll('#trace-table tbody tr').length != {opened}")
    assert _cells(watched, "#trace-table tbody", 2) == [c["premises"] for c in report["contacts"]]
    assert _cells(watched, "#trace-table tbody", 1) == [str(c["rank"]) for c in report["contacts"]]
    href = page.get_attribute("#trace-download", "href")
    assert href is not None and href.startswith("blob:")
    assert page.evaluate("async (url) => await (await fetch(url)).text()", href) == csv
    watched.assert_clean()


def test_the_farm_page_sets_its_figures_beside_the_benchmark(site: Site, open_as: Any) -> None:
    path = f"/api/v1/herd-reports?premises={site.own_farm}&limit=1000"
    reports = _answer(site, path, "demo-farm")
    month = max(r["month"] for r in reports.json())
    perf = _answer(site, f"/api/v1/performance/farms/{site.own_farm}?month={month}", "demo-farm")
    expected = perf.json()
    watched = open_as(token=site.tokens["demo-farm"])
    watched.open(f"{site.url}/display/farm/{site.own_farm}")
    rows = watched.page.locator("[data-section=benchmark] tbody tr")
    assert rows.count() == 6 and len(expected["benchmarks"]) == 6
    for row, mark in zip(rows.all(), expected["benchmarks"], strict=True):
        cells = [c.replace(",", "") for c in row.locator("td").all_inner_texts()]
        own = expected["own"]["figures"][mark["figure"]]
        wanted = [own, mark["top_10"], mark["median"], mark["bottom_10"], mark["farms"]]
        assert [float(c) for c in cells] == [float(w) for w in wanted]
        assert mark["farms"] >= 5  # never a benchmark of fewer farms
    watched.assert_clean()

    other = next(code for code in site.farms if code != site.own_farm)
    watched.open(f"{site.url}/display/farm/{other}")
    assert watched.page.get_attribute("[data-section=benchmark]", "data-state") == "denied"
    assert watched.page.locator("[data-section=benchmark] tbody tr").count() == 0
    answer = httpx.get(
        f"{site.url}/api/v1/performance/farms/{other}?month={month}",
        headers={"Authorization": f"Bearer {site.tokens['demo-farm']}"},
    )
    assert answer.status_code == 403


def _f_classes(values: list[float]) -> list[int]:
    # F = 0, then up to 1/32, 1/16, 1/8, 1/4, and above: counted one by one.
    counts = [0] * 6
    for f in values:
        edges = [0.0, 1 / 32, 1 / 16, 1 / 8, 1 / 4]
        counts[next((i for i, edge in enumerate(edges) if f <= edge), 5)] += 1
    return counts


def test_the_breeding_page_shows_the_apis_population(site: Site, open_as: Any) -> None:
    population = _answer(site, "/api/v1/breeding/population?herdbook=RC").json()
    rows = _answer(site, "/api/v1/breeding/inbreeding?herdbook=RC&limit=10000", "demo-admin")
    expected = _f_classes([r["inbreeding"] for r in rows.json()["rows"]])
    watched = open_as(token=site.tokens["demo-admin"])
    page = watched.page
    watched.open(f"{site.url}/display/breeding")
    shown = page.inner_text('[data-section=population] [data-field="ne_individual"]')
    assert float(shown.replace(",", "")) == round(population["ne_individual"], 1)
    assert page.inner_text('[data-field="risk"]') == population["risk_class_zh"]
    chart = page.locator("[data-section=inbreeding] .chart")
    bars = chart.evaluate("el => echarts.getInstanceByDom(el).getOption().series[0].data")
    assert bars == expected and sum(bars) == rows.json()["visible"]
    assert page.locator("[data-section=mating] tbody tr").count() == 2
    watched.assert_clean()

    public = open_as()
    public.open(f"{site.url}/display/breeding")
    assert public.page.get_attribute("[data-section=inbreeding]", "data-state") == "aggregates"
    assert public.page.get_attribute("[data-section=mating]", "data-state") == "not-allowed"
    public.assert_clean()
