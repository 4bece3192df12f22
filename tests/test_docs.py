"""The documentation says what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from pigdata.domain.records import KINDS
from pigdata.ingest.headers import FIELD_ALIASES_ZH, KIND_ALIASES_ZH

DOCS = Path(__file__).parent.parent / "docs"
README = Path(__file__).parent.parent / "README.md"


def test_header_table_matches_the_code() -> None:
    text = (DOCS / "ingest.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|$", text, flags=re.MULTILINE))
    assert {field: tuple(names.split("、")) for field, names in rows.items()} == FIELD_ALIASES_ZH
    kinds = dict(re.findall(r"^\| (\S+) \| `(\w+)` \|$", text, flags=re.MULTILINE))
    assert kinds == KIND_ALIASES_ZH


def test_records_doc_names_every_kind() -> None:
    text = (DOCS / "records.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind}`" in text


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    assert ".ci/run" in text or "CI" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
