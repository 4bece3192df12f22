"""Integer parameters bounded to what the store and a JSON reader can hold.

An integer of the API (query, path or body) that reaches a database must fit the column it
is compared with: beyond it SQLite's driver raises OverflowError and PostgreSQL "out of
range", both 500s. Each bound here is stated in the OpenAPI document (`minimum`,
`maximum`), so that a value outside is refused with 422 problem+json naming the parameter,
and a client (or a fuzzer) reading the schema knows what the node takes.

Ledger indices and sizes are BIGINT, but are bounded tighter, to 2⁵³ − 1: the largest
integer that every JSON reader holds exactly (JavaScript's Number.MAX_SAFE_INTEGER, which
the display centre's scripts and the browser's proof checks use), and a ledger of 9 × 10¹⁵
entries is beyond any node. Uploads are numbered by an INTEGER column (32-bit on
PostgreSQL).
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le

from pigdata.domain.records import LEDGER_INDEX_MAX

INT32_MAX = 2**31 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
JSON_SAFE_MAX = LEDGER_INDEX_MAX  # 2⁵³ − 1, Number.MAX_SAFE_INTEGER

LedgerIndex = Annotated[int, Ge(0), Le(JSON_SAFE_MAX)]
"""An entry's index in the ledger (its `seq`), 0 to 2⁵³ − 1."""

TreeSize = Annotated[int, Ge(1), Le(JSON_SAFE_MAX)]
"""The size of a tree the ledger has had (1 to 2⁵³ − 1 entries)."""

CheckpointSize = Annotated[int, Ge(0), Le(JSON_SAFE_MAX)]
"""The tree size of a signed checkpoint."""

UploadId = Annotated[int, Ge(1), Le(INT32_MAX)]
"""An upload's number (an INTEGER column)."""

Offset = Annotated[int, Ge(0), Le(INT32_MAX)]
"""How many items of a ranked list to skip."""


def int64(value: int) -> bool:
    """Tell whether an integer fits a signed 64-bit column (and the ledger's JSON encoding)."""
    return INT64_MIN <= value <= INT64_MAX


__all__ = [
    "INT32_MAX",
    "INT64_MAX",
    "INT64_MIN",
    "JSON_SAFE_MAX",
    "CheckpointSize",
    "LedgerIndex",
    "Offset",
    "TreeSize",
    "UploadId",
    "int64",
]
