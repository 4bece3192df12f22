"""Readers of CSV, XLSX and JSON Lines files: each row as field values plus the raw cells.

Rows are numbered as a spreadsheet shows them (the header is row 1), JSON Lines by line.
A row's kind comes from its kind/记录类型 column, else from the caller, else from the
file's headers (the kind whose required fields are all there).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from pigdata.domain.issues import Issue
from pigdata.domain.records import RECORD_TYPES
from pigdata.ingest.headers import field_for_header, kind_for_text

SUFFIXES = (".csv", ".xlsx", ".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of a source: where it came from, its values by field, and its cells as sent."""

    source: str
    row_no: int
    values: dict[str, Any]
    headers: Sequence[str] = ()
    cells: Sequence[Any] = ()
    unreadable: Issue | None = None  # set when the row could not even be read

    @property
    def raw(self) -> dict[str, Any]:
        """Give the row's cells by their headers as sent (built only for rejected rows)."""
        return {h: "" if c is None else c for h, c in zip(self.headers, self.cells, strict=False)}

    @property
    def layout(self) -> RowLayout | None:
        """Give the columns of the table the row was read from; None for a row sent as a mapping."""
        return None


@dataclass(frozen=True)
class RowLayout:
    """The columns of a table: the field each cell gives (None: ignored), and the rows' kind."""

    fields: tuple[str | None, ...]
    default_kind: str | None  # the kind of a row that does not say it
    _kinds: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def kind_of(self, cells: Sequence[str]) -> str | None:
        """Give a row's kind: its kind cell's, else the default (as its values say)."""
        if "kind" not in self.fields:
            return self.default_kind
        column = self.fields.index("kind")
        text = cells[column] if column < len(cells) else ""
        if not text:
            return self.default_kind
        if text not in self._kinds:
            self._kinds[text] = kind_for_text(text)
        return self._kinds[text]


_set_slot = object.__setattr__  # SourceRow is frozen


class _TextRow(SourceRow):
    """A row of text cells whose values are worked out when first asked for.

    The movement lane reads a bulk file's cells by column and never needs them.
    """

    __slots__ = ("_shaper", "_values")
    _shaper: _RowShaper
    _values: dict[str, Any] | None

    def __init__(self, shaper: _RowShaper, row_no: int, cells: list[str]) -> None:
        # What every row of the file shares is read from the shaper, not stored per row.
        set_slot = _set_slot
        set_slot(self, "row_no", row_no)
        set_slot(self, "cells", cells)
        set_slot(self, "_shaper", shaper)
        set_slot(self, "_values", None)

    @property
    def source(self) -> str:
        return self._shaper.source

    @property
    def headers(self) -> Sequence[str]:
        return self._shaper.headers

    @property
    def unreadable(self) -> Issue | None:
        return None

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            values = self._shaper.text_values(list(self.cells))
            object.__setattr__(self, "_values", values)
            return values
        return self._values

    @property
    def layout(self) -> RowLayout | None:
        return self._shaper.layout


class UnreadableSource(ValueError):
    """A file that cannot be read at all (unknown format, bad encoding, no header)."""


def required_fields(kind: str) -> frozenset[str]:
    """Give the fields a record of this kind cannot do without."""
    model = RECORD_TYPES[kind]
    return frozenset(n for n, f in model.model_fields.items() if f.is_required())


def infer_kind(fields: set[str]) -> str | None:
    """Give the kind whose required fields a header row covers best, or None."""
    best: tuple[int, str] | None = None
    for kind in RECORD_TYPES:
        needed = required_fields(kind)
        if needed <= fields and (best is None or len(needed) > best[0]):
            best = (len(needed), kind)
    return best[1] if best else None


def _cell(value: Any) -> Any:
    # Spreadsheets give dates as datetimes and whole numbers as floats.
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


class _RowShaper:
    """Turns raw cells into field values, deciding each row's kind."""

    def __init__(self, source: str, headers: list[str], kind: str | None) -> None:
        self.source = source
        self.fields = [field_for_header(h) for h in headers]
        self.headers = headers
        known = {f for f in self.fields if f}
        self.default_kind = kind or (None if "kind" in known else infer_kind(known))
        self.layout = RowLayout(tuple(self.fields), self.default_kind)

    def shape(self, row_no: int, cells: list[Any]) -> SourceRow:
        """Give a row of cells that may be of any type (spreadsheets, JSON)."""
        return self._finish(row_no, [_cell(cell) for cell in cells])

    def text_values(self, cells: list[str]) -> dict[str, Any]:
        """Give the field values of a row of trimmed text cells."""
        values = {
            field: value
            for field, value in zip(self.fields, cells, strict=False)
            if field and value
        }
        return self._kind_set(values)

    def _finish(self, row_no: int, cells: list[Any]) -> SourceRow:
        values = {
            field: value
            for field, value in zip(self.fields, cells, strict=False)
            if field and value is not None and value != ""
        }
        return self._with_kind(row_no, values, cells)

    def _with_kind(self, row_no: int, values: dict[str, Any], cells: list[Any]) -> SourceRow:
        return SourceRow(self.source, row_no, self._kind_set(values), self.headers, cells)

    def _kind_set(self, values: dict[str, Any]) -> dict[str, Any]:
        if "kind" in values:
            values["kind"] = kind_for_text(str(values["kind"]))
        elif self.default_kind:
            values["kind"] = self.default_kind
        return values


def _text_stream(path: Path) -> io.TextIOWrapper:
    # Chinese spreadsheets are often saved as GB18030; try UTF-8 first on a sample.
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    encoding = "utf-8-sig"
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:
            encoding = "gb18030"
    return open(path, encoding=encoding, newline="")


def read_csv(path: Path, kind: str | None = None) -> Iterator[SourceRow]:
    """Give the rows of a CSV file with a header row."""
    with _text_stream(path) as stream:
        reader = csv.reader(stream)
        headers = next(reader, None)
        if not headers:
            raise UnreadableSource(f"{path.name}: 文件为空或没有表头 / empty file or no header row")
        # Imported here: the price-table layouts build on this module's SourceRow.
        from pigdata.ingest import price_tables

        if kind in (None, "price_quote") and price_tables.is_price_table(headers):
            yield from price_tables.price_rows(path.name, headers, _trimmed(reader))
            return
        shaper = _RowShaper(path.name, headers, kind)
        make = _TextRow
        for row_no, cells in _trimmed(reader):
            yield make(shaper, row_no, cells)


def _trimmed(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Give the non-empty rows of a CSV reader, cells trimmed, numbered as a spreadsheet does."""
    strip = str.strip
    row_no = 1
    for cells in reader:
        row_no += 1
        trimmed = list(map(strip, cells))
        if any(trimmed):
            yield row_no, trimmed


def read_xlsx(path: Path, kind: str | None = None) -> Iterator[SourceRow]:
    """Give the rows of the first worksheet of an XLSX workbook with a header row."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if not header_cells or not any(header_cells):
            raise UnreadableSource(f"{path.name}: 工作表没有表头 / the worksheet has no header row")
        headers = ["" if h is None else str(h) for h in header_cells]
        shaper = _RowShaper(path.name, headers, kind)
        for row_no, cells in enumerate(rows, start=2):
            if any(c not in (None, "") for c in cells):
                yield shaper.shape(row_no, list(cells))
    finally:
        workbook.close()


def read_jsonl(path: Path, kind: str | None = None) -> Iterator[SourceRow]:
    """Give the objects of a JSON Lines file, one per line."""
    shapers: dict[tuple[str, ...], _RowShaper] = {}  # lines of a file mostly share their keys
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                parsed = orjson.loads(line)
            except orjson.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, dict):
                # Not an object: passed on as a row whose only value is the text, to be rejected.
                text = line.decode("utf-8", "replace").strip()
                problem = Issue(
                    "line",
                    "format.json_object",
                    "该行不是 JSON 对象",
                    "the line is not a JSON object",
                )
                yield SourceRow(path.name, line_no, {}, ("line",), (text,), problem)
                continue
            keys = tuple(parsed)
            shaper = shapers.get(keys)
            if shaper is None:
                shaper = shapers[keys] = _RowShaper(path.name, list(keys), kind)
            yield shaper.shape(line_no, list(parsed.values()))


def read_file(path: Path, kind: str | None = None) -> Iterator[SourceRow]:
    """Give the rows of a CSV, XLSX or JSON Lines file, chosen by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, kind)
    if suffix == ".xlsx":
        return read_xlsx(path, kind)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path, kind)
    raise UnreadableSource(
        f"{path.name}: 不支持的文件类型 {suffix}，应为 CSV、XLSX 或 JSONL / "
        f"unsupported file type {suffix}; use CSV, XLSX or JSON Lines"
    )
