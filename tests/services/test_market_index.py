"""The chain-linked, volume-weighted price index on hand-made weeks."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from market_builders import quote, trade
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.services.market.price_index import (
    BasePeriodEmpty,
    chain,
    chain_links,
    price_index,
)

from builders import MARKET, RONGCHANG_TOWN, district, ingest, premises

MARKET_2 = "5001530005"
WEEK = [date(2024, 3, 3) + timedelta(weeks=k) for k in range(4)]  # Sundays


def records() -> list[dict[str, object]]:
    """A at 10, 11, 11, 12.1; B at 20, -, 24, 28.8; head traded: week 1 A 30 and B 10,
    week 4 A 10 and B 30."""
    tuesday = [w - timedelta(days=5) for w in WEEK]
    prices = [(MARKET, k, p) for k, p in enumerate(["10", "11", "11", "12.1"])]
    prices += [(MARKET_2, k, p) for k, p in ((0, "20"), (2, "24"), (3, "28.8"))]
    trades = [
        trade(MARKET, WEEK[0], 30),
        trade(MARKET_2, WEEK[0], 10),
        trade(MARKET, WEEK[3], 10),
        trade(MARKET_2, WEEK[3], 30),
    ]
    quotes = [quote(at, tuesday[k], "live_hog", p) for at, k, p in prices]
    return [*district(), premises(MARKET_2, RONGCHANG_TOWN, "market"), *trades, *quotes]


def test_index_links_matched_points_weighted_by_volume(engine: Engine, settings: Settings) -> None:
    assert ingest(engine, settings, records()).rejected == 0
    with engine.connect() as conn:
        found = price_index(conn, "500153", "live_hog", WEEK[0], WEEK[0])
    # week 2 links A alone: 11 / 10; week 3 links A alone again (B was not quoted in week 2):
    # 11 / 11; week 4 links A and B weighted 10 and 30 head:
    # (10 × 12.1 + 30 × 28.8) / (10 × 11 + 30 × 24) = 985 / 830.
    expected = [100.0, 110.0, 110.0, 110.0 * 985 / 830]
    assert [w.week for w in found.weeks] == WEEK
    assert found.source == "collection_points"
    assert np.allclose([w.index for w in found.weeks], expected)
    assert [w.points for w in found.weeks] == [2, 1, 2, 2]
    # the average price of week 1 is weighted 30:10; week 3 has no volume: equal weights
    assert np.allclose([w.price for w in found.weeks], [12.5, 11.0, 17.5, 24.625])
    with engine.connect() as conn, pytest.raises(BasePeriodEmpty):
        price_index(conn, "500153", "live_hog", date(2020, 1, 1), date(2020, 2, 1))


def test_a_region_without_quotes_has_an_empty_index(engine: Engine, settings: Settings) -> None:
    assert ingest(engine, settings, records()).rejected == 0
    with engine.connect() as conn:
        found = price_index(conn, "500101", "live_hog")  # Wanzhou: no market quotes there
    assert found.weeks == () and found.base_start is None and found.base_end is None


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=1.0, max_value=50.0)), min_size=1, max_size=30
    )
)
def test_one_point_chains_to_its_own_price_ratio(prices: list[float | None]) -> None:
    mean = np.array([[np.nan if p is None else p] for p in prices])
    quoted = ~np.isnan(mean[:, 0])
    level = chain(chain_links(mean, np.zeros_like(mean)), quoted)
    seen = [p for p in prices if p is not None]
    if not seen:
        assert np.isnan(level).all()
        return
    expected = [np.nan if p is None else p / seen[0] for p in prices]
    assert np.allclose(level, expected, equal_nan=True)
