"""Every record kind is declared once, and declared whole: projection, docs, Chinese headers."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from pigdata.domain.records import KINDS, RECORD_TYPES
from pigdata.ingest.context import BatchContext
from pigdata.ingest.headers import FIELD_ALIASES_ZH, KIND_ALIASES_ZH
from pigdata.ledger.personal import PERSONAL_FIELDS
from pigdata.projections.kinds import BY_NAME, ROW_BUILDERS
from pigdata.projections.kinds import KINDS as DECLARED

RECORDS_DOC = (Path(__file__).parent.parent / "docs" / "records.md").read_text(encoding="utf-8")


def test_every_kind_of_the_record_union_is_declared_once() -> None:
    assert [kind.name for kind in DECLARED] == list(KINDS)
    assert all(BY_NAME[name].model is model for name, model in RECORD_TYPES.items())
    assert len({kind.zh for kind in DECLARED}) == len(DECLARED)


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_has_a_projection_a_docs_entry_and_chinese_headers(name: str) -> None:
    kind = BY_NAME[name]
    if name != "correction":  # a correction's rows are the apply's own
        assert ROW_BUILDERS[name] is kind.rows is not None
    assert f"| `{name}` | {kind.docs} |" in RECORDS_DOC
    assert KIND_ALIASES_ZH[kind.zh] == name
    unnamed = [field for field in kind.model.model_fields if field not in FIELD_ALIASES_ZH]
    assert not unnamed, f"{name}: no Chinese header for {unnamed}"


@pytest.mark.parametrize("name", KINDS)
def test_each_kinds_rules_name_its_own_fields(name: str) -> None:
    kind = BY_NAME[name]
    fields = kind.model.model_fields
    assert set(kind.premises_types) <= set(fields)
    if kind.unique is not None:
        assert kind.unique.field in fields
        assert kind.unique.name in BatchContext(size=0).unique_keys
    if kind.timeline is not None:
        assert kind.timeline.field in fields


def test_the_personal_fields_are_text_fields_of_declared_kinds() -> None:
    # The ledger layer keeps its own table of personal fields (it lies below the kinds);
    # this holds the two together: a renamed field or kind would leave a value unsealed.
    for kind, names in PERSONAL_FIELDS.items():
        fields = BY_NAME[kind].model.model_fields
        for name in names:
            assert name in fields, (kind, name)
            assert str in get_args(fields[name].annotation) or fields[name].annotation is str
