"""Checks of an XLSX workbook before it is opened: sizes, ratios, and what its sheets hold.

An XLSX file is a zip of XML parts. The spreadsheet library reads every part but the
worksheets whole (the shared strings among them) and streams the worksheets row by row,
building each row's XML elements, text included, in memory. So before it opens a file:

- the parts' declared sizes are checked (the zip reader never gives more than a part
  declares, so a part cannot grow past the check): their total, each part's ratio to its
  compressed size, and the size of each part that is read whole;
- each worksheet is run through once, decompressed a block at a time: it must be well-formed
  XML (so a bad byte cannot stop the reading half-way, after batches were committed), no run
  of text or tag may be longer than a cell may be, no row element larger than a row may be,
  and no row number beyond the sheet's 1,048,576 rows.

Whatever breaks a check refuses the whole file before anything is recorded.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from pyexpat import ExpatError, ParserCreate

import numpy as np

from pigdata.errors import InvalidInput, TooLarge
from pigdata.ingest.limits import InputLimits

_BLOCK = 1 << 20
# Below this size a part's ratio says nothing (a few repeated bytes compress a hundredfold).
_RATIO_FLOOR = 1 << 20
# Bytes of XML a cell's characters may take: UTF-8 and escapes such as &amp; and &#x4E00;.
BYTES_PER_CHAR = 8
MAX_SHEET_ROWS = 1_048_576
_ROW_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]{0,31}:)?(row|sheetData)[\s/>]")
_ROW_NUMBER = re.compile(rb'\sr\s*=\s*["\'](\d{1,15})["\']')
_TAG_ROOM = 512  # bytes of a row's start tag read for its number (spans, styles, heights)


class UnreadableWorkbook(InvalidInput):
    """A workbook that is not a readable XLSX file (the reader gives it its file name)."""

    rule = "upload.unreadable"

    def __init__(self, message: str) -> None:
        # One "中文 / English" line; a few put the slash right after a full-width bracket.
        zh, slash, en = message.partition(" / ")
        if not slash:
            zh, _, en = message.partition("/ ")
        super().__init__(zh, en or zh)
        # The reader puts the line after the file's name as it was written: keep it whole.
        self.args = (message,)


def check_workbook(path: Path, limits: InputLimits) -> None:
    """Refuse a workbook whose parts or sheets are beyond the limits; give nothing else."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableWorkbook("不是有效的 XLSX 文件 / not a valid XLSX file") from error
    with archive:
        parts = archive.infolist()
        _check_sizes(path.name, parts, limits)
        for part in parts:
            if _is_worksheet(part.filename):
                try:
                    _check_sheet(path.name, archive, part, limits)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
                    raise UnreadableWorkbook(
                        f"工作表 {part.filename} 已损坏 / the worksheet {part.filename} is damaged"
                    ) from error


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _refuse(source: str, rule: str, zh: str, en: str) -> TooLarge:
    return TooLarge(f"{source}：{zh}", f"{source}: {en}", rule=rule)


def _check_sizes(source: str, parts: list[zipfile.ZipInfo], limits: InputLimits) -> None:
    total = sum(p.file_size for p in parts)
    if total > limits.max_uncompressed_bytes:
        raise _refuse(
            source,
            "limit.uncompressed_bytes",
            f"解压后共 {total} 字节，超过 {limits.max_uncompressed_bytes} 字节的上限"
            "（PIGDATA_MAX_UNCOMPRESSED_BYTES）",
            f"the workbook holds {total} bytes uncompressed, more than the limit of "
            f"{limits.max_uncompressed_bytes} (PIGDATA_MAX_UNCOMPRESSED_BYTES)",
        )
    for part in parts:
        size, packed = part.file_size, max(part.compress_size, 1)
        if size > _RATIO_FLOOR and size > limits.max_compression_ratio * packed:
            raise _refuse(
                source,
                "limit.compression_ratio",
                f"部件 {part.filename} 压缩比为 {size // packed}:1，超过 "
                f"{limits.max_compression_ratio}:1 的上限（PIGDATA_MAX_COMPRESSION_RATIO）",
                f"the part {part.filename} is compressed {size // packed} to 1, beyond the "
                f"limit of {limits.max_compression_ratio} to 1 (PIGDATA_MAX_COMPRESSION_RATIO)",
            )
        if not _is_worksheet(part.filename) and size > limits.max_xlsx_part_bytes:
            raise _refuse(
                source,
                "limit.xlsx_part_bytes",
                f"部件 {part.filename} 解压后 {size} 字节，超过 {limits.max_xlsx_part_bytes}"
                " 字节的上限（PIGDATA_MAX_XLSX_PART_BYTES）",
                f"the part {part.filename} is {size} bytes uncompressed, more than the limit "
                f"of {limits.max_xlsx_part_bytes} (PIGDATA_MAX_XLSX_PART_BYTES)",
            )


class _SheetScan:
    """What one pass over a worksheet's XML has seen so far, a block at a time."""

    def __init__(self, source: str, part: str, limits: InputLimits) -> None:
        self.source, self.part, self.limits = source, part, limits
        self.run_limit = limits.max_cell_chars * BYTES_PER_CHAR
        self.offset = 0  # bytes of the part before the current block
        self.last_mark = 0  # position of the last < or > seen
        self.row_start: int | None = None  # position of the open row element
        self.pending = b""  # the end of the last block, where a tag may have been cut
        self.parser = ParserCreate()

    def feed(self, block: bytes, final: bool) -> None:
        try:
            self.parser.Parse(block, final)
        except ExpatError as error:
            raise UnreadableWorkbook(
                f"工作表 {self.part} 不是有效的 XML（第 {error.lineno} 行）/ the worksheet "
                f"{self.part} is not well-formed XML (line {error.lineno}): {error}"
            ) from error
        self._runs(block)
        self._rows(block, final)
        self.offset += len(block)

    def _runs(self, block: bytes) -> None:
        """Refuse a run of bytes between two of < and > longer than a cell can be."""
        data = np.frombuffer(block, dtype=np.uint8)
        marks = np.flatnonzero((data == ord("<")) | (data == ord(">")))
        if marks.size:
            first = int(marks[0]) + self.offset - self.last_mark
            inner = int(np.diff(marks).max()) if marks.size > 1 else 0
            self.last_mark = int(marks[-1]) + self.offset
            longest = max(first, inner)
        else:
            longest = self.offset + len(block) - self.last_mark
        if longest > self.run_limit:
            raise _refuse(
                self.source,
                "limit.cell_chars",
                f"工作表 {self.part} 中有长于 {self.run_limit} 字节的文本或标记"
                f"（单元格上限 {self.limits.max_cell_chars} 个字符，PIGDATA_MAX_CELL_CHARS）",
                f"the worksheet {self.part} holds a run of text or markup longer than "
                f"{self.run_limit} bytes (cells are limited to {self.limits.max_cell_chars}"
                " characters, PIGDATA_MAX_CELL_CHARS)",
            )

    def _rows(self, block: bytes, final: bool) -> None:
        """Refuse a row element larger than a row may be, or numbered beyond the sheet."""
        window = self.pending + block
        start = self.offset - len(self.pending)
        # A tag cut by the block's end is looked at with the next block.
        done = len(window) if final else max(len(window) - _TAG_ROOM, 0)
        for match in _ROW_TAG.finditer(window, 0, len(window)):
            if match.start() >= done:
                break
            closing, name = match.group(1), match.group(2)
            position = start + match.start()
            if self.row_start is not None:
                self._row_size(position - self.row_start)
            self.row_start = None
            if name == b"row" and not closing:
                self.row_start = position
                self._row_number(window, match)
        self.pending = window[done:]

    def _row_size(self, size: int) -> None:
        if size > self.limits.max_row_bytes:
            raise _refuse(
                self.source,
                "limit.row_bytes",
                f"工作表 {self.part} 中有 {size} 字节的行，超过 {self.limits.max_row_bytes}"
                " 字节的上限（PIGDATA_MAX_ROW_BYTES）",
                f"the worksheet {self.part} has a row of {size} bytes, more than the limit "
                f"of {self.limits.max_row_bytes} (PIGDATA_MAX_ROW_BYTES)",
            )

    def _row_number(self, window: bytes, match: re.Match[bytes]) -> None:
        tag_end = window.find(b">", match.start(), match.start() + _TAG_ROOM)
        head = window[match.start() : tag_end if tag_end >= 0 else match.start() + _TAG_ROOM]
        number = _ROW_NUMBER.search(head)
        if number is not None and int(number.group(1)) > MAX_SHEET_ROWS:
            raise UnreadableWorkbook(
                f"工作表 {self.part} 的行号 {int(number.group(1))} 超过 {MAX_SHEET_ROWS} / the "
                f"worksheet {self.part} numbers a row {int(number.group(1))}, beyond "
                f"{MAX_SHEET_ROWS}"
            )

    def finish(self) -> None:
        self.feed(b"", True)
        if self.row_start is not None:  # a row the sheet never closed
            self._row_size(self.offset - self.row_start)


def _check_sheet(
    source: str, archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: InputLimits
) -> None:
    scan = _SheetScan(source, part.filename, limits)
    with archive.open(part) as stream:
        while block := stream.read(_BLOCK):
            scan.feed(block, False)
    scan.finish()
