"""A premises entry registers one row in `premises`."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day, number
from pigdata.store.tables import premises as table


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows this entry adds."""
    row = {
        "code": body["code"],
        "entry_seq": seq,
        "premises_type": body["premises_type"],
        "name": body["name"],
        "township": body["township"],
        "latitude": number(body, "latitude"),
        "longitude": number(body, "longitude"),
        "capacity_sows": body["capacity_sows"],
        "capacity_finishing": body["capacity_finishing"],
        "owner": body["owner"],
        "opened": day(body, "opened"),
        "closed": day(body, "closed"),
        "signing_key": body.get("signing_key"),
    }
    return [(table, row)]
