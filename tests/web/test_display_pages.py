"""The display centre's pages and words without a browser: every page renders in both
languages, and every phrase a script asks for is in the catalogue."""

from __future__ import annotations

import re
from importlib.resources import files

import httpx
import pytest

from pigdata.web.display import PAGES, pick_lang
from pigdata.web.messages import MESSAGES


def test_every_phrase_has_both_languages() -> None:
    assert all(zh.strip() and en.strip() for zh, en in MESSAGES.values())


def test_every_phrase_a_script_asks_for_exists() -> None:
    scripts = files("pigdata.web").joinpath("static", "display")
    asked: set[str] = set()
    for script in scripts.iterdir():
        if script.name.endswith(".js"):
            text = script.read_text("utf-8")
            asked |= set(re.findall(r"\bt\(\s*\"([a-z_.]+)\"", text))
            asked |= {f"role.{r}" for r in ("admin", "government", "farm", "public")}
    assert asked and asked <= MESSAGES.keys(), asked - MESSAGES.keys()


def test_language_choice() -> None:
    assert pick_lang(None, None) == "zh"
    assert pick_lang("en", "zh") == "en"
    assert pick_lang(None, "en") == "en"
    assert pick_lang("fr", None) == "zh"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(server: str, lang: str) -> None:
    client = httpx.Client(base_url=server)
    paths = [p.path for p in PAGES.values() if p.path.startswith("/display")] + [
        "/display/region/500153",
        "/display/farm/x",
    ]
    for path in paths:
        answer = client.get(path, params={"lang": lang})
        assert answer.status_code == 200, path
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in answer.text
    assert client.cookies.get("pigdata_lang") == lang


def test_an_unknown_region_page_is_a_problem(server: str) -> None:
    client = httpx.Client(base_url=server)
    assert client.get("/display/region/500199").status_code == 404
    assert client.get("/display/overview", params={"region": "xx"}).status_code == 404
    found = client.get("/display/trace", params={"tag": "1500 1530 0000 001"})
    assert found.status_code == 303 and found.headers["location"] == "/trace/150015300000001"
