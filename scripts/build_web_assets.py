"""Copy the display centre's browser libraries and boundary maps into the package's static files.

Reads the npm packages pinned in tools/web (run `npm ci` there first) and writes
src/pigdata/web/static/vendor/:

* echarts.min.js and its licence, from the `echarts` package as published;
* geo/100000.json, China's provincial divisions, and geo/500000.json, Chongqing's districts
  and counties, from the `china-geojson` package. Each feature gets the current division
  code and name from pigdata's own division table (src/pigdata/domain/data/divisions.csv.gz);
  coordinates are rounded to 3 decimals (about 100 m, finer than a wall screen's pixel) and
  repeated points dropped. The package's Chongqing map predates the 2011-2016 changes, so
  the renamed and merged counties are mapped to today's divisions (docs/web.md).

The output is deterministic: the same packages give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from pigdata.domain import regions

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "tools" / "web" / "node_modules"
VENDOR = ROOT / "src" / "pigdata" / "web" / "static" / "vendor"
PRECISION = 3
CHONGQING = "500000"

# Chongqing's counties whose name or extent changed after the package's map was drawn:
# 2011 万盛区 + 綦江县 -> 綦江区 and 双桥区 + 大足县 -> 大足区; 2016 开县 -> 开州区.
# (国务院关于同意重庆市调整部分行政区划的批复, 国函〔2011〕116号; 国函〔2016〕72号.)
CHONGQING_SUCCESSORS = {
    "万盛区": "綦江区",
    "綦江县": "綦江区",
    "双桥区": "大足区",
    "大足县": "大足区",
    "开县": "开州区",
}
SUFFIX = re.compile(r"(区|县)$")

Ring = list[list[float]]


def _ring(points: Ring) -> Ring:
    rounded: Ring = []
    for x, y in points:
        point = [round(x, PRECISION), round(y, PRECISION)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    # A ring needs four positions (RFC 7946 section 3.1.6); a tiny islet keeps its own.
    return rounded if len(rounded) >= 4 else [[round(x, 6), round(y, 6)] for x, y in points]


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [[_ring(r) for r in geometry["coordinates"]]]
    if geometry["type"] == "MultiPolygon":
        return [[_ring(r) for r in polygon] for polygon in geometry["coordinates"]]
    raise ValueError(f"unexpected geometry {geometry['type']}")


def _feature(code: str | None, name: str, polygons: list[list[Ring]]) -> dict[str, Any]:
    geometry: dict[str, Any] = (
        {"type": "Polygon", "coordinates": polygons[0]}
        if len(polygons) == 1
        else {"type": "MultiPolygon", "coordinates": polygons}
    )
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    # Divisions first by code, then the areas without a code in our table, by name.
    features.sort(
        key=lambda f: (
            f["properties"]["code"] is None,
            f["properties"]["code"] or "",
            f["properties"]["name"],
        )
    )
    return {"type": "FeatureCollection", "features": features}


def china(source: dict[str, Any]) -> dict[str, Any]:
    """Give the provinces with today's codes and names; areas without a code keep theirs."""
    features = []
    for feature in source["features"]:
        props = feature["properties"]
        found = regions.lookup(f"{props['id']}0000") if props.get("id") else None
        code, name = (found.code, found.name) if found else (None, props["name"])
        features.append(_feature(code, name, _polygons(feature["geometry"])))
    codes = {f["properties"]["code"] for f in features} - {None}
    missing = {d.code for d in regions.divisions(regions.Level.PROVINCE)} - codes
    if missing:
        raise SystemExit(f"provinces without a boundary: {sorted(missing)}")
    return _collection(features)


def _counties_by_stem(province: str) -> dict[str, regions.Division]:
    found: dict[str, regions.Division] = {}
    for prefecture in regions.children(province):
        for county in regions.children(prefecture.code):
            found[SUFFIX.sub("", county.name)] = county
    return found


def chongqing(source: dict[str, Any]) -> dict[str, Any]:
    """Give Chongqing's counties under today's codes, merging those merged since."""
    stems = _counties_by_stem(CHONGQING)
    merged: dict[str, list[list[Ring]]] = {}
    for feature in source["features"]:
        name = CHONGQING_SUCCESSORS.get(
            feature["properties"]["name"], feature["properties"]["name"]
        )
        county = stems.get(SUFFIX.sub("", name))
        if county is None:
            raise SystemExit(f"no division for the map's {feature['properties']['name']}")
        merged.setdefault(county.code, []).extend(_polygons(feature["geometry"]))
    missing = {c.code for c in stems.values()} - merged.keys()
    if missing:
        raise SystemExit(f"Chongqing counties without a boundary: {sorted(missing)}")
    return _collection(
        [_feature(code, regions.require(code).name, polys) for code, polys in merged.items()]
    )


def _write_json(path: Path, value: dict[str, Any]) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")


def build(modules: Path, vendor: Path) -> list[Path]:
    """Write the vendored files from the npm packages; give their paths."""
    (vendor / "geo").mkdir(parents=True, exist_ok=True)
    echarts = modules / "echarts"
    shutil.copyfile(echarts / "dist" / "echarts.min.js", vendor / "echarts.min.js")
    shutil.copyfile(echarts / "LICENSE", vendor / "echarts.LICENSE.txt")
    geo = modules / "china-geojson" / "src" / "geojson"
    load = lambda name: json.loads((geo / name).read_text("utf-8"))  # noqa: E731
    _write_json(vendor / "geo" / "100000.json", china(load("china.json")))
    _write_json(vendor / "geo" / f"{CHONGQING}.json", chongqing(load("chong_qing_geo.json")))
    return sorted(p for p in vendor.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="?", type=Path, default=MODULES)
    parser.add_argument("-o", "--output", type=Path, default=VENDOR)
    args = parser.parse_args()
    if not (args.modules / "echarts").is_dir():
        sys.exit(f"{args.modules} has no echarts: run `npm ci` in tools/web first")
    for path in build(args.modules, args.output):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{path.stat().st_size:>9}  {shown}")


if __name__ == "__main__":
    main()
