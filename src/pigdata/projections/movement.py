"""A movement adds its certificate row and one `movement_tags` row per listed ear tag."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day
from pigdata.store import tables as t


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    movement = {
        "entry_seq": seq,
        "certificate_no": body["certificate_no"],
        "certificate_type": body["certificate_type"],
        "issue_date": day(body, "issue_date"),
        "origin": body["origin"],
        "destination": body["destination"],
        "head_count": body["head_count"],
        "purpose": body["purpose"],
        "vehicle_plate": body["vehicle_plate"],
        "carrier": body["carrier"],
    }
    added: list[tuple[sa.Table, Row]] = [(t.movements, movement)]
    added.extend((t.movement_tags, {"ear_tag": tag, "entry_seq": seq}) for tag in body["ear_tags"])
    return added
