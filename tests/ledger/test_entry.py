"""Entry bytes are RFC 8785 canonical JSON, and leaf hashes follow RFC 9162."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from pigdata.domain.records import record_adapter
from pigdata.ledger.entry import ENTRY_VERSION, EntryEnvelope, canonical_json, record_body
from pigdata.ledger.merkle import leaf_hash

from tests.builders import FARM_A, FARM_B, movement
from tests.strategies import json_values


@given(json_values)
def test_canonical_json_is_rfc8785(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@given(st.text(), st.text(min_size=1, max_size=20))
def test_whole_entries_are_rfc8785(carrier: str, submitter: str) -> None:
    record = (
        record_adapter.validate_python(
            movement("5000000001", FARM_A, FARM_B, "2024-05-01", carrier=carrier or "x")
        )
        if carrier.strip() and len(carrier.strip()) <= 200
        else None
    )
    body: dict[str, Any] = record_body(record) if record else {"kind": "x", "carrier": carrier}
    envelope = EntryEnvelope(submitter, "2024-05-01T00:00:00.000Z")
    entry = envelope.entry_bytes(body)
    expected = {
        "v": ENTRY_VERSION,
        "record": body,
        "submitter": submitter,
        "received": "2024-05-01T00:00:00.000Z",
    }
    assert entry == rfc8785.dumps(expected)


def test_decimals_have_one_spelling() -> None:
    one = record_adapter.validate_python(movement("5000000001", FARM_A, FARM_B, "2024-05-01"))
    trade = {
        "kind": "trade",
        "market": FARM_A,
        "date": "2024-05-01",
        "head_count": 5,
        "avg_weight_kg": "115.50",
        "avg_price": "16.200",
    }
    body = record_body(record_adapter.validate_python(trade))
    assert (body["avg_weight_kg"], body["avg_price"]) == ("115.5", "16.2")
    assert record_body(one)["head_count"] == 10


def test_leaf_hash_is_sha256_of_zero_byte_and_entry() -> None:
    data = b'{"v":1}'
    assert leaf_hash(data) == hashlib.sha256(b"\x00" + data).digest()
    # RFC 6962 / 9162 empty-leaf vector: SHA-256 of the single byte 0x00.
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
