"""Readers of CSV, XLSX and JSON Lines files: each row as field values plus the raw cells.

Rows are numbered as a spreadsheet shows them (the header is row 1), JSON Lines by line.
A row's kind comes from its kind/记录类型 column, else from the caller, else from the
file's headers (the kind whose required fields are all there).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from pigdata.domain.issues import Issue
from pigdata.domain.records import RECORD_TYPES
from pigdata.errors import InvalidInput, TooLarge
from pigdata.ingest.headers import field_for_header, kind_for_text
from pigdata.ingest.limits import (
    UNDECODABLE,
    InputLimits,
    first_offence,
    limits_or_default,
    nested_deeper,
    row_too_large,
    shown,
    shown_cells,
    too_deep,
)
from pigdata.ingest.lines import BoundedLines, line_reader, sample_of
from pigdata.ingest.xlsx_guard import UnreadableWorkbook, check_workbook

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


class UnreadableSource(InvalidInput):
    """A file that cannot be read at all (unknown format, bad encoding, no header)."""

    rule = "source.unreadable"

    def __init__(self, message: str) -> None:
        zh, _, en = message.partition(" / ")
        super().__init__(zh, en or zh)


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
    # (Only within 64 bits: beyond, the float stays, and the field's bound rejects the row.)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
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


def _encoding_of(sample: bytes) -> str:
    # Chinese spreadsheets are often saved as GB18030; try UTF-8 first on a sample.
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not merely a character cut by the sample's end
            return "gb18030"
    return "utf-8-sig"


def _header_row(
    source: str, reader: Iterator[list[str]], lines: BoundedLines, limits: InputLimits
) -> list[str]:
    """Give a CSV file's header row, refusing the file when it cannot be read or is too large."""
    headers = next(reader, None)
    trouble = lines.next_record()
    if trouble == "too_large":
        issue = row_too_large(limits)
        raise TooLarge(f"{source}：表头{issue.zh}", f"{source}: header {issue.en}", rule=issue.rule)
    if trouble == "undecodable":
        raise UnreadableSource(f"{source}: 表头{UNDECODABLE.zh} / the header {UNDECODABLE.en}")
    if not headers:
        raise UnreadableSource(f"{source}: 文件为空或没有表头 / empty file or no header row")
    _check_header(source, headers, limits)
    return headers


def _check_header(source: str, headers: Sequence[str], limits: InputLimits) -> None:
    issue = first_offence(headers, headers, limits)
    if issue is not None:
        raise TooLarge(f"{source}：表头{issue.zh}", f"{source}: header {issue.en}", rule=issue.rule)


def read_csv(
    path: Path, kind: str | None = None, limits: InputLimits | None = None
) -> Iterator[SourceRow]:
    """Give the rows of a CSV file with a header row."""
    limits = limits_or_default(limits)
    if csv.field_size_limit() < limits.max_row_bytes:
        csv.field_size_limit(limits.max_row_bytes)  # our record bound is the one that counts
    sample = sample_of(path)
    with path.open("rb") as handle:
        lines = BoundedLines(
            line_reader(handle, sample), _encoding_of(sample), limits.max_row_bytes
        )
        reader = csv.reader(lines)
        headers = _header_row(path.name, reader, lines, limits)
        rejected: list[SourceRow] = []  # rows that broke a limit, given in their place
        records = _records(reader, lines, _Refusals(path.name, headers, limits, rejected))
        # Imported here: the price-table layouts build on this module's SourceRow.
        from pigdata.ingest import price_tables

        if kind in (None, "price_quote") and price_tables.is_price_table(headers):
            rows: Iterator[SourceRow] = price_tables.price_rows(path.name, headers, records)
            for row in rows:
                if rejected:
                    yield from rejected
                    rejected.clear()
                yield row
        else:
            shaper = _RowShaper(path.name, headers, kind)
            make = _TextRow
            for row_no, cells in records:
                if rejected:
                    yield from rejected
                    rejected.clear()
                yield make(shaper, row_no, cells)
        yield from rejected


@dataclass(frozen=True, slots=True)
class _Refusals:
    """Where the rows of a file that break a limit go, as rejected rows."""

    source: str
    headers: Sequence[str]
    limits: InputLimits
    rows: list[SourceRow]

    def add(self, row_no: int, cells: Sequence[Any], issue: Issue) -> None:
        cells = shown_cells(cells, self.limits)
        self.rows.append(SourceRow(self.source, row_no, {}, self.headers, cells, issue))


def _records(
    reader: Iterator[list[str]], lines: BoundedLines, refusals: _Refusals
) -> Iterator[tuple[int, list[str]]]:
    """Give the non-empty rows of a CSV reader, cells trimmed, numbered as a spreadsheet does.

    Rows that cannot be read or break a limit go to `refusals` instead.
    """
    strip = str.strip
    next_record = lines.next_record
    limits = refusals.limits
    most_cells, longest = limits.max_cells_per_row, limits.max_cell_chars
    row_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row_no += 1
            next_record()
            refusals.add(row_no, [], _malformed(error))
            continue
        row_no += 1
        trouble = next_record()
        trimmed = list(map(strip, cells))
        if trouble is not None:
            issue = row_too_large(limits) if trouble == "too_large" else UNDECODABLE
            refusals.add(row_no, trimmed, issue)
        elif len(trimmed) > most_cells or lines.size > longest:
            offence = first_offence(trimmed, refusals.headers, limits)
            if offence is not None:
                refusals.add(row_no, trimmed, offence)
            elif any(trimmed):
                yield row_no, trimmed
        elif any(trimmed):
            yield row_no, trimmed


def _malformed(error: csv.Error) -> Issue:
    return Issue(
        "row", "format.csv", f"该行不是有效的 CSV：{error}", f"the row is not valid CSV: {error}"
    )


def read_xlsx(
    path: Path, kind: str | None = None, limits: InputLimits | None = None
) -> Iterator[SourceRow]:
    """Give the rows of the first worksheet of an XLSX workbook with a header row."""
    limits = limits_or_default(limits)
    try:
        check_workbook(path, limits)
    except UnreadableWorkbook as error:
        raise UnreadableSource(f"{path.name}: {error}") from error
    return _xlsx_rows(path, kind, limits)


def _xlsx_rows(path: Path, kind: str | None, limits: InputLimits) -> Iterator[SourceRow]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # the library's many ways of saying "not a workbook"
        raise UnreadableSource(
            f"{path.name}: 不是有效的 XLSX 文件 / not a valid XLSX file"
        ) from error
    row_no = 1
    try:
        sheet = workbook.worksheets[0]
        if isinstance(sheet, ReadOnlyWorksheet):
            sheet.reset_dimensions()  # rows as the sheet has them, not padded to what it claims
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if not header_cells or not any(header_cells):
            raise UnreadableSource(f"{path.name}: 工作表没有表头 / the worksheet has no header row")
        headers = ["" if h is None else str(h) for h in header_cells]
        _check_header(path.name, headers, limits)
        shaper = _RowShaper(path.name, headers, kind)
        for row_no, cells in enumerate(rows, start=2):
            if any(c not in (None, "") for c in cells):
                issue = first_offence(cells, headers, limits)
                if issue is None:
                    yield shaper.shape(row_no, list(cells))
                else:
                    yield SourceRow(
                        path.name, row_no, {}, headers, shown_cells(cells, limits), issue
                    )
    except UnreadableSource:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise UnreadableSource(
            f"{path.name}: 第 {row_no + 1} 行附近无法读取 / cannot be read near row {row_no + 1}"
        ) from error
    finally:
        workbook.close()


_NOT_JSON = object()


def read_jsonl(
    path: Path, kind: str | None = None, limits: InputLimits | None = None
) -> Iterator[SourceRow]:
    """Give the objects of a JSON Lines file, one per line."""
    limits = limits_or_default(limits)
    bound = limits.max_row_bytes
    brackets = limits.max_json_depth  # fewer brackets than this cannot nest deeper
    shapers: dict[tuple[str, ...], _RowShaper] = {}  # lines of a file mostly share their keys
    with path.open("rb") as handle:
        readline = handle.readline
        line_no = 0
        while line := readline(bound + 1):
            line_no += 1
            if len(line) > bound and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # passed over, never held whole
                    line = readline(1 << 16)
                problem = row_too_large(limits)
                yield SourceRow(path.name, line_no, {}, ("line",), ("",), problem)
                continue
            if not line.strip():
                continue
            try:
                parsed = orjson.loads(line)
            except orjson.JSONDecodeError:
                parsed = _NOT_JSON
            if (
                type(parsed) is dict
                and len(parsed) <= limits.max_cells_per_row
                and (
                    line.count(b"{") + line.count(b"[") <= brackets
                    or not nested_deeper(parsed, limits.max_json_depth)
                )
                and (len(line) <= limits.max_cell_chars or _strings_fit(parsed, limits))
            ):
                keys = tuple(parsed)
                shaper = shapers.get(keys)
                if shaper is None:
                    shaper = shapers[keys] = _RowShaper(path.name, list(keys), kind)
                yield shaper.shape(line_no, list(parsed.values()))
            else:
                yield _json_refusal(path.name, line_no, line, parsed, limits)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _strings_fit(parsed: dict[str, Any], limits: InputLimits) -> bool:
    longest = limits.max_cell_chars
    return not any(isinstance(v, str) and len(v) > longest for v in parsed.values())


def _json_refusal(
    source: str, line_no: int, line: bytes, parsed: Any, limits: InputLimits
) -> SourceRow:
    """Give the rejected row of a line that is not a JSON object or breaks a limit."""
    text = line.decode("utf-8", "replace").strip()
    if parsed is _NOT_JSON or not isinstance(parsed, dict):
        if parsed is _NOT_JSON and not _is_utf8(line):
            problem = UNDECODABLE
        elif line.count(b"{") + line.count(b"[") > limits.max_json_depth and (
            parsed is _NOT_JSON or nested_deeper(parsed, limits.max_json_depth)
        ):
            problem = too_deep(limits.max_json_depth, "line")
        else:
            problem = Issue(
                "line", "format.json_object", "该行不是 JSON 对象", "the line is not a JSON object"
            )
        return SourceRow(source, line_no, {}, ("line",), (shown(text),), problem)
    keys = list(parsed)
    deep = [k for k in keys if nested_deeper(parsed[k], limits.max_json_depth - 1)]
    if deep:
        problem = too_deep(limits.max_json_depth, deep[0])
        return SourceRow(source, line_no, {}, ("line",), (shown(text),), problem)
    values = [
        v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for v in parsed.values()
    ]
    problem = first_offence(values, keys, limits) or row_too_large(limits)
    return SourceRow(
        source, line_no, {}, keys[: limits.max_cells_per_row], shown_cells(values, limits), problem
    )


def read_file(
    path: Path, kind: str | None = None, limits: InputLimits | None = None
) -> Iterator[SourceRow]:
    """Give the rows of a CSV, XLSX or JSON Lines file, chosen by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, kind, limits)
    if suffix == ".xlsx":
        return read_xlsx(path, kind, limits)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path, kind, limits)
    raise UnreadableSource(
        f"{path.name}: 不支持的文件类型 {suffix}，应为 CSV、XLSX 或 JSONL / "
        f"unsupported file type {suffix}; use CSV, XLSX or JSON Lines"
    )
