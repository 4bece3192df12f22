"""An animal entry registers one row in `animals`."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day
from pigdata.store import tables as t


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    row = {
        "ear_tag": body["ear_tag"],
        "entry_seq": seq,
        "species": body["species"],
        "breed": body["breed"],
        "sex": body["sex"],
        "birth_date": day(body, "birth_date"),
        "birth_premises": body["birth_premises"],
        "sire": body.get("sire"),
        "dam": body.get("dam"),
    }
    return [(t.animals, row)]
