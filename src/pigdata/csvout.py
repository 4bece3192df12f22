"""The one way the platform writes CSV: cells that a spreadsheet would run are made text.

A CSV file that the platform writes is meant to be opened in a spreadsheet (a rejects file
to fix rows in, a contact-tracing list for field teams), and its cells hold what a user or a
device sent. A cell that begins with `=`, `+`, `-` or `@` (or a tab or a carriage return,
which some spreadsheets skip before looking) is taken as a formula, so a value such as
`=HYPERLINK(...)` would run on the reader's machine. Following OWASP's CSV-injection rule,
such a cell is written with a single quote in front, which spreadsheets show as text.

One exception, on purpose: a cell that is a plain number in full (`-5`, `+3`, `-0.25`,
`-1e3`) is left as it is. A spreadsheet reads it as a number, not as a formula, so it cannot
run anything, and a quote would turn a negative figure into text that no longer sums.
Anything else after the sign (`-2+3`, `-A1`, `+cmd|...`) is quoted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """Give a cell as it may be written: text a spreadsheet would run gets a leading quote."""
    runs = isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
    return "'" + value if runs and not _PLAIN_NUMBER.fullmatch(value) else value


class SafeWriter:
    """A `csv.writer` whose every cell goes through `neutralise` (the header too)."""

    def __init__(self, handle: IO[str], **dialect: Any) -> None:
        self._writer = csv.writer(handle, **dialect)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row; give what the underlying writer gives."""
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write every row."""
        for row in rows:
            self.writerow(row)


def writer(handle: IO[str], **dialect: Any) -> SafeWriter:
    """Give a CSV writer on a text handle that neutralises formula cells (`csv.writer`'s
    dialect options apply)."""
    return SafeWriter(handle, **dialect)
