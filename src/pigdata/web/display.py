"""The display centre's pages: a shared layout, one template per page, sections as modules.

A page is a shell: its sections fetch the same public API as everyone else, with the
visitor's token, so the API alone decides what a role sees. A section is a template block
(`templates/display/sections/<name>.html`) and a script (`static/display/<name>.js`);
a page lists the sections it shows, so a new service appears by adding one of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson

from pigdata.web import templates
from pigdata.web.messages import HTML_LANG, LANGS, Lang, catalogue, message

STATIC_URL = "/static/web"
LANG_COOKIE = "pigdata_lang"


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the display centre: its path, template, title key and sections."""

    key: str
    path: str
    title: str
    sections: tuple[str, ...] = ()
    in_nav: bool = True
    # Roles that see the page in the navigation; the API still refuses what they may not see.
    roles: tuple[str, ...] = ("public", "government", "farm", "admin")


# Everyone sees the zones; the premises, tracing and plausibility only where the API allows.
HEALTH_SECTIONS = ("outbreak", "restricted", "tracing", "plausibility")
# Herdbooks and population statistics are public; the animals' F and mating plans are not.
BREEDING_SECTIONS = ("herdbooks", "population", "inbreeding", "mating")

PAGES: dict[str, Page] = {
    p.key: p
    for p in (
        Page(
            "overview",
            "/display/overview",
            "nav.overview",
            ("headline", "signals", "zones", "prices", "alerts", "history"),
        ),
        Page(
            "region",
            "/display/region/100000",
            "nav.region",
            ("map", "parts", "capacity", "production", "sizes"),
        ),
        # --- market (prices, hog–grain ratio, forecasts, supply outlook) ---
        Page("market", "/display/market", "nav.market", ("prices", "ratio", "forecast", "outlook")),
        # --- end of market ---
        Page("farm", "/display/farm", "nav.farm", ("farm", "benchmark"), roles=("farm",)),
        Page("trace", "/display/trace", "nav.trace"),
        # The public trace page of one ear tag (/trace/{tag}), in the same top bar.
        Page("trace-tag", "/trace/{ear_tag}", "nav.trace", in_nav=False),
        Page(
            "data", "/display/data", "nav.data", ("upload",), roles=("government", "farm", "admin")
        ),
        Page("signin", "/display/sign-in", "nav.signin", in_nav=False),
        # Animal health, farm benchmark and breeding pages.
        Page("health", "/display/health", "nav.health", HEALTH_SECTIONS),
        Page("breeding", "/display/breeding", "nav.breeding", BREEDING_SECTIONS),
    )
}


def static_dir() -> Path:
    """Give the folder of the package's static files (served at STATIC_URL)."""
    return Path(str(files("pigdata.web").joinpath("static")))


def map_codes() -> list[str]:
    """Give the division codes that have a boundary map (100000 is the nation)."""
    folder = static_dir() / "vendor" / "geo"
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def pick_lang(query: str | None, cookie: str | None) -> Lang:
    """Give the page's language: the one asked for, else the remembered one, else Chinese."""
    for wanted in (query, cookie):
        for lang in LANGS:
            if wanted == lang:
                return lang
    return "zh"


def layout(page: Page, lang: Lang) -> dict[str, Any]:
    """Give what the shared top bar and scripts need to render a page in a language."""
    return {
        "page": page,
        "pages": [p for p in PAGES.values() if p.in_nav],
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "html_lang": HTML_LANG[lang],
        "t": lambda key: message(key, lang),
        # Inside <script>: no "<" may close the element early.
        "messages": orjson.dumps(catalogue(lang)).decode().replace("<", "\\u003c"),
        "static": STATIC_URL,
    }


def render(page: Page, lang: Lang, **context: Any) -> str:
    """Give a page's HTML in a language."""
    template = templates().get_template(f"display/{page.key}.html")
    return template.render(**layout(page, lang), maps=map_codes(), **context)
