"""A chain-linked, volume-weighted weekly price index of an item in a region (base = 100).

Method (docs/methodology/price-index.md): each week is linked to the last week before it
with quotes, over the collection points quoted in both (a matched sample), each weighted by
the head it traded in the two weeks; the links are multiplied into a chain, and the chain is
divided by its mean over the base period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy.engine import Connection

from pigdata import errors
from pigdata.services.market.weekly import FloatArray, weekly_with_links

BoolArray = npt.NDArray[np.bool_]
INDEX_ITEMS = ("live_hog", "piglet", "pork_carcass", "lean_pork_retail")


@dataclass(frozen=True, slots=True)
class IndexWeek:
    """One week: the index (None without quotes), the average price, the link, the points."""

    week: date
    index: float | None
    price: float | None
    link: float | None  # ratio to the last week with quotes; None for the first one
    points: int


@dataclass(frozen=True)
class PriceIndex:
    """A region's weekly price index of an item."""

    region: str
    item: str
    source: str
    base_start: date | None
    base_end: date | None
    weeks: tuple[IndexWeek, ...]


class BasePeriodEmpty(errors.InvalidInput):
    """The base period holds no week with quotes."""

    title = "Empty base period"
    rule = "market.base_period"

    def __init__(self, start: date, end: date) -> None:
        super().__init__(
            f"基期 {start} 至 {end} 没有价格", f"the base period {start} to {end} has no prices"
        )


def chain(links: FloatArray, quoted: BoolArray) -> FloatArray:
    """Give the chained level of each quoted week (the first quoted week is 1); a week whose
    link is missing starts a new chain at the level before, which the caller sees as a
    link of None."""
    level = np.full(links.size, np.nan)
    current = 1.0
    for k in np.flatnonzero(quoted).tolist():
        if not np.isnan(links[k]):
            current *= float(links[k])
        level[k] = current
    return level


def _base_mask(weeks: tuple[date, ...], start: date | None, end: date | None) -> BoolArray:
    if start is None and end is None and weeks:
        year = weeks[0].year  # default base: the first calendar year with data
        return np.array([w.year == year for w in weeks])
    low, high = start or date.min, end or date.max
    # dtype given: an empty list of weeks (a region without quotes) must still be a mask.
    return np.array([low <= w <= high for w in weeks], dtype=np.bool_)


def price_index(
    conn: Connection,
    region: str,
    item: str,
    base_start: date | None = None,
    base_end: date | None = None,
) -> PriceIndex:
    """Give the weekly price index of an item in a region, base period = 100."""
    prices, links = weekly_with_links(conn, region, item)
    quoted: BoolArray = np.asarray(~np.isnan(prices.price), dtype=np.bool_)
    level = chain(links, quoted)
    base = _base_mask(prices.weeks, base_start, base_end) & quoted
    if prices.weeks and not base.any():
        raise BasePeriodEmpty(base_start or date.min, base_end or date.max)
    index = 100.0 * level / float(np.mean(level[base])) if base.any() else level
    weeks = tuple(
        IndexWeek(
            w,
            None if np.isnan(i) else float(i),
            None if np.isnan(p) else float(p),
            None if np.isnan(link) else float(link),
            int(c),
        )
        for w, i, p, link, c in zip(
            prices.weeks, index, prices.price, links, prices.points, strict=True
        )
    )
    first = prices.weeks[int(np.flatnonzero(base)[0])] if base.any() else None
    last = prices.weeks[int(np.flatnonzero(base)[-1])] if base.any() else None
    return PriceIndex(region, item, prices.source, first, last, weeks)
