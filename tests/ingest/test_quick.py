"""The quick movement path decides exactly as the model does, on valid and broken rows alike.

Rows are drawn field by field from canonical values and from misspellings the model either
mends (lower case, hyphens, other separators) or refuses (bad county, wrong length, wrong
type, out of range). Wherever the quick path gives a record, the model must give the same
record, the same fields set and the same JSON body, and so the same canonical bytes.
"""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pigdata.domain.issues import issues_from_validation
from pigdata.domain.records import EARLIEST_DAY, LATEST_DAY, Movement
from pigdata.ingest.pipeline import _parse
from pigdata.ingest.quick import quick_movement
from pigdata.ingest.readers import SourceRow
from pigdata.ledger.entry import canonical_json, record_body

from tests.builders import FARM_A, FARM_B, FARM_SICHUAN, FARM_YONGCHUAN

GOOD_TAGS = ["150015390000000", "150015390000001", "150011800000002"]
BAD_TAGS = [
    "450015390000000",  # unknown species digit
    "199999990000000",  # no such county
    "15001539000000",  # 14 digits
    "1-500153-90000003",  # mended by the model
    "２５００１５３９００００００",  # full-width digits
]
ABSENT = object()

certificates = st.sampled_from(
    ["200100007919", "20010000791A", "ab-12 34", "12345", "A" * 25, " 200100007919", 200100007919]
)
certificate_types = st.sampled_from(["A", "B", "a", "C", "", 1])
days = st.sampled_from(
    [
        "2024-10-14",
        "2024-02-29",
        "2023-02-29",
        "2024-1-5",
        "20241014",
        "2024-10-14T00:00:00",
        "0000-01-01",
        "0001-01-01",
        "1899-12-31",
        "1900-01-01",
        "2999-12-31",
        "3000-01-01",
        "9999-12-31",
        "2024-10-14 ",
        "１９９９-01-01",
        20241014,
    ]
)
places = st.sampled_from(
    [FARM_A, FARM_B, FARM_YONGCHUAN, FARM_SICHUAN, "9999990001", "500153-0002", "500153000", 1]
)
head_counts = st.sampled_from(
    ["1", "2", "10", "100000", "100001", "0", "-1", "1.0", "007", " 7", "1_000", 3, 0, True, 2.0]
)
tag_lists = st.lists(st.sampled_from(GOOD_TAGS + BAD_TAGS), max_size=4)
separators = st.sampled_from([";", ",", " ", "；", "|", "; "])
purposes = st.sampled_from(["slaughter", "breeding", "other", "SLAUGHTER", "", None])
plates = st.sampled_from(["渝A18254", "渝a18254", "渝A 18254", "AB12345", "渝A1825", 5])
carriers = st.sampled_from(["白祥德", "", " 李四", "x" * 200, "x" * 201, "\u3000张三", 7])


@st.composite
def plain_movements(draw: st.DrawFn) -> dict[str, Any]:
    """Give a valid movement row in canonical spelling, as a CSV gives it."""
    origin, destination = draw(
        st.sampled_from(
            [(FARM_A, FARM_B), (FARM_B, FARM_YONGCHUAN), (FARM_A, FARM_SICHUAN)],
        )
    )
    tags = draw(st.lists(st.sampled_from(GOOD_TAGS), max_size=3, unique=True))
    head = draw(st.integers(max(1, len(tags)), 100_000))
    values = {
        "kind": "movement",
        "certificate_no": draw(st.from_regex(r"[0-9A-Z]{6,24}", fullmatch=True)),
        "certificate_type": "A" if origin[:2] != destination[:2] else "B",
        "issue_date": draw(st.dates(EARLIEST_DAY, LATEST_DAY)).isoformat(),
        "origin": origin,
        "destination": destination,
        "head_count": str(head) if draw(st.booleans()) else head,
        "purpose": draw(st.sampled_from(["slaughter", "breeding", "fattening"])),
        "vehicle_plate": "渝A18254",
        "carrier": draw(st.text(st.characters(categories=["Lo", "Lu"]), min_size=1, max_size=20)),
    }
    if tags:
        values["ear_tags"] = ";".join(tags)
    return values


FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "certificate_no": certificates,
    "certificate_type": certificate_types,
    "issue_date": days,
    "origin": places,
    "destination": places,
    "head_count": head_counts,
    "purpose": purposes,
    "vehicle_plate": plates,
    "carrier": carriers,
    "override_reason": st.sampled_from(["疫情处置需要 / ordered by the county", "", 3]),
}


@st.composite
def movement_values(draw: st.DrawFn) -> dict[str, Any]:
    """Give a plain valid movement row with up to three fields changed, dropped or added."""
    values = draw(plain_movements())
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from([*FIELD_VALUES, "ear_tags", "drop", "extra"]))
        if name == "ear_tags":
            tags = draw(tag_lists)
            if draw(st.booleans()):
                values["ear_tags"] = draw(separators).join(tags)
            else:
                values["ear_tags"] = tags
        elif name == "drop":
            values.pop(draw(st.sampled_from(sorted(set(values) - {"kind"}))))
        elif name == "extra":
            values["colour"] = "pink"
        else:
            values[name] = draw(FIELD_VALUES[name])
    return {k: v for k, v in values.items() if v is not None}


def _model(values: dict[str, Any]) -> Movement | None:
    try:
        return Movement.model_validate(values)
    except ValidationError:
        return None


def _same(values: dict[str, Any]) -> None:
    quick = quick_movement(values)
    model = _model(values)
    event("quick path" if quick is not None else "left to the model")
    if quick is None:
        return
    record, body = quick
    assert model is not None, values
    assert record == model
    assert record.__pydantic_fields_set__ == model.__pydantic_fields_set__
    assert body == record_body(model)
    assert canonical_json(body) == canonical_json(record_body(model))
    assert canonical_json(body) == rfc8785.dumps(record_body(model))


@settings(max_examples=600, deadline=None)
@given(movement_values())
def test_quick_path_agrees_with_the_model_on_any_row(values: dict[str, Any]) -> None:
    _same(values)


@settings(max_examples=300, deadline=None)
@given(plain_movements())
def test_quick_path_takes_every_plain_valid_row(values: dict[str, Any]) -> None:
    assert quick_movement(values) is not None
    _same(values)


@settings(max_examples=300, deadline=None)
@given(movement_values())
def test_parse_gives_the_models_decision_and_reasons(values: dict[str, Any]) -> None:
    candidate = _parse(SourceRow("t", 2, dict(values)))
    model = _model(values)
    assert (candidate.record is None) == (model is None)
    if model is None:
        try:
            Movement.model_validate(values)
        except ValidationError as error:
            assert candidate.issues == issues_from_validation(error, "movement")
        assert all(i.field and i.rule and i.zh and i.en for i in candidate.issues)
    else:
        assert candidate.canonical == rfc8785.dumps(record_body(model))


def test_known_mended_and_refused_rows() -> None:
    plain = {
        "kind": "movement",
        "certificate_no": "200100007919",
        "certificate_type": "B",
        "issue_date": "2024-10-14",
        "origin": FARM_A,
        "destination": FARM_B,
        "head_count": "2",
        "ear_tags": "150015390000000;150015390000001",
        "purpose": "slaughter",
        "vehicle_plate": "渝a 18254",
        "carrier": "白祥德",
    }
    found = quick_movement(plain)
    assert found is not None
    record, body = found
    assert body["vehicle_plate"] == "渝A18254" and record.head_count == 2
    assert body["ear_tags"] == ["150015390000000", "150015390000001"]
    # three tags for two head: the model's own rule refuses it, so the quick path steps aside
    assert quick_movement({**plain, "ear_tags": plain["ear_tags"] + ";150011800000002"}) is None
    assert quick_movement({**plain, "destination": FARM_A}) is None
    assert quick_movement({**plain, "ear_tags": "150015390000000;150015390000000"}) is None
    assert quick_movement({**plain, "head_count": " 2"}) is None  # left to the model
    assert quick_movement({k: v for k, v in plain.items() if k != "carrier"}) is None
