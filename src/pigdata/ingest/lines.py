"""Lines of a text file for the CSV reader, decoded one at a time, no record beyond a bound.

A file is read as bytes and each line decoded on its own, so that bytes the file's encoding
cannot read spoil only the row they are in (its rows are rejected, the rest is read), even
when the file changes its encoding after the sample it was judged by. A record longer than
the bound is not kept: its lines are passed over and the csv reader is given an empty
record in its place, so that neither it nor we ever hold it whole.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_QUOTE = b'"'
_ENDS = (b"\n", b"\r")


def line_reader(handle: BinaryIO, sample: bytes) -> Callable[[int], bytes]:
    """Give `readline(size)` over the file's lines, for files ending lines in CR alone too.

    Such a file (old Mac spreadsheets) is split by a text layer that keeps each byte as one
    character (Latin-1), so that the bytes come back unchanged.
    """
    if b"\r" in sample and b"\n" not in sample:
        text = io.TextIOWrapper(handle, encoding="latin-1", newline="")

        def readline(size: int) -> bytes:
            return text.readline(size).encode("latin-1")

        return readline
    return handle.readline


def sample_of(path: Path) -> bytes:
    """Give the first 64 KiB of a file, by which its encoding and line ends are judged."""
    with path.open("rb") as handle:
        return handle.read(1 << 16)


class BoundedLines:
    """The decoded lines of a file, for csv.reader, with each record's troubles noted.

    The caller calls `next_record()` after each record the csv reader gives: it answers what
    was wrong with that record (None, "undecodable" or "too_large") and starts the next.
    A record that spans lines does so inside a quoted field; when it grows past the bound,
    its remaining lines are passed over up to the line where its quotes pair up (where the
    record ends), and the reader is handed a closing quote to end it.
    """

    def __init__(self, readline: Callable[[int], bytes], encoding: str, limit: int) -> None:
        self._readline = readline
        self._encoding = encoding
        self._limit = limit
        self._used = 0  # bytes of the current record so far
        self.size = 0  # bytes of the record last read
        self._quotes = 0  # quote characters of the current record so far
        self._lines = 0  # lines of the current record given to the reader
        self._trouble: str | None = None

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        raw = self._readline(self._limit + 1)
        if not raw:
            raise StopIteration
        if self._used + len(raw) > self._limit:
            return self._pass_over(raw)
        try:
            line = raw.decode(self._encoding)
        except UnicodeDecodeError:
            line = raw.decode(self._encoding, "replace")
            self._trouble = self._trouble or "undecodable"
        self._used += len(raw)
        self._quotes += raw.count(_QUOTE)
        self._lines += 1
        return line

    def next_record(self) -> str | None:
        """Give what was wrong with the record just read, and start counting the next."""
        trouble = self._trouble
        self.size = self._used
        self._used = self._quotes = self._lines = 0
        self._trouble = None
        return trouble

    def _pass_over(self, raw: bytes) -> str:
        """Skip the rest of an oversized record; give the reader the line that ends it."""
        self._trouble = "too_large"
        quotes = self._quotes + raw.count(_QUOTE)
        while raw and not (raw.endswith(_ENDS) and quotes % 2 == 0):
            raw = self._readline(1 << 16)
            quotes += raw.count(_QUOTE)
        # Inside a quoted field (lines already given): close it and end the record there.
        return '"\n' if self._lines else "\n"
