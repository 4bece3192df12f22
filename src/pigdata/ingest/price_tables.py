"""Readers of published weekly price tables, each cell becoming one price quote.

Two layouts are known (docs/market.md):

- the national table, one row a week: ``week_ending`` and one column per item with its unit
  in the header (``live_hog_yuan_per_kg``, ``corn_yuan_per_tonne``, ...); quotes are placed
  at the nation (``100000``);
- the provincial tables, one row per province and week: ``year``, ``week``,
  ``province_code`` (GB/T 2260) and ``yuan_per_kg``; the item is named by the file
  (``..._hog_...``, ``..._piglet_...``, ``..._pork_...``). Week *k* of a year is the seven
  days from 1 January + 7(k − 1); its quote is dated on the last of them, at most 31 December.

Cells are handed on as text: the record's own validation judges them, so a bad cell is
rejected with the field and the rule, like any other row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from pigdata.domain.issues import Issue
from pigdata.domain.regions import NATION
from pigdata.ingest.readers import SourceRow, UnreadableSource

# header of a national column -> (item, unit)
NATIONAL_COLUMNS: dict[str, tuple[str, str]] = {
    "live_hog_yuan_per_kg": ("live_hog", "yuan/kg"),
    "piglet_yuan_per_kg": ("piglet", "yuan/kg"),
    "pork_carcass_yuan_per_kg": ("pork_carcass", "yuan/kg"),
    "lean_pork_retail_yuan_per_kg": ("lean_pork_retail", "yuan/kg"),
    "corn_yuan_per_tonne": ("corn", "yuan/tonne"),
    "corn_yuan_per_kg": ("corn", "yuan/kg"),
    "soybean_meal_yuan_per_tonne": ("soybean_meal", "yuan/tonne"),
    "soybean_meal_yuan_per_kg": ("soybean_meal", "yuan/kg"),
}
PROVINCIAL_HEADERS = ("year", "week", "province_code", "yuan_per_kg")
# word in a provincial file's name -> item; "pork" is the carcass (wholesale) price
PROVINCIAL_ITEMS: dict[str, str] = {"hog": "live_hog", "piglet": "piglet", "pork": "pork_carcass"}


def _normal(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def is_price_table(headers: Sequence[str]) -> bool:
    """Tell whether a header row is one of the weekly price-table layouts."""
    names = [_normal(h) for h in headers]
    national = "week_ending" in names and any(n in NATIONAL_COLUMNS for n in names)
    return national or all(h in names for h in PROVINCIAL_HEADERS)


def price_rows(
    source: str, headers: Sequence[str], rows: Iterator[tuple[int, list[str]]]
) -> Iterator[SourceRow]:
    """Give one price-quote row per price cell of a weekly price table."""
    names = [_normal(h) for h in headers]
    if "week_ending" in names:
        return _national(source, headers, names, rows)
    return _provincial(source, headers, names, rows, _item_of(source))


def _item_of(source: str) -> str:
    words = set(re.split(r"[^a-z]+", source.lower()))
    found = [item for word, item in PROVINCIAL_ITEMS.items() if word in words]
    if len(found) != 1:
        raise UnreadableSource(
            f"{source}: 文件名应含 hog、piglet 或 pork 之一以指明品种 / the file name must "
            "contain exactly one of hog, piglet or pork to name the item"
        )
    return found[0]


def _quote(location: str, day: str, item: str, price: str, unit: str) -> dict[str, str]:
    return {
        "kind": "price_quote",
        "location": location,
        "date": day,
        "item": item,
        "price": price,
        "unit": unit,
    }


def _national(
    source: str,
    headers: Sequence[str],
    names: list[str],
    rows: Iterator[tuple[int, list[str]]],
) -> Iterator[SourceRow]:
    day_at = names.index("week_ending")
    columns = [(i, NATIONAL_COLUMNS[n]) for i, n in enumerate(names) if n in NATIONAL_COLUMNS]
    for row_no, cells in rows:
        day = cells[day_at].strip() if day_at < len(cells) else ""
        for at, (item, unit) in columns:
            price = cells[at].strip() if at < len(cells) else ""
            if price:  # an empty cell is a week without a quote, not a record
                values = _quote(NATION, day, item, price, unit)
                yield SourceRow(source, row_no, values, headers, cells)


def week_end(year: int, week: int) -> date:
    """Give the date of a provincial table's week: the last of its seven days."""
    first = date(year, 1, 1)
    return min(first + timedelta(days=7 * week - 1), date(year, 12, 31))


def _week_date(cells: list[str], at: tuple[int, int]) -> date | Issue:
    try:
        year, week = int(cells[at[0]]), int(cells[at[1]])
    except (ValueError, IndexError):
        year, week = 0, 0
    if not (1900 <= year <= 2200 and 1 <= week <= 53):
        return Issue(
            "week",
            "price_table.week",
            "年份或周次无效，周次应为 1–53",
            "the year or week is not valid; the week must be 1 to 53",
        )
    return week_end(year, week)


def _provincial(
    source: str,
    headers: Sequence[str],
    names: list[str],
    rows: Iterator[tuple[int, list[str]]],
    item: str,
) -> Iterator[SourceRow]:
    year_at, week_at = names.index("year"), names.index("week")
    code_at, price_at = names.index("province_code"), names.index("yuan_per_kg")
    for row_no, cells in rows:
        day = _week_date(cells, (year_at, week_at))
        if isinstance(day, Issue):
            yield SourceRow(source, row_no, {}, headers, cells, day)
            continue
        code = cells[code_at].strip() if code_at < len(cells) else ""
        price = cells[price_at].strip() if price_at < len(cells) else ""
        if price:
            values = _quote(code, day.isoformat(), item, price, "yuan/kg")
            yield SourceRow(source, row_no, values, headers, cells)
