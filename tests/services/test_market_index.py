"""The chain-linked, volume-weighted price index on hand-made weeks."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.projections import price_weeks
from pigdata.services.market.price_index import BasePeriodEmpty, price_index
from pigdata.store import tables as t

from tests.builders import MARKET, RONGCHANG_TOWN, district, ingest, premises
from tests.services.market_builders import quote, trade

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


# --- random markets against a brute force of the method ----------------------------------------

SUNDAYS = [date(2024, 12, 1) + timedelta(weeks=k) for k in range(6)]  # across a new year
POINTS = ("5001530101", "5001530102", "5001530103")


@st.composite
def markets(draw: st.DrawFn) -> tuple[list[tuple[str, date, float]], list[tuple[str, date, int]]]:
    """Quotes (point, day, price) and trades (point, day, head) of up to three points over
    six weeks: any point may miss any week, quote twice in one, or trade nothing."""
    quotes, trades = [], []
    for point in POINTS[: draw(st.integers(1, len(POINTS)))]:
        for sunday in SUNDAYS:
            for _ in range(draw(st.integers(0, 2))):
                day = sunday - timedelta(days=draw(st.integers(0, 6)))
                quotes.append((point, day, draw(st.integers(500, 3000)) / 100))
            if draw(st.booleans()):
                day = sunday - timedelta(days=draw(st.integers(0, 6)))
                trades.append((point, day, draw(st.integers(1, 60))))
    return quotes, trades


def brute_force_index(
    quotes: list[tuple[str, date, float]], trades: list[tuple[str, date, int]]
) -> dict[date, tuple[float, float | None, float]]:
    """Work out week → (average price, link, index) from the method's text alone."""
    from pigdata.services.market.weekly import week_ending

    said: dict[tuple[str, date], list[float]] = {}
    for point, day, price in quotes:
        said.setdefault((point, week_ending(day)), []).append(price)
    mean = {key: sum(v) / len(v) for key, v in said.items()}
    head: dict[tuple[str, date], int] = {}
    for point, day, count in trades:
        key = (point, week_ending(day))
        head[key] = head.get(key, 0) + count
    weeks = sorted({w for _, w in mean})
    out: dict[date, tuple[float, float | None, float]] = {}
    level, levels, links, prices = 1.0, {}, {}, {}
    for k, week in enumerate(weeks):
        here = [p for p, w in mean if w == week]
        volume = {p: head.get((p, week), 0) for p in here}
        traded = sum(volume.values())
        prices[week] = (
            sum(volume[p] * mean[p, week] for p in here) / traded
            if traded
            else sum(mean[p, week] for p in here) / len(here)
        )
        link = None
        if k:
            before = weeks[k - 1]
            both = [p for p in here if (p, before) in mean]
            weight = {p: head.get((p, before), 0) + volume[p] for p in both}
            if not any(weight.values()):
                weight = dict.fromkeys(both, 1)
            if both:
                link = sum(weight[p] * mean[p, week] for p in both) / sum(
                    weight[p] * mean[p, before] for p in both
                )
                level *= link
        links[week], levels[week] = link, level
    base = [levels[w] for w in weeks if w.year == weeks[0].year]
    for week in weeks:
        out[week] = (prices[week], links[week], 100 * levels[week] / (sum(base) / len(base)))
    return out


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(markets())
def test_index_equals_the_method_worked_by_brute_force(
    engine: Engine, data: tuple[list[tuple[str, date, float]], list[tuple[str, date, int]]]
) -> None:
    quotes, trades = data
    # Straight into the projection tables, then their county-week sums worked out: the
    # pipeline is tested elsewhere, and a fresh store per example would make the test slow.
    with engine.begin() as conn:
        conn.execute(t.price_quotes.delete())
        conn.execute(t.trades.delete())
        if quotes:
            conn.execute(
                t.price_quotes.insert(),
                [
                    {"entry_seq": n, "location": at, "date": day, "item": "live_hog",
                     "price": price, "unit": "yuan/kg"}
                    for n, (at, day, price) in enumerate(quotes)
                ],
            )  # fmt: skip
        if trades:
            conn.execute(
                t.trades.insert(),
                [
                    {"entry_seq": n, "market": at, "date": day, "head_count": head,
                     "avg_weight_kg": 115.0, "avg_price": 14.0}
                    for n, (at, day, head) in enumerate(trades)
                ],
            )  # fmt: skip
        price_weeks.refresh_all(conn)
    with engine.connect() as conn:
        found = price_index(conn, "500153", "live_hog")
    expected = brute_force_index(quotes, trades)
    quoted = {w.week: w for w in found.weeks if w.price is not None}
    assert sorted(quoted) == sorted(expected)
    assert all(w.index is None and w.points == 0 for w in found.weeks if w.week not in quoted)
    for week, (price, link, index) in expected.items():
        shown = quoted[week]
        assert shown.price == pytest.approx(price) and shown.index == pytest.approx(index)
        assert (shown.link is None) == (link is None)
        assert link is None or shown.link == pytest.approx(link)
