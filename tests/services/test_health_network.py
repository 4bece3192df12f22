"""The tracer against a brute-force enumeration of time-respecting paths (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pigdata.services.health.contacts import MovementNetwork, TraceDirection

from tests.strategies import network_movements

DAY0 = date(2024, 1, 1)
CODES = [f"50015300{i:02d}" for i in range(6)]

Move = tuple[int, int, int, int, int]  # origin, destination, day, heads, plate


@dataclass
class Found:
    depth: int = 10**9
    earliest: int = 10**9
    latest: int = -(10**9)
    paths: int = 0
    edges: set[int] = field(default_factory=set)


def _walks(moves: list[Move], start: int, first: int, last: int) -> list[list[int]]:
    """Every sequence of movement indices leaving `start` with strictly rising days."""
    found: list[list[int]] = []

    def extend(path: list[int], at: int, after: int) -> None:
        for i, (o, _d, day, _h, _p) in enumerate(moves):
            if o == at and after < day <= last:
                found.append([*path, i])
                extend([*path, i], moves[i][1], day)

    extend([], start, first - 1)
    return found


def brute_force(
    moves: list[Move], index: int, first: int, last: int, backward: bool
) -> dict[int, Found]:
    """Give what each premises' paths say, by listing every path."""
    if backward:  # a path into the index, read backwards, is a walk on reversed movements
        flipped = [(d, o, -day, h, p) for (o, d, day, h, p) in moves]
        walks = _walks(flipped, index, -last, -first)
    else:
        walks = _walks(moves, index, first, last)
    result: dict[int, Found] = defaultdict(Found)
    for walk in walks:
        end = moves[walk[-1]][0] if backward else moves[walk[-1]][1]
        if end == index:
            continue
        day = moves[walk[-1]][2]
        found = result[end]
        found.depth = min(found.depth, len(walk))
        found.earliest = min(found.earliest, day)
        found.latest = max(found.latest, day)
        found.paths += 1
        found.edges.add(walk[-1])
    return dict(result)


def with_vehicle_links(moves: list[Move]) -> list[Move]:
    """Add a headless movement each way between premises one plate touched on one day."""
    touched: dict[tuple[int, int], set[int]] = defaultdict(set)
    for o, d, day, _h, plate in moves:
        touched[(plate, day)].update((o, d))
    links = [
        (a, b, day, 0, plate)
        for (plate, day), places in touched.items()
        for a in places
        for b in places
        if a != b
    ]
    return moves + links


def _network(moves: list[Move], vehicles: bool) -> MovementNetwork:
    origin = np.array([CODES[m[0]] for m in moves], dtype="<U10")
    dest = np.array([CODES[m[1]] for m in moves], dtype="<U10")
    day = np.array([(DAY0 + timedelta(days=m[2])).toordinal() for m in moves], dtype=np.int64)
    head = np.array([m[3] for m in moves], dtype=np.int64)
    plate = np.array([f"渝B{m[4]:05d}" for m in moves], dtype="<U10") if vehicles else None
    return MovementNetwork.from_arrays(origin, dest, day, head, plate)


@settings(max_examples=300, deadline=None)
@given(
    moves=network_movements,
    index=st.integers(0, 5),
    first=st.integers(0, 7),
    span=st.integers(0, 7),
    backward=st.booleans(),
    vehicles=st.booleans(),
)
def test_trace_equals_brute_force(
    moves: list[Move], index: int, first: int, span: int, backward: bool, vehicles: bool
) -> None:
    last = first + span
    expected_moves = with_vehicle_links(moves) if vehicles else moves
    expected = brute_force(expected_moves, index, first, last, backward)
    network = _network(moves, vehicles)
    direction = TraceDirection.backward if backward else TraceDirection.forward
    node = network.node_of(CODES[index])
    if node is None:
        assert expected == {}
        return
    reach = network.trace(
        CODES[index], direction, DAY0 + timedelta(days=first), DAY0 + timedelta(days=last)
    )
    got = {int(n) for n in reach.reached()}
    assert {network.node_of(CODES[p]) for p in expected} == got
    for premises, found in expected.items():
        n = network.node_of(CODES[premises])
        assert n is not None
        first_day, last_day = int(reach.first_day[n]), int(reach.last_day[n])
        if backward:
            first_day, last_day = -last_day, -first_day
        assert int(reach.depth[n]) == found.depth
        assert first_day - DAY0.toordinal() == found.earliest
        assert last_day - DAY0.toordinal() == found.latest
        assert int(reach.paths[n]) == found.paths
        assert int(reach.heads[n]) == sum(expected_moves[i][3] for i in found.edges)


def test_same_day_movements_do_not_chain() -> None:
    # A→B and B→C on one day: C is not reached; B→C a day later: it is.
    moves: list[Move] = [(0, 1, 0, 5, 0), (1, 2, 0, 5, 0)]
    reach = _network(moves, False).trace(CODES[0], TraceDirection.forward, DAY0, DAY0)
    assert [str(c) for c in _network(moves, False).codes[reach.reached()]] == [CODES[1]]
    later: list[Move] = [(0, 1, 0, 5, 0), (1, 2, 1, 7, 0)]
    net = _network(later, False)
    reach = net.trace(CODES[0], TraceDirection.forward, DAY0, DAY0 + timedelta(days=1))
    c = net.node_of(CODES[2])
    assert c is not None and reach.depth[c] == 2 and reach.heads[c] == 7


def test_path_counts_saturate() -> None:
    # Parallel movements every day between two premises make 3^k paths; far past 2**53.
    moves: list[Move] = [(k % 2, (k + 1) % 2, k, 1, 0) for k in range(60) for _ in range(3)]
    net = _network(moves, False)
    reach = net.trace(CODES[0], TraceDirection.forward, DAY0, DAY0 + timedelta(days=59))
    b = net.node_of(CODES[1])
    assert b is not None and reach.paths[b] == float(2**53)
