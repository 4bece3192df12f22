"""The movement network of a node, loaded once into arrays and traced many times.

`MovementNetwork.from_arrays` takes movements as parallel arrays (premises codes, ordinal
days, head counts, vehicle plates); `load_network` reads them from the `movements`
projection. With `vehicle_contacts`, premises that the same vehicle plate touched on the same
day (as origin or destination of its movements) are linked both ways on that day, carrying no
heads: a lorry that called at both could have carried the virus between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.services.health.network import Direction, IntArray, Reach, trace
from pigdata.store import tables as t


class TraceDirection(StrEnum):
    forward = "forward"  # where infection could have gone
    backward = "backward"  # where it could have come from


@dataclass(frozen=True)
class MovementNetwork:
    """Premises codes and the movements among them, in both directions."""

    codes: npt.NDArray[np.str_]  # sorted; a node is its position here
    forward: Direction
    backward: Direction
    movements: int  # movements loaded (vehicle links not counted)
    vehicle_links: int

    @property
    def nodes(self) -> int:
        return int(self.codes.size)

    def node_of(self, code: str) -> int | None:
        """Give the node of a premises code, or None when no movement names it."""
        at = int(np.searchsorted(self.codes, code))
        return at if at < self.codes.size and self.codes[at] == code else None

    @classmethod
    def from_arrays(
        cls,
        origin: npt.NDArray[np.str_],
        destination: npt.NDArray[np.str_],
        day: IntArray,
        head: IntArray,
        plate: npt.NDArray[Any] | None = None,
    ) -> MovementNetwork:
        """Give the network of movements; `plate` given adds same-day vehicle links."""
        codes, inverse = np.unique(np.concatenate((origin, destination)), return_inverse=True)
        inverse = inverse.astype(np.int64)
        src, dst = inverse[: origin.size], inverse[origin.size :]
        return cls.from_nodes(codes, src, dst, day, head, plate)

    @classmethod
    def from_nodes(
        cls,
        codes: npt.NDArray[np.str_],
        src: IntArray,
        dst: IntArray,
        day: IntArray,
        head: IntArray,
        plate: npt.NDArray[Any] | None = None,
    ) -> MovementNetwork:
        """Give the network of movements between nodes (positions in the sorted `codes`)."""
        day = np.asarray(day, dtype=np.int64)
        head = np.asarray(head, dtype=np.int64)
        movements = int(src.size)
        links = 0
        if plate is not None:
            a, b, link_day = vehicle_links(plate, src, dst, day)
            links = int(a.size)
            src, dst = np.concatenate((src, a)), np.concatenate((dst, b))
            day = np.concatenate((day, link_day))
            head = np.concatenate((head, np.zeros(links, dtype=np.int64)))
        return cls(
            codes=codes,
            forward=Direction.build(src, dst, day, head),
            backward=Direction.build(dst, src, -day, head),
            movements=movements,
            vehicle_links=links,
        )

    def trace(self, code: str, direction: TraceDirection, first: date, last: date) -> Reach:
        """Give the reach of a premises within the days [first, last]; KeyError if unknown."""
        node = self.node_of(code)
        if node is None:
            raise KeyError(code)
        lo, hi = first.toordinal(), last.toordinal()
        if direction is TraceDirection.forward:
            return trace(self.forward, node, lo, hi, self.nodes)
        return trace(self.backward, node, -hi, -lo, self.nodes)


def vehicle_links(
    plate: npt.NDArray[Any], src: IntArray, dst: IntArray, day: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Give (a, b, day) for every ordered pair of distinct premises one plate touched a day."""
    plate_id = np.unique(plate, return_inverse=True)[1].astype(np.int64)
    stops = np.unique(
        np.stack(
            (
                np.concatenate((plate_id, plate_id)),
                np.concatenate((day, day)),
                np.concatenate((src, dst)),
            )
        ),
        axis=1,
    )  # sorted by plate, then day, then premises: each (plate, day) group is contiguous
    same_group = (np.diff(stops[0]) == 0) & (np.diff(stops[1]) == 0)
    pairs_a: list[IntArray] = []
    pairs_b: list[IntArray] = []
    pairs_day: list[IntArray] = []
    # Pair each stop with the one `gap` places later while both stay in one group.
    within = same_group
    gap = 1
    while within.any():
        first = np.flatnonzero(within)
        pairs_a += [stops[2, first], stops[2, first + gap]]
        pairs_b += [stops[2, first + gap], stops[2, first]]
        pairs_day += [stops[1, first], stops[1, first]]
        within = within[:-1] & same_group[gap:]
        gap += 1
    if not pairs_a:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(pairs_a), np.concatenate(pairs_b), np.concatenate(pairs_day)


def load_network(conn: Connection, vehicle_contacts: bool = False) -> MovementNetwork:
    """Give the network of every movement in the store."""
    m = t.movements
    columns = [m.c.origin, m.c.destination, m.c.issue_date, m.c.head_count, m.c.vehicle_plate]
    rows = conn.execute(sa.select(*columns)).all()
    origin = np.array([r[0] for r in rows], dtype=np.str_)
    destination = np.array([r[1] for r in rows], dtype=np.str_)
    day = np.array([_ordinal(r[2]) for r in rows], dtype=np.int64)
    head = np.array([r[3] for r in rows], dtype=np.int64)
    plate = np.array([r[4] for r in rows], dtype=np.str_) if vehicle_contacts else None
    if not rows:
        origin = destination = np.empty(0, dtype="<U10")
        plate = np.empty(0, dtype="<U10") if vehicle_contacts else None
    return MovementNetwork.from_arrays(origin, destination, day, head, plate)


def _ordinal(value: date | str) -> int:
    # SQLite gives dates back as date objects through Core; raw text is accepted as well.
    return (date.fromisoformat(value) if isinstance(value, str) else value).toordinal()
