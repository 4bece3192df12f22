"""The hypothesis strategies shared by the test modules: rows of every record kind (valid and
bent), pedigrees, herds, herd reports, ledger entry values, tree sizes and movement networks."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import strategies as st

from pigdata.domain.records import EARLIEST_DAY, HERD_COUNTS
from pigdata.domain.signing_keys import SignerKey
from pigdata.ledger.merkle import HASH_SIZE

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_SICHUAN,
    FARM_YONGCHUAN,
    MARKET,
    SLAUGHTERHOUSE,
    herd_report,
)

# --- rows of every record kind, as a CSV or an API batch spells them ----------------------

TAGS = ["150015390000000", "150015390000001", "150011800000002", "150015300000003"]
PLACES = [FARM_A, FARM_B, FARM_YONGCHUAN, FARM_SICHUAN, MARKET, SLAUGHTERHOUSE]
KEY = SignerKey.generate("farm.example").verifier().to_text()
days = st.dates(EARLIEST_DAY, EARLIEST_DAY.replace(year=2024)).map(str)
amounts = st.decimals(0, 10_000, places=2, allow_nan=False).map(str)
counts = st.integers(0, 100_000_000)
heads = st.integers(1, 100_000)
texts = st.text(st.characters(categories=["Lo", "Lu", "Nd"]), min_size=1, max_size=30)


def _number(draw: st.DrawFn, value: int) -> Any:
    return str(value) if draw(st.booleans()) else value  # a CSV cell or a JSON number


def _tags(draw: st.DrawFn, most: int) -> str | list[str]:
    tags = draw(st.lists(st.sampled_from(TAGS), max_size=min(most, 3), unique=True))
    return ";".join(tags) if draw(st.booleans()) else tags


@st.composite
def premises_rows(draw: st.DrawFn) -> dict[str, Any]:
    code = draw(st.sampled_from(PLACES))
    row = {
        "kind": "premises",
        "code": code,
        "premises_type": draw(st.sampled_from(["farm", "market", "slaughterhouse", "gene_bank"])),
        "name": draw(texts),
        "township": code[:6] + "001",
        "latitude": str(draw(st.decimals(3, 54, places=4))),
        "longitude": str(draw(st.decimals(73, 136, places=4))),
        "owner": draw(texts),
        "capacity_sows": _number(draw, draw(counts)),
    }
    if draw(st.booleans()):
        row["opened"] = draw(days)
    if draw(st.booleans()):
        row["signing_key"] = KEY
    return row


@st.composite
def animal_rows(draw: st.DrawFn) -> dict[str, Any]:
    tag, sire = draw(st.lists(st.sampled_from(TAGS), min_size=2, max_size=2, unique=True))
    row = {
        "kind": "animal",
        "ear_tag": tag,
        "breed": draw(st.sampled_from(["荣昌猪", "Duroc"])),
        "sex": draw(st.sampled_from(["male", "female", "castrated"])),
        "birth_date": draw(days),
        "birth_premises": draw(st.sampled_from(PLACES)),
    }
    if draw(st.booleans()):
        row["sire"] = sire
    return row


@st.composite
def herd_report_rows(draw: st.DrawFn) -> dict[str, Any]:
    row = {
        "kind": "herd_report",
        "premises": draw(st.sampled_from(PLACES)),
        "month": draw(days)[:7],
        "breeding_sows": _number(draw, draw(counts)),
        "piglets": _number(draw, draw(counts)),
    }
    if draw(st.booleans()):
        row["feed_used_kg"] = draw(amounts)
    return row


@st.composite
def movement_rows(draw: st.DrawFn) -> dict[str, Any]:
    origin, destination = draw(
        st.lists(st.sampled_from(PLACES), min_size=2, max_size=2, unique=True)
    )
    head = draw(heads)
    row = {
        "kind": "movement",
        "certificate_no": draw(st.from_regex(r"[0-9A-Z]{6,24}", fullmatch=True)),
        "certificate_type": "A" if origin[:2] != destination[:2] else "B",
        "issue_date": draw(days),
        "origin": origin,
        "destination": destination,
        "head_count": _number(draw, head),
        "ear_tags": _tags(draw, head),
        "purpose": draw(st.sampled_from(["slaughter", "breeding", "fattening"])),
        "vehicle_plate": draw(st.sampled_from(["渝A18254", "川B12345"])),
        "carrier": draw(texts),
    }
    if draw(st.booleans()):
        row["override_reason"] = "疫情处置需要"
    return row


@st.composite
def trade_rows(draw: st.DrawFn) -> dict[str, Any]:
    row = {
        "kind": "trade",
        "market": MARKET,
        "date": draw(days),
        "head_count": _number(draw, draw(heads)),
        "avg_weight_kg": draw(amounts),
        "avg_price": draw(amounts),
    }
    if draw(st.booleans()):
        row["seller"] = draw(st.sampled_from(PLACES))
    return row


@st.composite
def slaughter_rows(draw: st.DrawFn) -> dict[str, Any]:
    head = draw(heads)
    return {
        "kind": "slaughter",
        "slaughterhouse": SLAUGHTERHOUSE,
        "date": draw(days),
        "head_count": _number(draw, head),
        "ear_tags": _tags(draw, head),
        "carcass_weight_kg": draw(amounts),
    }


@st.composite
def price_quote_rows(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "kind": "price_quote",
        "location": draw(st.sampled_from([MARKET, "500153", "500153001", "510100"])),
        "date": draw(days),
        "item": draw(st.sampled_from(["live_hog", "corn", "piglet"])),
        "price": draw(amounts),
        "unit": draw(st.sampled_from(["yuan/kg", "yuan/tonne"])),
    }


@st.composite
def outbreak_report_rows(draw: st.DrawFn) -> dict[str, Any]:
    row = {
        "kind": "outbreak_report",
        "outbreak_id": draw(st.from_regex(r"[0-9A-Za-z\-_]{3,40}", fullmatch=True)),
        "premises": draw(st.sampled_from(PLACES)),
        "disease": draw(st.sampled_from(["african_swine_fever", "prrs"])),
        "status": draw(st.sampled_from(["suspected", "confirmed", "resolved"])),
        "report_date": draw(days),
        "culled": _number(draw, draw(counts)),
    }
    if draw(st.booleans()):
        row["onset_date"] = draw(days)
    return row


@st.composite
def pedigree_rows(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(
        st.lists(
            st.from_regex(r"[0-9A-Z]{1,12}", fullmatch=True), min_size=3, max_size=3, unique=True
        )
    )
    row: dict[str, Any] = {"kind": "pedigree", "registry_id": ids[0]}
    if draw(st.booleans()):
        row |= {"sire": ids[1], "dam": draw(st.sampled_from([ids[2], "0", "NA"]))}
    if draw(st.booleans()):
        row |= {"herdbook": "RC", "sex": "female", "birth_year": _number(draw, 2020)}
    return row


@st.composite
def phenotype_rows(draw: st.DrawFn) -> dict[str, Any]:
    row = {
        "kind": "phenotype",
        "registry_id": draw(st.sampled_from(["RC001", 17])),
        "trait": draw(st.sampled_from(["adg", "backfat"])),
        "value": str(draw(st.decimals(-1000, 1000, places=3))),
    }
    if draw(st.booleans()):
        row["group"] = "H1-2020-1"
    return row


# --- the quarantine station's kinds ---
_BATCH_IDS = st.from_regex(r"[0-9A-Za-z][0-9A-Za-z\-_]{2,12}", fullmatch=True)


@st.composite
def import_batch_rows(draw: st.DrawFn) -> dict[str, Any]:
    head = draw(st.integers(1, 4))
    return {
        "kind": "import_batch",
        "batch_id": draw(_BATCH_IDS),
        "station": draw(st.sampled_from(PLACES)),
        "origin_country": draw(st.sampled_from(["DK", "FR", "US"])),
        "origin_farm": draw(texts),
        "breed": draw(st.sampled_from(["Duroc", "Landrace"])),
        "herdbook": "DANBRED",
        "head_count": _number(draw, head),
        "foreign_ids": [f"DK{n}" for n in range(head)],
        "import_permit": "IP-2026-0815",
        "arrival_date": draw(days),
        "pens": draw(st.sampled_from([["A1"], "A1;A2"])),
    }


@st.composite
def quarantine_test_rows(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "kind": "quarantine_test",
        "batch_id": draw(_BATCH_IDS),
        "station": draw(st.sampled_from(PLACES)),
        "sample_date": draw(days),
        "disease": draw(st.sampled_from(["african_swine_fever", "pseudorabies", "prrs"])),
        "method": draw(st.sampled_from(["qPCR", "ELISA"])),
        "result": draw(st.sampled_from(["positive", "negative"])),
    }


@st.composite
def quarantine_decision_rows(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "quarantine_decision",
        "batch_id": draw(_BATCH_IDS),
        "station": draw(st.sampled_from(PLACES)),
        "date": draw(days),
    }
    if draw(st.booleans()):
        return row | {"outcome": "destroy", "reason": draw(texts)}
    release = {
        "destination": draw(st.sampled_from(PLACES)),
        "head_count": 1,
        "foreign_ids": ["DK1"],
        "certificate_no": "5001530001234",
    }
    return row | {
        "outcome": "release",
        "herdbook": "DANBRED",
        "breed": "Duroc",
        "releases": [release],
    }


PLAIN = {
    "premises": premises_rows(),
    "animal": animal_rows(),
    "herd_report": herd_report_rows(),
    "movement": movement_rows(),
    "trade": trade_rows(),
    "slaughter": slaughter_rows(),
    "price_quote": price_quote_rows(),
    "outbreak_report": outbreak_report_rows(),
    "pedigree": pedigree_rows(),
    "phenotype": phenotype_rows(),
    "import_batch": import_batch_rows(),
    "quarantine_test": quarantine_test_rows(),
    "quarantine_decision": quarantine_decision_rows(),
}


@st.composite
def correction_rows(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "correction",
        "supersedes": _number(draw, draw(st.integers(0, 2**53 - 1))),
        "reason": draw(texts),
    }
    if draw(st.booleans()):
        row["replacement"] = draw(st.one_of(*REPLACEABLE))
    return row


REPLACEABLE = list(PLAIN.values())
PLAIN["correction"] = correction_rows()

# Near misses: values the model mends (padding, case) or refuses (empty, too long, wrong type).
NEAR_MISSES = st.sampled_from(
    [
        "",
        " ",
        "x" * 201,
        "2024-13-01",
        "0024-01-01",
        "-1",
        "1.5",
        "１２",
        "NaN",
        "None",
        0,
        -1,
        2**63,
        1.5,
        True,
        None,
        [],
        {},
        Decimal("1E+3"),
    ]
)


@st.composite
def bent_rows(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """Give a valid row of the kind with up to three of its fields bent, dropped or added."""
    row = dict(draw(PLAIN[kind]))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(row)))
        how = draw(st.sampled_from(["miss", "pad", "case", "drop", "extra"]))
        value = row.get(name)
        if how == "miss" and name != "kind":
            row[name] = draw(NEAR_MISSES)
        elif how == "pad" and isinstance(value, str):
            row[name] = draw(st.sampled_from([" ", "\u3000", "\t"])) + value
        elif how == "case" and isinstance(value, str):
            row[name] = value.swapcase()
        elif how == "drop" and name != "kind":
            row.pop(name)
        elif how == "extra":
            row["colour"] = "pink"
    return row


# --- pedigrees ---------------------------------------------------------------------------


@st.composite
def pedigrees(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    """Random parents-first pedigrees with few founders, so that inbreeding builds up."""
    n = draw(st.integers(min_value=1, max_value=40))
    sire, dam = [], []
    for i in range(n):
        choices = st.integers(min_value=-1, max_value=i - 1)
        s, d = draw(choices), draw(choices)
        sire.append(s)
        dam.append(d)
    return sire, dam


def mating_herd(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Draw founders and a herd of their offspring (some share parents): sires, dams, the
    index of the first boar, and the number of boars (the sows follow them)."""
    founders = draw(st.integers(2, 6))
    boars, sows = draw(st.integers(1, 3)), draw(st.integers(2, 6))
    n = founders + boars + sows
    sire, dam = [-1] * founders, [-1] * founders
    for _ in range(boars + sows):  # the herd: offspring of founders (some share parents)
        sire.append(draw(st.integers(-1, founders - 1)))
        dam.append(draw(st.integers(-1, founders - 1)))
    return np.array(sire), np.array(dam), n - boars - sows, boars


# --- herd reports ------------------------------------------------------------------------

herd_counts = st.fixed_dictionaries({name: st.integers(0, 500) for name in HERD_COUNTS})


def herd_reports(places: Sequence[str], months: Sequence[str]) -> st.SearchStrategy[Any]:
    """Herd report records of these premises and months, with any counts."""
    return st.builds(
        lambda at, month, values: herd_report(at, month, **values),
        st.sampled_from(places),
        st.sampled_from(months),
        herd_counts,
    )


def corrections(reports: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """(index of an accepted report to correct, its replacement or None for a retraction)"""
    return st.lists(st.tuples(st.integers(0, 30), st.one_of(st.none(), reports)), max_size=4)


# --- the ledger --------------------------------------------------------------------------

# What records are made of: strings, integers, booleans, lists and objects of them.
json_values = st.recursive(
    st.one_of(st.text(), st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(
            st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=12), inner, max_size=5
        ),
    ),
    max_leaves=25,
)

# Tree sizes, with the edges of tiles and of powers of two drawn often.
tree_sizes = st.one_of(
    st.integers(1, 300),
    st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257]),
)
salts = st.binary(max_size=16)
hash_bits = st.integers(0, 8 * HASH_SIZE - 1)

# --- movement networks -------------------------------------------------------------------

# Movements among six premises over eight days: (origin, destination, day, head, vehicle).
network_movements = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 7),
        st.integers(1, 9),
        st.integers(0, 2),
    ).filter(lambda m: m[0] != m[1]),
    max_size=14,
)
