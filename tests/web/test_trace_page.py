"""The public trace page in a real browser: Chromium verifies the proofs with Web Crypto.

Driven by Playwright with the system's Chromium (Debian package `chromium`); never a
browser that Playwright downloads. Skipped only where Chromium is missing outside CI.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from playwright.sync_api import Browser, Page, Route
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.domain.records import record_adapter
from pigdata.ledger import merkle
from pigdata.ledger.entry import canonical_json, record_body
from pigdata.ledger.keys import SignerKey
from pigdata.ledger.note import Checkpoint, sign_note

from tests import browsing
from tests.browsing import ARTIFACTS, CHROMIUM, IN_CI, chromium
from tests.builders import (
    FARM_A,
    FARM_B,
    MARKET,
    RONGCHANG_TOWN,
    SLAUGHTERHOUSE,
    animal,
    district,
    ingest,
    movement,
    premises,
    slaughter,
)

TAG = "150015300000001"
SIGNED_FARM = "5001530009"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI, reason=f"{CHROMIUM} is missing (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


class Watched(browsing.Watched):
    """A trace page, with what the browser's verification says."""

    def verify(self, url: str) -> str:
        """Open the page, wait for the browser's verification, give its outcome."""
        self.page.goto(url)
        self.page.wait_for_selector("body[data-verification]", timeout=20_000)
        return str(self.page.get_attribute("body", "data-verification"))

    def statuses(self) -> list[str]:
        return self.page.locator(".proof").all_inner_texts()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(locale="zh-CN")
    yield Watched(context.new_page())
    context.close()


def signed(record: dict[str, Any], key: SignerKey) -> dict[str, Any]:
    """Give the record with the signature a farm's own software would add."""
    canonical = canonical_json(record_body(record_adapter.validate_python(record)))
    return {**record, "_signature": base64.b64encode(key.sign(canonical)).decode()}


@pytest.fixture
def pig(engine: Engine, settings: Settings) -> None:
    """Ingest a pig's life: born on a farm that signs its records, sold through a market."""
    key = SignerKey.generate(f"farm-{SIGNED_FARM}")
    farm = premises(SIGNED_FARM, RONGCHANG_TOWN, signing_key=key.verifier().to_text())
    summary = ingest(
        engine,
        settings,
        [
            *district(),
            signed(farm, key),
            signed(animal(TAG, "2024-01-05", SIGNED_FARM), key),
            signed(movement("5000000101", SIGNED_FARM, MARKET, "2024-06-01", ear_tags=[TAG]), key),
            movement("5000000102", MARKET, FARM_B, "2024-06-01", ear_tags=[TAG]),
            movement("5000000103", FARM_B, SLAUGHTERHOUSE, "2024-09-01", ear_tags=[TAG]),
            slaughter(SLAUGHTERHOUSE, "2024-09-02", [TAG]),
        ],
    )
    assert summary.rejected == 0


def test_the_page_verifies_every_entry(
    server: str, settings: Settings, pig: None, watched: Watched, database_url: str
) -> None:
    assert watched.verify(f"{server}/trace/{TAG}") == "verified"
    page = watched.page
    seqs = httpx.get(f"{server}/api/v1/trace/{TAG}").json()["seqs"]
    statuses = watched.statuses()
    assert len(statuses) >= len(seqs) and all("verified ✓" in s for s in statuses)
    assert page.locator("#entries tbody tr").count() == len(seqs)
    assert page.locator("#entries tbody td.ok").count() == len(seqs)
    assert page.inner_text("#signer").startswith(f"{settings.origin}+")
    assert f"checkpoint signed by {settings.origin}" in page.inner_text("#summary")
    assert page.inner_text("#size") == str(len(district()) + 6)
    rows = page.locator("#entries tbody tr")
    # The farm signed the animal's registration and its move; the move names its carrier,
    # so its signature is sealed with the name and withheld from the public page.
    assert rows.filter(has_text=f"{SIGNED_FARM} (✓)").count() == 1
    assert rows.filter(has_text=f"{SIGNED_FARM} (签名随个人信息不公开").count() == 1
    assert "no witness cosignatures" in page.inner_text("#witnesses")
    assert page.locator("h3").filter(has_text="Slaughtered").count() == 1
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator("img").evaluate("img => img.naturalWidth") > 0  # the QR code loaded
    assert watched.errors == [] and watched.failed == [] and watched.outside == []
    ARTIFACTS.mkdir(exist_ok=True)
    backend = database_url.split(":", 1)[0].split("+", 1)[0]
    page.screenshot(path=str(ARTIFACTS / f"trace-page-{backend}.png"), full_page=True)


def serve_instead(page: Page, server: str, change: Any) -> None:
    """Answer the page's API request with the real answer as `change` alters it."""

    def handle(route: Route) -> None:
        real = orjson.loads(route.fetch().body())
        route.fulfill(json=change(real))

    page.route(f"{server}/api/v1/trace/{TAG}", handle)


def flip_entry(answer: dict[str, Any]) -> dict[str, Any]:
    item = answer["bundle"]["entries"][0]
    data = bytearray(base64.b64decode(item["entry"]))
    data[len(data) // 2] ^= 0x01
    item["entry"] = base64.b64encode(bytes(data)).decode()
    return answer


def test_a_tampered_entry_fails_in_the_browser(server: str, pig: None, watched: Watched) -> None:
    serve_instead(watched.page, server, flip_entry)
    assert watched.verify(f"{server}/trace/{TAG}") == "failed"
    statuses = watched.statuses()
    assert any("failed ✗" in s for s in statuses) and any("verified ✓" in s for s in statuses)
    assert watched.errors == []


def forge_checkpoint(answer: dict[str, Any]) -> dict[str, Any]:
    note: str = answer["bundle"]["checkpoint"]
    lines = note.split("\n")
    lines[1] = str(int(lines[1]) + 1)  # claim a bigger tree under the same signature
    answer["bundle"]["checkpoint"] = "\n".join(lines)
    return answer


def test_a_forged_checkpoint_fails_in_the_browser(server: str, pig: None, watched: Watched) -> None:
    serve_instead(watched.page, server, forge_checkpoint)
    assert watched.verify(f"{server}/trace/{TAG}") == "failed"
    assert all("failed ✗" in s for s in watched.statuses())
    assert "signature" in watched.page.inner_text("#summary")


def rebuilt_with_vouching(honest: bool) -> Any:
    """Give a change that rebuilds the bundle over a log whose animal entry a premises
    signed (honestly, or over another record), under a new log key of the same shape."""

    def change(answer: dict[str, Any]) -> dict[str, Any]:
        bundle = answer["bundle"]
        size = bundle["size"]
        entries = [canonical_json({"n": i}) for i in range(size)]
        for item in bundle["entries"]:
            entries[item["index"]] = base64.b64decode(item["entry"])
        born = answer["birth"]["seq"]
        entry = orjson.loads(entries[born])
        signed = entry["record"] if honest else {**entry["record"], "breed": "杜洛克"}
        key = SignerKey.generate(f"farm-{FARM_A}")
        entry["vouched"] = {
            "key": key.verifier().to_text(),
            "premises": FARM_A,
            "signature": base64.b64encode(key.sign(canonical_json(signed))).decode(),
        }
        entries[born] = canonical_json(entry)
        answer["bundle"] = handmade_bundle(entries, [i["index"] for i in bundle["entries"]])
        return answer

    return change


def handmade_bundle(entries: list[bytes], wanted: list[int]) -> dict[str, Any]:
    signer = SignerKey.generate("test.example/ledger")
    leaves = [merkle.leaf_hash(e) for e in entries]
    subtree = merkle.subtree_from_leaves(leaves)
    checkpoint = Checkpoint(signer.name, len(entries), merkle.root(leaves))

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return {
        "origin": signer.name,
        "log_key": signer.verifier().to_text(),
        "checkpoint": sign_note(checkpoint.to_text(), [signer]),
        "size": len(entries),
        "entries": [
            {
                "index": i,
                "entry": b64(entries[i]),
                "proof": [b64(h) for h in merkle.inclusion_proof(i, len(entries), subtree)],
            }
            for i in wanted
        ],
    }


@pytest.mark.parametrize("honest", [True, False])
def test_a_premises_signature_is_checked_in_the_browser(
    server: str, pig: None, watched: Watched, honest: bool
) -> None:
    serve_instead(watched.page, server, rebuilt_with_vouching(honest))
    outcome = watched.verify(f"{server}/trace/{TAG}")
    vouched = watched.page.locator("#entries tbody tr").filter(has_text=FARM_A).first
    assert outcome == ("verified" if honest else "failed")
    assert f"{FARM_A} ({'✓' if honest else '✗'})" in vouched.inner_text()
    assert watched.errors == []


@pytest.mark.parametrize("size", [12, 16, 17, 31, 64])
def test_the_browser_checks_proofs_at_every_index(
    server: str, pig: None, watched: Watched, size: int
) -> None:
    def every_index(answer: dict[str, Any]) -> dict[str, Any]:
        entries = [canonical_json({"n": i}) for i in range(size)]
        for item in answer["bundle"]["entries"]:
            entries[item["index"]] = base64.b64decode(item["entry"])
        answer["bundle"] = handmade_bundle(entries, list(range(size)))
        return answer

    serve_instead(watched.page, server, every_index)
    assert watched.verify(f"{server}/trace/{TAG}") == "verified"
    assert watched.page.locator("#entries tbody td.ok").count() == size


def test_an_unknown_tag_gives_a_clean_page(server: str, watched: Watched) -> None:
    response = watched.page.goto(f"{server}/trace/150015399999999")
    assert response is not None and response.status == 404
    assert "Not found" in watched.page.inner_text("h2")
    assert watched.page.locator("img").evaluate("img => img.naturalWidth") > 0
    # The page's own 404 status is the one error the browser reports.
    assert watched.failed == [f"{server}/trace/150015399999999"]
    assert [e for e in watched.errors if "404" not in e] == [] and len(watched.errors) == 1
