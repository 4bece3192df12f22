"""Commitments to personal values: sealing and revealing give back the record as sent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pigdata.ledger import personal
from pigdata.ledger.entry import canonical_json

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


def _counting_salts() -> Callable[[int], bytes]:
    counter = iter(range(1 << 30))
    return lambda size: next(counter).to_bytes(size, "big")


# Texts that look like the record's own keys and values, quotes and escapes included.
tricky = st.text(alphabet='",:{}\\\n carierowhd李四', max_size=20)


@given(
    kind=st.sampled_from(["movement", "premises"]),
    value=tricky,
    others=st.dictionaries(st.sampled_from(["a", "note", "z", "carrier_x"]), tricky, max_size=3),
)
def test_sealing_in_place_gives_the_bytes_of_the_sealed_record(
    kind: str, value: str, others: dict[str, str]
) -> None:
    name = personal.PERSONAL_FIELDS[kind][0]
    record: dict[str, Any] = {**others, "kind": kind, name: value}
    # The values that look like the personal one come first, to lure a byte search.
    for other in list(others):
        record[other] = record[other] or value
    in_place = personal.seal_canonical(record, canonical_json(record), _counting_salts())
    committed, sealed = personal.seal(record, _counting_salts())
    assert in_place is not None
    assert in_place[0] == canonical_json(committed)
    assert in_place[1] == sealed


def test_a_correction_is_sealed_whole() -> None:
    move = {"kind": "movement", "carrier": "李四"}
    record = {"kind": "correction", "supersedes": 1, "reason": "r", "replacement": move}
    assert personal.seal_canonical(record, canonical_json(record)) is None
