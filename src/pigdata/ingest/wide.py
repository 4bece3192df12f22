"""Trait tables in the wide form of breeding programs: one row per animal, one column per trait.

Each filled trait cell becomes one `phenotype` row for the pipeline; "." , "NA" and empty
cells are missing values. The row keeps its spreadsheet number, so a rejection names the
row (and the trait, as the record's field) that was at fault.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from pigdata.domain.records import Phenotype
from pigdata.ingest.limits import InputLimits
from pigdata.ingest.readers import SourceRow, read_file

MISSING = frozenset({"", ".", "na", "nan", "-", "none", "null"})
# Columns of a trait table that describe the animal or the record rather than a trait.
_NOT_TRAITS = frozenset(Phenotype.model_fields) | {"sire", "dam", "sex", "birth_date", "breed"}


def trait_columns(row: SourceRow) -> list[str]:
    """Give the columns of a row that hold traits."""
    return [name for name in row.values if name not in _NOT_TRAITS]


def read_trait_table(
    path: Path,
    traits: Sequence[str] | None = None,
    herdbook: str | None = None,
    limits: InputLimits | None = None,
) -> Iterator[SourceRow]:
    """Give one phenotype row per filled trait cell of a wide table (all traits if none named)."""
    for row in read_file(path, "phenotype", limits):
        if row.unreadable is not None:
            yield row
            continue
        chosen = list(traits) if traits else trait_columns(row)
        common = {k: v for k, v in row.values.items() if k in _NOT_TRAITS and k != "trait"}
        common["kind"] = "phenotype"
        if herdbook and "herdbook" not in common:
            common["herdbook"] = herdbook
        for trait in chosen:
            value = row.values.get(trait)
            if value is None or str(value).strip().lower() in MISSING:
                continue
            values = {**common, "trait": trait, "value": value}
            yield SourceRow(row.source, row.row_no, values, row.headers, row.cells)
