"""A premises vouches for its own records with its Ed25519 key; the ledger keeps who did."""

from __future__ import annotations

import base64

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.domain.records import record_adapter
from pigdata.ledger.entry import canonical_json, decode_entry, record_body
from pigdata.ledger.keys import SignerKey
from pigdata.projections.audit import audit
from pigdata.store import tables as t

from tests.builders import (
    FARM_B,
    RONGCHANG_TOWN,
    district,
    herd_report,
    ingest,
    issues_of,
    premises,
)

SIGNED_FARM = "5001530009"


def signed(record: dict[str, object], key: SignerKey) -> dict[str, object]:
    """Give the record with the signature a farm's own software would add."""
    canonical = canonical_json(record_body(record_adapter.validate_python(record)))
    return {**record, "_signature": base64.b64encode(key.sign(canonical)).decode()}


def test_signed_records_carry_who_vouched(engine: Engine, settings: Settings) -> None:
    key = SignerKey.generate("farm-5001530009")
    other = SignerKey.generate("someone-else")
    farm = premises(SIGNED_FARM, RONGCHANG_TOWN, signing_key=key.verifier().to_text())
    summary = ingest(
        engine,
        settings,
        [
            *district(),
            signed(farm, key),
            signed(herd_report(SIGNED_FARM, "2024-05"), key),
            signed(herd_report(SIGNED_FARM, "2024-06"), other),
            {**herd_report(SIGNED_FARM, "2024-07"), "_signature": "not base64!"},
            signed(herd_report(FARM_B, "2024-05"), key),
            herd_report(SIGNED_FARM, "2024-08"),
        ],
    )
    assert issues_of(summary) == {
        8: {"signature.invalid"},
        9: {"signature.invalid"},
        10: {"signature.no_key"},
    }
    with engine.connect() as conn:
        entries = {
            row.seq: decode_entry(bytes(row.entry))
            for row in conn.execute(sa.select(t.ledger_entries.c.seq, t.ledger_entries.c.entry))
        }
    assert entries[6]["vouched"]["premises"] == SIGNED_FARM
    assert entries[7]["vouched"]["key"] == key.verifier().to_text()
    assert "vouched" not in entries[8]  # the unsigned report of 2024-08
    assert audit(engine, None) == []
