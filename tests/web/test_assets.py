"""The vendored chart library and boundary maps: rebuilt identically, and with the codes of
today's divisions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pigdata.domain import regions
from pigdata.services.drilldown import drill_children
from pigdata.web.display import map_codes, static_dir

from tests.browsing import IN_CI

ROOT = Path(__file__).parent.parent.parent
MODULES = ROOT / "tools" / "web" / "node_modules"
VENDOR = static_dir() / "vendor"

pytestmark = pytest.mark.skipif(
    not (MODULES / "echarts").is_dir() and not IN_CI, reason="run scripts/setup.sh first"
)


def _geo(code: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((VENDOR / "geo" / f"{code}.json").read_text("utf-8"))
    return loaded


def test_the_build_reproduces_the_vendored_files(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "build_web_assets.py"
    subprocess.run(
        [sys.executable, str(script), str(MODULES), "-o", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert [str(p) for p in built] == [
        "echarts.LICENSE.txt",
        "echarts.min.js",
        "geo/100000.json",
        "geo/500000.json",
    ]
    assert all((tmp_path / p).read_bytes() == (VENDOR / p).read_bytes() for p in built)
    assert map_codes() == ["100000", "500000"]


def test_every_province_and_chongqing_county_has_one_boundary() -> None:
    provinces = [f["properties"]["code"] for f in _geo("100000")["features"]]
    expected = sorted(d.code for d in regions.divisions(regions.Level.PROVINCE))
    assert sorted(c for c in provinces if c is not None) == expected
    counties = [f["properties"] for f in _geo("500000")["features"]]
    assert sorted(c["code"] for c in counties) == sorted(d.code for d in drill_children("500000"))
    names = {c["code"]: c["name"] for c in counties}
    assert names["500153"] == "荣昌区" and names["500154"] == "开州区"
    assert names["500110"] == "綦江区"  # the package's 綦江县 and 万盛区, merged in 2011


def test_rings_of_divisions_are_closed_and_inside_china() -> None:
    for code in map_codes():
        # Without a code: Taiwan, Hong Kong, Macau, and the inset of the South China Sea
        # islands, which the package draws beside the mainland, as Chinese maps do.
        for feature in (f for f in _geo(code)["features"] if f["properties"]["code"]):
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            for ring in (r for polygon in polygons for r in polygon):
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(73 <= x <= 136 and 3 <= y <= 54 for x, y in ring)
