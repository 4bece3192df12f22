"""Rows of the projection tables as the record listings give them (`services.catalogue`).

Each model is made from its table's columns, in their order, so that a column added to a
table is in the answer's schema too (a model written beside the table would drift from it).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, create_model

from pigdata.store import tables as t


def _field(column: sa.Column[Any]) -> tuple[Any, Any]:
    kind: Any = column.type.python_type
    # Always in the row, so required; a nullable column's value may be null.
    return (kind | None if column.nullable else kind, ...)


def row_model(table: sa.Table, name: str, **extra: tuple[Any, Any]) -> type[BaseModel]:
    """Give the model of one row of a table, with extra fields after its columns."""
    fields: dict[str, Any] = {column.name: _field(column) for column in table.columns}
    fields.update(extra)
    return create_model(name, __doc__=f"A row of {table.name}.", **fields)


def many(model: type[BaseModel]) -> Any:
    """Give the type of a list of a model's rows (a type made at run time)."""
    return list.__class_getitem__(model)


Premises = row_model(t.premises, "PremisesRow")
Animal = row_model(t.animals, "AnimalRow")
HerdReport = row_model(t.herd_reports, "HerdReportRow")
Movement = row_model(t.movements, "MovementRow", ear_tags=(list[str], ...))
Trade = row_model(t.trades, "TradeRow")
Slaughter = row_model(t.slaughters, "SlaughterRow")
PriceQuote = row_model(t.price_quotes, "PriceQuoteRow")
OutbreakReport = row_model(t.outbreak_reports, "OutbreakReportRow")
