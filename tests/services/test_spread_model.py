"""The spread model against probabilities worked out by hand on small networks.

Every estimate runs with a fixed seed, so a test gives the same answer each time; the bound
is the binomial one, four standard errors of the hand-computed probability, so that a
correct model passes for almost every seed (not only the one chosen).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pigdata.services.health.spread_exact import exact_spread
from pigdata.services.health.spread_model import SpreadNetwork, SpreadTally, simulate

RUNS = 20_000
P = 0.3  # per-movement probability in the hand computations


def _net(
    herds: int,
    moves: list[tuple[int, int, int, float]],
    horizon: int,
    pairs: list[tuple[int, int, float]] | None = None,
) -> SpreadNetwork:
    src = np.array([m[0] for m in moves], dtype=np.int64)
    dst = np.array([m[1] for m in moves], dtype=np.int64)
    day = np.array([m[2] for m in moves], dtype=np.int64)
    prob = np.array([m[3] for m in moves], dtype=np.float64)
    pairs = pairs or []
    a = np.array([x[0] for x in pairs], dtype=np.int64)
    b = np.array([x[1] for x in pairs], dtype=np.int64)
    h = np.array([x[2] for x in pairs], dtype=np.float64)
    return SpreadNetwork.build(
        herds,
        0,
        horizon,
        (src, dst, day, prob),
        (a, b, h),
    )


def _close(tally: SpreadTally, herd: int, expected: float) -> None:
    got = tally.infected[herd] / tally.runs
    bound = 4 * math.sqrt(expected * (1 - expected) / tally.runs)
    assert abs(got - expected) <= bound, (herd, got, expected)


def test_one_path_multiplies_the_probabilities() -> None:
    # A(0) → B(1) on day 1, B → C(2) on day 2: P(B) = p, P(C) = p².
    tally = simulate(_net(3, [(0, 1, 1, P), (1, 2, 2, P)], 5), RUNS, seed=1, latent_days=0)
    _close(tally, 1, P)
    _close(tally, 2, P * P)
    assert tally.infected[0] == RUNS and tally.day_sum[0] == 0
    assert tally.day_sum[1] == tally.infected[1] * 1  # always infected on day 1
    assert tally.day_sum[2] == tally.infected[2] * 2


def test_two_parallel_paths() -> None:
    # A → B1 → C and A → B2 → C: P(C) = 1 - (1 - p²)².
    moves = [(0, 1, 1, P), (0, 2, 1, P), (1, 3, 2, P), (2, 3, 2, P)]
    tally = simulate(_net(4, moves, 3), RUNS, seed=2, latent_days=0)
    _close(tally, 3, 1 - (1 - P * P) ** 2)


def test_movements_outside_the_window_do_not_count() -> None:
    # A movement the day before the index day (day -1) and one after the end day.
    tally = simulate(_net(3, [(0, 1, -1, 1.0), (0, 2, 5, 1.0)], 5), 100, seed=3, latent_days=0)
    assert tally.infected.tolist() == [100, 0, 0]


def test_order_within_a_path_matters() -> None:
    # B → C (day 1) before A → B (day 2): C cannot be infected through B.
    tally = simulate(_net(3, [(1, 2, 1, 1.0), (0, 1, 2, 1.0)], 5), 100, seed=4, latent_days=0)
    assert tally.infected.tolist() == [100, 100, 0]


def test_same_day_relay_and_latent_days() -> None:
    # A → B and B → C on the same day: with no latent day C is infected with p²; with one
    # latent day B cannot pass it on that day.
    net = _net(3, [(1, 2, 1, P), (0, 1, 1, P)], 3)
    _close(simulate(net, RUNS, seed=5, latent_days=0), 2, P * P)
    assert simulate(net, 1000, seed=5, latent_days=1).infected[2] == 0
    # With one latent day, A infects B on day 1; B → C on day 2 counts, on day 1 it does not.
    later = _net(3, [(0, 1, 1, 1.0), (1, 2, 2, 1.0)], 4)
    assert simulate(later, 50, seed=6, latent_days=1).infected.tolist() == [50, 50, 50]


def test_local_spread_with_known_daily_probability() -> None:
    # Only local spread, daily hazard h from A to B over 10 days (days 0..9):
    # q = 1 - e^-h a day, P(B) = 1 - (1 - q)^10, and given infection the mean day is
    # sum_t t q (1-q)^t / P.
    h, days = 0.05, 10
    q = -math.expm1(-h)
    expected = 1 - (1 - q) ** days
    tally = simulate(_net(2, [], days, [(0, 1, h)]), RUNS, seed=7, latent_days=0)
    _close(tally, 1, expected)
    mean_day = sum(t * q * (1 - q) ** t for t in range(days)) / expected
    got = tally.day_sum[1] / tally.infected[1]
    assert got == pytest.approx(mean_day, abs=0.15)  # sd of the day ≈ 2.8, over ~8,000 runs
    # With two latent days the index spreads on days 2..9 only.
    late = simulate(_net(2, [], days, [(0, 1, h)]), RUNS, seed=8, latent_days=2)
    _close(late, 1, 1 - (1 - q) ** (days - 2))


def test_two_sources_add_their_hazards() -> None:
    # A infects C (hazard h1) and B (for sure on day 0, by a movement); B infects C (h2):
    # on day 0 C escapes with e^-(h1+h2) (movements first, then local spread).
    h1, h2 = 0.2, 0.3
    net = _net(3, [(0, 1, 0, 1.0)], 1, [(0, 2, h1), (1, 2, h2)])
    _close(simulate(net, RUNS, seed=9, latent_days=0), 2, 1 - math.exp(-(h1 + h2)))


def test_batches_do_not_change_the_estimate_of_a_certain_path() -> None:
    net = _net(3, [(0, 1, 1, 1.0), (1, 2, 2, 0.0)], 3)
    assert simulate(net, 999, seed=1, latent_days=0, batch=7).infected.tolist() == [999, 999, 0]


def test_a_seed_gives_the_same_tally() -> None:
    net = _net(3, [(0, 1, 1, P), (1, 2, 2, P)], 3, [(0, 2, 0.1)])
    one, two = (simulate(net, 500, seed=42, latent_days=0) for _ in range(2))
    assert one.infected.tolist() == two.infected.tolist()
    assert one.day_sum.tolist() == two.day_sum.tolist()


moves_strategy = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 5)), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(
    moves=moves_strategy,
    low=st.floats(0.01, 1.0),
    high=st.floats(0.01, 1.0),
    hazard=st.floats(0.01, 0.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_higher_probability_never_infects_fewer(
    moves: list[tuple[int, int, int]], low: float, high: float, hazard: float, seed: int
) -> None:
    # With one seed the draws are the same for every (positive) probability, so each run
    # infects a superset when the probabilities rise: every herd's count is monotone.
    low, high = min(low, high), max(low, high)
    pairs = [(0, 1, hazard), (1, 2, hazard), (3, 4, hazard)]

    def tally(p: float, h: float) -> SpreadTally:
        net = _net(5, [(o, d, t, p) for o, d, t in moves], 6, [(a, b, h) for a, b, _ in pairs])
        return simulate(net, 40, seed, latent_days=0)

    weak, strong = tally(low, hazard * low), tally(high, hazard * high)
    assert all(w <= s for w, s in zip(weak.infected, strong.infected, strict=True))
    assert weak.infected[0] == strong.infected[0] == 40
    # A herd no chain of movements or pairs reaches from the index is never infected.
    reachable = {0}
    edges = {(o, d) for o, d, _ in moves if o != d} | {(a, b) for a, b, _ in pairs}
    while True:
        grown = reachable | {d for o, d in edges if o in reachable}
        if grown == reachable:
            break
        reachable = grown
    assert all(strong.infected[h] == 0 for h in range(5) if h not in reachable)


def test_exact_on_a_path_and_a_kernel() -> None:
    # Hand values: P(B) = p, P(C) = p² (days 1 and 2); local spread alone 1 - (1 - q)^10.
    found = exact_spread(_net(3, [(0, 1, 1, P), (1, 2, 2, P)], 5), latent=0)
    assert found is not None
    assert found.probability.tolist() == pytest.approx([1.0, P, P * P])
    assert found.mean_day.tolist() == pytest.approx([0.0, 1.0, 2.0])
    h, days = 0.05, 10
    q = -math.expm1(-h)
    local = exact_spread(_net(2, [], days, [(0, 1, h)]), latent=0)
    assert local is not None
    assert local.probability[1] == pytest.approx(1 - (1 - q) ** days)
    mean_day = sum(t * q * (1 - q) ** t for t in range(days)) / (1 - (1 - q) ** days)
    assert local.mean_day[1] == pytest.approx(mean_day)
    # Two movements A → B on days 1 and 3: P(B) = 1 - (1 - p)².
    twice = exact_spread(_net(2, [(0, 1, 1, P), (0, 1, 3, P)], 5), latent=0)
    assert twice is not None and twice.probability[1] == pytest.approx(1 - (1 - P) ** 2)
    # A same-day relay counts with no latent day only.
    relay = _net(3, [(1, 2, 1, P), (0, 1, 1, P)], 3)
    assert exact_spread(relay, 0).probability[2] == pytest.approx(P * P)  # type: ignore[union-attr]
    assert exact_spread(relay, 1).probability[2] == 0.0  # type: ignore[union-attr]


def test_exact_refuses_a_herd_with_two_sources() -> None:
    moves = [(0, 1, 1, P), (0, 2, 1, P), (1, 3, 2, P), (2, 3, 2, P)]
    assert exact_spread(_net(4, moves, 3), latent=0) is None


@st.composite
def trees(
    draw: st.DrawFn,
) -> tuple[int, list[tuple[int, int, int, float]], list[tuple[int, int, float]]]:
    """A random tree of herds from the index 0: each herd's movements and local link come
    from its one parent (a herd with a lower number)."""
    herds = draw(st.integers(2, 6))
    moves: list[tuple[int, int, int, float]] = []
    pairs: list[tuple[int, int, float]] = []
    for child in range(1, herds):
        parent = draw(st.integers(0, child - 1))
        for _ in range(draw(st.integers(0, 3))):
            moves.append((parent, child, draw(st.integers(0, 4)), draw(st.floats(0.05, 1.0))))
        if draw(st.booleans()):
            pairs.append((parent, child, draw(st.floats(0.01, 0.5))))
    # Movements into the index do not matter: it is infected from day 0.
    if draw(st.booleans()):
        moves.append((herds - 1, 0, 2, 1.0))
    return herds, moves, pairs


@settings(max_examples=40, deadline=None)
@given(tree=trees(), latent=st.integers(0, 2))
def test_exact_equals_monte_carlo_on_trees(
    tree: tuple[int, list[tuple[int, int, int, float]], list[tuple[int, int, float]]],
    latent: int,
) -> None:
    herds, moves, pairs = tree
    net = _net(herds, moves, 5, pairs)
    exact = exact_spread(net, latent)
    assert exact is not None
    runs = 4000
    tally = simulate(net, runs, seed=herds * 7 + latent, latent_days=latent)
    for herd in range(herds):
        p = float(exact.probability[herd])
        # Five standard errors, and one run of slack where p is near 0 or 1.
        assert abs(tally.infected[herd] / runs - p) <= 5 * math.sqrt(p * (1 - p) / runs) + 1 / runs
