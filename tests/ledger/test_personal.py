"""Commitments to personal values: sealing and revealing give back the record as sent."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pigdata.ledger import personal

names = st.text(min_size=1, max_size=40)


def test_the_commitment_is_the_documented_formula() -> None:
    salt = bytes(range(16))
    expected = "sha256:" + hashlib.sha256(salt + "李四".encode()).hexdigest()
    assert personal.commitment(salt, "李四") == expected
    assert personal.is_commitment(expected) and not personal.is_commitment("李四")


@given(carrier=names, owner=names, corrected=st.booleans())
def test_seal_then_reveal_gives_the_record_back(carrier: str, owner: str, corrected: bool) -> None:
    move: dict[str, Any] = {"kind": "movement", "carrier": carrier, "head_count": 3}
    record: dict[str, Any] = (
        {"kind": "correction", "supersedes": 1, "reason": "r", "replacement": move}
        if corrected
        else move
    )
    committed, sealed = personal.seal(record)
    path = "record.replacement.carrier" if corrected else "record.carrier"
    assert [s.path for s in sealed] == [path]
    assert personal.committed_paths({"v": 2, "record": committed}) == [path]
    assert personal.sealed(committed) and not personal.sealed(record)
    assert personal.reveal(committed, {s.path: s.value for s in sealed}) == record
    erased = personal.reveal(committed, {path: None})
    assert personal.entry_value({"record": erased}, path) == personal.ERASED
    assert record == (
        {"kind": "correction", "supersedes": 1, "reason": "r", "replacement": move}
        if corrected
        else move
    )  # the record given is left as it was
    other = personal.seal({"kind": "premises", "owner": owner})[1]
    assert [s.path for s in other] == ["record.owner"]


def test_fresh_salts_make_equal_values_unlinkable() -> None:
    first = personal.seal({"kind": "movement", "carrier": "李四"})[0]
    second = personal.seal({"kind": "movement", "carrier": "李四"})[0]
    assert first["carrier"] != second["carrier"]
