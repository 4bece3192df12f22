"""A slaughter adds its day's row and marks each recovered ear tag as slaughtered."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day, number
from pigdata.store import tables as t


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    slaughter = {
        "entry_seq": seq,
        "slaughterhouse": body["slaughterhouse"],
        "date": day(body, "date"),
        "head_count": body["head_count"],
        "carcass_weight_kg": number(body, "carcass_weight_kg"),
    }
    added: list[tuple[sa.Table, Row]] = [(t.slaughters, slaughter)]
    added.extend((t.slaughter_tags, {"ear_tag": tag, "entry_seq": seq}) for tag in body["ear_tags"])
    return added
