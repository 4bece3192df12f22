"""A pedigree entry registers one herdbook animal; a phenotype entry adds one trait value."""

from __future__ import annotations

import sqlalchemy as sa

from pigdata.projections._values import Row, day, number
from pigdata.store import tables as t


def rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows a pedigree entry adds."""
    row = {
        "herdbook": body.get("herdbook") or "",
        "registry_id": body["registry_id"],
        "entry_seq": seq,
        "sire": body.get("sire"),
        "dam": body.get("dam"),
        "sex": body.get("sex"),
        "birth_date": day(body, "birth_date"),
        "birth_year": body.get("birth_year"),
        "breed": body.get("breed"),
        "herd": body.get("herd"),
    }
    return [(t.pedigree_animals, row)]


def phenotype_rows(seq: int, body: Row) -> list[tuple[sa.Table, Row]]:
    """Give the rows a phenotype entry adds."""
    row = {
        "entry_seq": seq,
        "herdbook": body.get("herdbook") or "",
        "registry_id": body["registry_id"],
        "trait": body["trait"],
        "value": number(body, "value"),
        "contemporary_group": body.get("group"),
        "date": day(body, "date"),
    }
    return [(t.phenotypes, row)]
