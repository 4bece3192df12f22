"""Tests of pigdata.synth: the demo district and the movement rows for benchmarks.

Figures are recomputed here from the records themselves (DOMAIN.md's formulas), not taken
from the generator's parameters. Records are checked with the real record types and the
ingest's cross-record rules, not with stand-ins.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pigdata.access.principal import Principal, Role
from pigdata.domain import regions
from pigdata.domain.issues import Issue
from pigdata.domain.records import record_adapter
from pigdata.ingest.context import BatchContext
from pigdata.ingest.readers import read_csv, read_jsonl
from pigdata.ingest.rules import check_record
from pigdata.synth import DemoSpec, demo_premises, demo_records, spec_end
from pigdata.synth.movements import (
    BREAKAGES,
    Breakage,
    broken_positions,
    movement_rows,
    write_csv,
    write_jsonl,
)
from pigdata.synth.spec import month_calendar

SMALL = DemoSpec(scale=0.05, months=6)
ADMIN = Principal("synth-test", Role.admin)
DATE_FIELDS = ("date", "issue_date", "birth_date", "opened", "closed")


@cache
def small_records() -> tuple[dict[str, Any], ...]:
    return tuple(demo_records(SMALL))


def by_kind(records: tuple[dict[str, Any], ...]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        found[record["kind"]].append(record)
    return found


def store_issues(
    records: Iterator[dict[str, Any]], today: date
) -> Iterator[tuple[int, list[Issue]]]:
    """Give each record's cross-record issues, the accepted ones remembered as a store would."""
    context = BatchContext(size=0)
    for seq, body in enumerate(records):
        record = record_adapter.validate_python(body)
        issues = check_record(record, context, today, ADMIN)
        if not issues:
            context.add(record, seq)
        yield seq, issues


# --- the demo -------------------------------------------------------------------------------


def test_same_spec_gives_the_same_bytes() -> None:
    first = b"\n".join(orjson.dumps(r) for r in demo_records(SMALL))
    again = b"\n".join(orjson.dumps(r) for r in demo_records(DemoSpec(scale=0.05, months=6)))
    other = b"\n".join(
        orjson.dumps(r) for r in demo_records(DemoSpec(seed=7, scale=0.05, months=6))
    )
    assert first == again
    assert first != other


def test_every_record_validates() -> None:
    kinds: Counter[str] = Counter()
    for body in small_records():
        kinds[record_adapter.validate_python(body).kind] += 1
    assert set(kinds) == {
        "premises",
        "animal",
        "herd_report",
        "movement",
        "trade",
        "slaughter",
        "price_quote",
        "outbreak_report",
        "pedigree",
        "phenotype",
    }


def test_store_rules_accept_every_record_in_order() -> None:
    refused = [
        (seq, issues) for seq, issues in store_issues(iter(small_records()), date.today()) if issues
    ]
    assert refused == []


def test_records_come_premises_then_animals_then_month_by_month() -> None:
    order = {"herd_report": 0, "movement": 1, "trade": 2, "slaughter": 3, "price_quote": 4}
    kinds = [r["kind"] for r in small_records()]
    head = [k for k, _ in itertools.groupby(kinds)][:2]
    assert head == ["premises", "animal"]
    rest = [r for r in small_records() if r["kind"] in order]
    keys = [
        (r.get("month") or (r.get("date") or r["issue_date"])[:7], order[r["kind"]]) for r in rest
    ]
    assert keys == sorted(keys)


def test_ear_tags_and_certificates_are_unique() -> None:
    kinds = by_kind(small_records())
    tags = [a["ear_tag"] for a in kinds["animal"]]
    certificates = [m["certificate_no"] for m in kinds["movement"]]
    assert len(tags) == len(set(tags))
    assert len(certificates) == len(set(certificates))
    assert all(len(c) in (10, 11, 12) and c.isdigit() for c in certificates)
    assert all(t.startswith("1") and regions.is_county(t[1:7]) for t in tags)


def test_no_date_after_the_spec_ends() -> None:
    end = spec_end(SMALL).isoformat()
    dates = [r[f] for r in small_records() for f in DATE_FIELDS if f in r]
    months = [r["month"] for r in small_records() if "month" in r]
    assert max(dates) <= end
    assert max(months) <= end[:7]


def test_sow_biology_is_realistic() -> None:
    reports = by_kind(small_records())["herd_report"]
    farrowings = sum(r["farrowings"] for r in reports)
    born_alive = sum(r["born_alive"] for r in reports)
    weaned = sum(r["weaned"] for r in reports)
    matings = sum(r["matings"] for r in reports)
    mean_sows = sum(r["breeding_sows"] for r in reports) / SMALL.months
    days = (spec_end(SMALL) - date(2023, 1, 1)).days + 1
    litters_per_sow_year = farrowings / mean_sows * 365 / days
    assert 2.0 <= litters_per_sow_year <= 2.4
    assert 10.0 <= born_alive / farrowings <= 12.0
    assert 0.08 <= (born_alive - weaned) / born_alive <= 0.16
    assert 0.75 <= farrowings / matings <= 0.95


def test_every_farms_inventory_closes_month_to_month() -> None:
    parts = ("breeding_sows", "replacement_gilts", "boars", "piglets", "finishers")
    last: dict[str, int] = {}
    checked = 0
    for r in by_kind(small_records())["herd_report"]:
        total = sum(r[p] for p in parts)
        if r["premises"] in last:
            flows = (
                r["born_alive"]
                + r["moved_in"]
                - r["deaths"]
                - r["sold_for_slaughter"]
                - r["moved_out"]
            )
            assert total == last[r["premises"]] + flows, r
            checked += 1
        last[r["premises"]] = total
    assert checked > 0


def test_movements_match_every_farms_reported_flows() -> None:
    kinds = by_kind(small_records())
    out: Counter[tuple[str, str]] = Counter()
    into: Counter[tuple[str, str]] = Counter()
    for move in kinds["movement"]:
        out[(move["origin"], move["issue_date"][:7])] += move["head_count"]
        into[(move["destination"], move["issue_date"][:7])] += move["head_count"]
    for r in kinds["herd_report"]:
        key = (r["premises"], r["month"])
        assert out[key] == r["sold_for_slaughter"] + r["moved_out"], r
        assert into[key] == r["moved_in"], r


def test_traced_pigs_move_after_birth_and_die_once() -> None:
    kinds = by_kind(small_records())
    born = {a["ear_tag"]: a["birth_date"] for a in kinds["animal"]}
    slaughtered = Counter(t for s in kinds["slaughter"] for t in s["ear_tags"])
    assert slaughtered and max(slaughtered.values()) == 1
    for move in kinds["movement"]:
        assert all(born[t] <= move["issue_date"] for t in move["ear_tags"])
    for kill in kinds["slaughter"]:
        assert all(born[t] <= kill["date"] for t in kill["ear_tags"])


def test_movements_use_both_certificate_types_by_route() -> None:
    moves = by_kind(small_records())["movement"]
    types = Counter(m["certificate_type"] for m in moves)
    assert types["A"] > 0 and types["B"] > types["A"]
    assert all(
        (m["origin"][:2] != m["destination"][:2]) == (m["certificate_type"] == "A") for m in moves
    )


def test_slaughter_and_trades_are_plausible() -> None:
    kinds = by_kind(small_records())
    for kill in kinds["slaughter"]:
        per_head = float(kill["carcass_weight_kg"]) / kill["head_count"]
        assert 0.74 * 105 <= per_head <= 0.76 * 130
    weights = [float(t["avg_weight_kg"]) for t in kinds["trade"]]
    assert 110 <= sum(weights) / len(weights) <= 125


def test_district_has_every_real_town_and_the_chain_premises() -> None:
    premises = demo_premises(DemoSpec())
    rongchang = [p for p in premises if p["code"].startswith("500153")]
    towns = {d.code for d in regions.children("500153")}
    assert {p["township"] for p in rongchang if p["premises_type"] == "farm"} == towns
    types = Counter(p["premises_type"] for p in rongchang)
    assert 2 <= types["market"] <= 3 and 3 <= types["slaughterhouse"] <= 4
    assert 1 <= types["checkpoint"] <= 2
    assert types["quarantine_station"] == 1 and types["gene_bank"] == 1
    assert any(p["code"][:2] == "51" for p in premises)
    assert any(p["code"][:2] == "50" and not p["code"].startswith("500153") for p in premises)
    for p in rongchang:
        assert 29.25 <= float(p["latitude"]) <= 29.65 and 105.3 <= float(p["longitude"]) <= 105.7


def test_farm_sizes_are_many_small_and_a_few_large() -> None:
    sows = [
        p["capacity_sows"]
        for p in demo_premises(DemoSpec())
        if p["premises_type"] == "farm" and p["code"].startswith("500153")
    ]
    small = sum(10 <= s <= 50 for s in sows)
    large = sum(500 <= s <= 3000 for s in sows)
    assert 250 <= len(sows) <= 350
    assert small > len(sows) / 2 and 3 <= large <= 30


def test_hog_grain_ratio_follows_the_real_low_of_june_2021() -> None:
    quotes = [
        r
        for r in demo_records(DemoSpec(scale=0.05, months=24))
        if r["kind"] == "price_quote" and r["location"] == "500153"
    ]
    assert {q["unit"] for q in quotes} == {"yuan/kg"}
    price = {(q["date"], q["item"]): float(q["price"]) for q in quotes}
    weeks = sorted({q["date"] for q in quotes})
    ratio = {w: price[(w, "live_hog")] / price[(w, "corn")] for w in weeks}
    june = [ratio[w] for w in weeks if w.startswith("2023-06")]
    assert min(june) < 5.0 < ratio[weeks[0]]
    assert 1.5 < price[(weeks[0], "corn")] < 4.0


# --- movement rows --------------------------------------------------------------------------


@cache
def chain_codes() -> tuple[list[str], list[str], list[dict[str, Any]]]:
    premises = demo_premises(SMALL)
    farms = [p["code"] for p in premises if p["premises_type"] == "farm"]
    ends = [p["code"] for p in premises if p["premises_type"] in ("market", "slaughterhouse")]
    return farms, ends, premises


def thousand_rows() -> list[dict[str, Any]]:
    farms, ends, _ = chain_codes()
    return list(
        movement_rows(
            1000,
            seed=3,
            origin_codes=farms,
            destination_codes=ends,
            start=date(2024, 1, 1),
            end=date(2024, 6, 30),
            broken=50,
        )
    )


def expected_rules(how: Breakage) -> set[str]:
    return {
        Breakage.bad_ear_tag: {"ear_tag.format", "ear_tag.county"},
        Breakage.unknown_premises: {"premises.exists"},
        Breakage.future_date: {"date.not_future"},
        Breakage.missing_field: {"missing"},
        Breakage.reused_certificate: {"certificate.used_once"},
    }[how]


def rules_broken(context: BatchContext, seq: int, body: dict[str, Any]) -> set[str]:
    try:
        record = record_adapter.validate_python(body)
    except ValidationError as error:
        return {str(e["type"]) for e in error.errors()}
    issues = check_record(record, context, date(2025, 1, 1), ADMIN)
    if not issues:
        context.add(record, seq)
    return {i.rule for i in issues}


def test_broken_rows_are_ten_of_each_kind_and_broken_as_said() -> None:
    positions = broken_positions(1000, 50)
    assert Counter(positions.values()) == dict.fromkeys(BREAKAGES, 10)
    context = BatchContext(size=0)
    premises = chain_codes()[2]
    for seq, body in enumerate(premises):
        context.add(record_adapter.validate_python(body), seq)
    for i, body in enumerate(thousand_rows()):
        broken = rules_broken(context, len(premises) + i, body)
        how = positions.get(i)
        if how is None:
            assert broken == set(), (i, body)
        else:
            assert broken and broken <= expected_rules(how), (i, how, broken)


def test_movement_rows_are_deterministic_and_stream() -> None:
    assert thousand_rows() == thousand_rows()
    farms, ends, _ = chain_codes()
    endless = movement_rows(
        10**9,
        seed=1,
        origin_codes=farms,
        destination_codes=ends,
        start=date(2024, 1, 1),
        end=date(2024, 1, 31),
    )
    assert len(list(itertools.islice(endless, 5))) == 5


@given(st.integers(1, 5000), st.data())
def test_broken_positions_spread_the_kinds_evenly(n: int, data: st.DataObject) -> None:
    broken = data.draw(st.integers(0, n - 1))
    positions = broken_positions(n, broken)
    assert len(positions) == broken and 0 not in positions
    assert all(0 < i < n for i in positions)
    counts = Counter(positions.values())
    assert max(counts.values(), default=0) - min((counts[b] for b in BREAKAGES), default=0) <= 1


@pytest.mark.parametrize("headers", ["en", "zh"])
def test_csv_reads_back_as_the_same_records(tmp_path: Path, headers: Literal["en", "zh"]) -> None:
    rows = [r for i, r in enumerate(thousand_rows()) if i not in broken_positions(1000, 50)]
    path = tmp_path / "moves.csv"
    assert write_csv(path, rows, headers=headers) == len(rows)
    back = [row.values for row in read_csv(path)]
    assert len(back) == len(rows)
    for sent, read in zip(rows, back, strict=True):
        assert record_adapter.validate_python(read) == record_adapter.validate_python(sent)
    first_line = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert ("检疫证明编号" in first_line) == (headers == "zh")


def test_jsonl_reads_back_as_the_same_records(tmp_path: Path) -> None:
    rows = thousand_rows()
    path = tmp_path / "moves.jsonl"
    assert write_jsonl(path, rows) == len(rows)
    back = [row.values for row in read_jsonl(path)]
    assert back == rows


def test_demo_writes_as_csv_with_all_kinds_in_one_file(tmp_path: Path) -> None:
    records = small_records()[:400]
    fields = sorted({f for r in records for f in r}, key=lambda f: (f != "kind", f))
    path = tmp_path / "demo.csv"
    assert write_csv(path, records, fields=fields, headers="zh") == len(records)
    back = [row.values for row in read_csv(path)]
    for sent, read in zip(records, back, strict=True):
        assert record_adapter.validate_python(read) == record_adapter.validate_python(sent)


def test_the_demo_a_newcomer_gets_ends_in_this_month() -> None:
    """`pigdata up` loads the demo moved to end today, so "the last 30 days" shows data."""
    for today in (date(2026, 12, 7), date(2027, 1, 31), date(2028, 2, 29)):
        spec = DemoSpec.ending_in(today)
        months = month_calendar(spec)
        assert len(months) == 24
        assert months[-1].first == today.replace(day=1)
        assert months[0].first.year * 12 + months[0].first.month == (
            today.year * 12 + today.month - 23
        )
