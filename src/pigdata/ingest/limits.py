"""Input limits of the readers, and the rejections of rows that break them.

A file beyond a limit that concerns it whole (an XLSX part, a header row) is refused before
anything is recorded, with `TooLarge`; a row beyond a limit is rejected with an `Issue` like
any other rejected row, keeping only the start of its cells, so that no row is ever held in
memory whole when it is larger than the limits allow. The limits are settings
(`pigdata.config.Settings`, PIGDATA_MAX_*); docs/ingest.md lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from pigdata.config import Settings, get_settings
from pigdata.domain.issues import Issue

# Characters of an oversized cell kept in the rejects, so that the row can still be found.
SHOWN_CHARS = 200


@dataclass(frozen=True, slots=True)
class InputLimits:
    """The limits a reader holds a file to (see the settings of the same names)."""

    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_xlsx_part_bytes: int
    max_cell_chars: int
    max_cells_per_row: int
    max_row_bytes: int
    max_json_depth: int

    @classmethod
    def of(cls, settings: Settings) -> InputLimits:
        """Give the limits a node's settings set."""
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})


def limits_or_default(limits: InputLimits | None) -> InputLimits:
    """Give these limits, or those of this process's settings."""
    return limits if limits is not None else InputLimits.of(get_settings())


def shown(value: Any) -> Any:
    """Give a cell as it is kept in the rejects: text cut to its first SHOWN_CHARS."""
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


def shown_cells(cells: Sequence[Any], limits: InputLimits) -> list[Any]:
    """Give a rejected row's cells as kept: at most max_cells_per_row, each cut short."""
    return [shown(c) for c in cells[: limits.max_cells_per_row]]


def row_too_large(limits: InputLimits) -> Issue:
    """Give the rejection of a row larger than max_row_bytes."""
    limit = limits.max_row_bytes
    return Issue(
        "row",
        "limit.row_bytes",
        f"该行超过 {limit} 字节的上限（PIGDATA_MAX_ROW_BYTES），未读取",
        f"the row is larger than the limit of {limit} bytes (PIGDATA_MAX_ROW_BYTES);"
        " it was not read",
    )


def too_many_cells(limits: InputLimits, count: int) -> Issue:
    """Give the rejection of a row with more than max_cells_per_row cells."""
    limit = limits.max_cells_per_row
    return Issue(
        "row",
        "limit.cells_per_row",
        f"该行有 {count} 个单元格，超过 {limit} 的上限（PIGDATA_MAX_CELLS_PER_ROW）",
        f"the row has {count} cells, more than the limit of {limit} (PIGDATA_MAX_CELLS_PER_ROW)",
    )


def cell_too_long(limits: InputLimits, column: str, length: int) -> Issue:
    """Give the rejection of a row with a cell longer than max_cell_chars."""
    limit = limits.max_cell_chars
    return Issue(
        column or "row",
        "limit.cell_chars",
        f"单元格有 {length} 个字符，超过 {limit} 的上限（PIGDATA_MAX_CELL_CHARS）",
        f"the cell has {length} characters, more than the limit of {limit}"
        " (PIGDATA_MAX_CELL_CHARS)",
    )


def too_deep(limit: int, field: str) -> Issue:
    """Give the rejection of a JSON record nested deeper than max_json_depth (`limit`)."""
    return Issue(
        field,
        "limit.json_depth",
        f"JSON 嵌套超过 {limit} 层的上限（PIGDATA_MAX_JSON_DEPTH）；记录应为扁平对象",
        f"the JSON is nested deeper than the limit of {limit} levels"
        " (PIGDATA_MAX_JSON_DEPTH); a record is a flat object",
    )


UNDECODABLE = Issue(
    "row",
    "format.encoding",
    "该行含有无法按文件编码（UTF-8 或 GB18030）解码的字节",
    "the row has bytes that are not valid in the file's encoding (UTF-8 or GB18030)",
)


def first_offence(
    cells: Sequence[Any], headers: Sequence[str], limits: InputLimits
) -> Issue | None:
    """Give the issue of a row whose cells break a limit (count, length), else None."""
    if len(cells) > limits.max_cells_per_row:
        return too_many_cells(limits, len(cells))
    longest = limits.max_cell_chars
    for at, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > longest:
            column = headers[at] if at < len(headers) else f"column {at + 1}"
            return cell_too_long(limits, column, len(cell))
    return None


def nested_deeper(value: Any, limit: int) -> bool:
    """Tell whether a parsed JSON value nests deeper than `limit` (an object alone is 1).

    Walked with a stack of its own, so that no depth can exhaust Python's.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
