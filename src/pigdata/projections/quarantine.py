"""The quarantine station's entries: a batch, a test result, a decision.

A release decision also registers each released animal in the herdbook the decision names,
under its foreign ID, with the destination farm as its herd: those `pedigree_animals` rows
carry the decision's entry, so that a correction of the decision takes them back.
"""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day
from pigdata.store import tables as t


def batch_rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the row an import batch adds."""
    row = {
        "entry_seq": seq,
        "batch_id": body["batch_id"],
        "station": body["station"],
        "origin_country": body["origin_country"],
        "origin_farm": body["origin_farm"],
        "breed": body["breed"],
        "herdbook": body["herdbook"],
        "head_count": body["head_count"],
        "foreign_ids": ";".join(body["foreign_ids"]),
        "import_permit": body["import_permit"],
        "arrival_date": day(body, "arrival_date"),
        "pens": ";".join(body["pens"]),
    }
    return [(t.quarantine_batches, row)]


def test_rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the row a test result adds."""
    row = {
        "entry_seq": seq,
        "batch_id": body["batch_id"],
        "station": body["station"],
        "sample_date": day(body, "sample_date"),
        "disease": body["disease"],
        "method": body["method"],
        "result": body["result"],
        "samples": body.get("samples", 1),
    }
    return [(t.quarantine_tests, row)]


def decision_rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows a decision adds: itself, its releases and the herdbook registrations."""
    releases = body.get("releases") or []
    decision = {
        "entry_seq": seq,
        "batch_id": body["batch_id"],
        "station": body["station"],
        "date": day(body, "date"),
        "outcome": body["outcome"],
        "head_released": sum(r["head_count"] for r in releases),
        "reason": body.get("reason"),
    }
    added: list[tuple[sa.Table, Row]] = [(t.quarantine_decisions, decision)]
    for release in releases:
        added.append(
            (
                t.quarantine_releases,
                {
                    "certificate_no": release["certificate_no"],
                    "entry_seq": seq,
                    "station": body["station"],
                    "destination": release["destination"],
                    "head_count": release["head_count"],
                    "date": day(body, "date"),
                },
            )
        )
        added.extend(
            (t.pedigree_animals, _registration(seq, body, release["destination"], foreign_id))
            for foreign_id in release["foreign_ids"]
        )
    return added


def _registration(seq: int, body: Row, herd: str, foreign_id: str) -> Row:
    return {
        "herdbook": body["herdbook"],
        "registry_id": foreign_id,
        "entry_seq": seq,
        "sire": None,
        "dam": None,
        "sex": None,
        "birth_date": None,
        "birth_year": None,
        "breed": body.get("breed"),
        "herd": herd,
    }
