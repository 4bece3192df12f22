"""A quick path for the commonest rows: movements whose cells are already in canonical form.

Validating a movement through its pydantic model costs three quarters of the write path's
parsing time, most of it in the model machinery rather than in the rules. Here a row whose
every value is plain, stripped text (or an integer head count) already in the one spelling
the model would give it is checked field by field with the model's own parsers and its own
cross-field validator, and the record and its JSON body are built directly.

The quick path never rejects anything: a row it is not sure of gives None and goes through
the model, which accepts or rejects it and names the field and rule. So the decisions, the
records and their canonical bytes are the model's (a hypothesis test compares the two paths
on random valid and broken rows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic_core import PydanticCustomError

from pigdata.domain import codes
from pigdata.domain.records import EARLIEST_DAY, LATEST_DAY, CertificateType, Movement, Purpose
from pigdata.domain.records import _split_list as split_tag_cell

Body = dict[str, Any]

_ASCII_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ASCII_HEAD_COUNT = re.compile(r"[1-9][0-9]{0,5}")
_TAG_CELL = re.compile(r"[0-9]{15}(?:;[0-9]{15})*")  # the usual spelling of a list of tags
_SPECIES_DIGITS = frozenset(codes.SPECIES_DIGIT.values())
# The fields built here; a row with any other field of the model (such as an official's
# override reason) goes through the model, so nothing it says is dropped.
_MOVEMENT_FIELDS = frozenset(
    {
        "kind",
        "certificate_no",
        "certificate_type",
        "issue_date",
        "origin",
        "destination",
        "head_count",
        "ear_tags",
        "purpose",
        "vehicle_plate",
        "carrier",
    }
)
# The model's other fields, none of them in the row: their defaults, as the model sets them.
_MOVEMENT_DEFAULTS = {
    name: field.get_default(call_default_factory=True)
    for name, field in Movement.model_fields.items()
    if name not in _MOVEMENT_FIELDS
}
_MOVEMENT_REQUIRED = frozenset(n for n, f in Movement.model_fields.items() if f.is_required())
_CERTIFICATE_TYPES = {member.value: member for member in CertificateType}
_PURPOSES = {member.value: member for member in Purpose}
_MAX_TEXT = 200
_MAX_TAGS = 10_000
_MAX_HEAD = 100_000

# The model's own after-validator, called as a plain function on the built record.
_ROUTE_RULES: Callable[[Movement], Movement] = Movement._route  # type: ignore[assignment]
_new = object.__new__
_set = object.__setattr__


def _plain(value: Any) -> bool:
    # Exactly str and nothing to strip: what the model's str_strip_whitespace would keep.
    return type(value) is str and bool(value) and not value[0].isspace() and not value[-1].isspace()


def _day(text: Any) -> date | None:
    if type(text) is not str or not _ASCII_DAY.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None  # else the model names the rule


def _head_count(value: Any) -> int | None:
    if type(value) is int:
        return value if 1 <= value <= _MAX_HEAD else None
    if type(value) is str and _ASCII_HEAD_COUNT.fullmatch(value):
        count = int(value)
        return count if count <= _MAX_HEAD else None
    return None


def _ear_tags(value: Any) -> list[str] | None:
    if value is None:
        return []
    if type(value) is list:  # as API batches send them
        if len(value) > _MAX_TAGS or not all(_plain(tag) for tag in value):
            return None
        return [codes.parse_ear_tag(tag) for tag in value]
    if type(value) is not str:
        return None
    if _TAG_CELL.fullmatch(value):
        # Canonical tags already: parse_ear_tag would only check the species and county.
        parts = value.split(";")
        if all(p[0] in _SPECIES_DIGITS and codes.is_county(p[1:7]) for p in parts):
            return parts if len(parts) <= _MAX_TAGS else None
        return None
    parts = split_tag_cell(value)
    if len(parts) > _MAX_TAGS:
        return None
    return [codes.parse_ear_tag(part) for part in parts]


def _model(cls: type[Movement], fields: dict[str, Any], given: set[str]) -> Movement:
    # What BaseModel.model_construct does, without its per-field loop: the values are
    # already validated. A test checks the result equals the model's own, fields_set too.
    record = _new(cls)
    _set(record, "__dict__", fields)
    _set(record, "__pydantic_fields_set__", given)
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


def quick_movement(values: dict[str, Any]) -> tuple[Movement, Body] | None:
    """Give the movement and its JSON body, or None when the model must decide."""
    keys = values.keys()
    if not keys <= _MOVEMENT_FIELDS or not keys >= _MOVEMENT_REQUIRED:
        return None
    try:
        return _build_movement(values)
    except (PydanticCustomError, KeyError, TypeError):
        return None


def _build_movement(values: dict[str, Any]) -> tuple[Movement, Body] | None:
    certificate_no, issue_text, origin, destination, plate, carrier = (
        values["certificate_no"],
        values["issue_date"],
        values["origin"],
        values["destination"],
        values["vehicle_plate"],
        values["carrier"],
    )
    if not (
        values["kind"] == "movement"
        and _plain(certificate_no)
        and _plain(origin)
        and _plain(destination)
        and _plain(plate)
        and _plain(carrier)
        and len(carrier) <= _MAX_TEXT
    ):
        return None
    certificate_type = _CERTIFICATE_TYPES.get(values["certificate_type"])
    purpose = _PURPOSES.get(values["purpose"])
    issue_date = _day(issue_text)
    head_count = _head_count(values["head_count"])
    ear_tags = _ear_tags(values.get("ear_tags"))
    if None in (certificate_type, purpose, issue_date, head_count, ear_tags):
        return None
    fields = {
        "kind": "movement",
        "certificate_no": codes.parse_certificate_number(certificate_no),
        "certificate_type": certificate_type,
        "issue_date": issue_date,
        "origin": codes.parse_registration_code(origin),
        "destination": codes.parse_registration_code(destination),
        "head_count": head_count,
        "ear_tags": ear_tags,
        "purpose": purpose,
        "vehicle_plate": codes.parse_vehicle_plate(plate),
        "carrier": carrier,
    }
    record = _model(Movement, {**fields, **_MOVEMENT_DEFAULTS}, set(values))
    _ROUTE_RULES(record)  # the model's own cross-field rules; raises if one is broken
    body = dict(fields)
    body["certificate_type"] = certificate_type.value  # type: ignore[union-attr]
    body["issue_date"] = issue_text
    body["ear_tags"] = list(ear_tags)  # type: ignore[arg-type]
    body["purpose"] = purpose.value  # type: ignore[union-attr]
    return record, body


QUICK_PARSERS: dict[str, Callable[[dict[str, Any]], tuple[Any, Body] | None]] = {
    "movement": quick_movement,
}
