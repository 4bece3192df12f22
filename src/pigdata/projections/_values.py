"""Turning an entry's JSON values into column values."""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def day(body: Row, name: str) -> str | None:
    """Give a date field of an entry (ISO text; the insert turns it into the column's type)."""
    value: str | None = body.get(name)
    return value


def number(body: Row, name: str) -> float | None:
    """Give a decimal field (sent as text) as a float for analysis, or None when absent."""
    value = body.get(name)
    return None if value is None else float(value)
