"""docs/ingest.md states every input limit with the default the settings give it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from pigdata.config import Settings
from pigdata.ingest.limits import InputLimits

DOC = Path(__file__).parents[2] / "docs" / "ingest.md"


def test_every_input_limit_is_documented_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    defaults = Settings()
    for name in ["max_upload_bytes", *(f.name for f in fields(InputLimits))]:
        assert f"| `PIGDATA_{name.upper()}` | {getattr(defaults, name)} " in text, name
