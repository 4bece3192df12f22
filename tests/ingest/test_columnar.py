"""The columnar path decides as the models do, for every record kind, and really takes the rows.

Rows of each kind are drawn valid (as a CSV or an API batch spells them) and then bent: a
field given a value from a pool of near misses (padded, other case, empty, too long, of
another type, out of range), dropped, or joined by a field the model does not have.
Wherever the columnar path gives a record, the model must give the same record, the same
fields set, the same JSON body and so the same canonical bytes (checked against an
independent RFC 8785 implementation); every valid row must be taken by the columnar path,
not left to the model.
"""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pigdata.domain.records import KINDS, RECORD_TYPES
from pigdata.ingest.columnar import parse_batch, parser_of
from pigdata.ingest.readers import SourceRow
from pigdata.ledger.entry import canonical_json, record_body

from tests.builders import MARKET
from tests.strategies import PLAIN, bent_rows


def _model(values: dict[str, Any]) -> Any:
    model = RECORD_TYPES.get(values["kind"])
    try:
        return None if model is None else model.model_validate(values)
    except ValidationError:
        return None


def _agrees(values: dict[str, Any]) -> bool:
    """Check the columnar path against the model; tell whether the columnar path took it."""
    parser = parser_of(values["kind"])
    if parser is None:  # a kind misspelt
        return False
    parsed = parser.parse(dict(values))
    parser.forget()
    if parsed is None:
        return False
    record, body = parsed
    model = _model(values)
    assert model is not None, values
    assert record == model
    assert record.__pydantic_fields_set__ == model.__pydantic_fields_set__
    assert body == record_body(model)
    assert canonical_json(body) == rfc8785.dumps(record_body(model))
    return True


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_columnar_path_agrees_with_the_model(kind: str, data: st.DataObject) -> None:
    values = data.draw(bent_rows(kind))
    taken = _agrees(values)
    event("columnar" if taken else "left to the model")
    if not taken:
        # Left to the model only when the model has something to say about the row, or
        # the row holds a value of an unhashable type only the model reads.
        assert _model(values) is None or any(isinstance(v, list | dict) for v in values.values())


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_the_columnar_path_takes_every_valid_row(kind: str, data: st.DataObject) -> None:
    values = data.draw(PLAIN[kind])
    if _model(values) is None:
        event("a drawn row the model refuses")  # a cross-field rule, say
        return
    assert _agrees(values), values


def test_a_batch_is_taken_column_by_column_and_values_are_checked_once() -> None:
    rows = [
        SourceRow(
            "t.csv",
            i,
            {
                "kind": "trade",
                "market": MARKET,
                "date": "2024-10-01",
                "head_count": "10",
                "avg_weight_kg": "110.5",
                "avg_price": "15.2",
            },
        )
        for i in range(2, 500)
    ]
    parsed = parse_batch(rows)
    assert all(p is not None for p in parsed)
    assert len({p.digest for p in parsed if p is not None}) == 1  # the same record each time
    parser = parser_of("trade")
    assert parser is not None and all(not f.seen for f in parser.fields.values())  # let go
