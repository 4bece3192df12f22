"""Contact tracing for officials: who is linked to an index premises, ranked by risk.

The network is loaded once per ledger size and kept (`network_for`), so repeated traces on a
node cost the trace alone. Tracing crosses administrative borders on purpose — an outbreak's
contacts in the next county are exactly what officials must learn — so a government may
trace from any premises inside its region and sees every premises reached, by code, with the
dates and counts of the contact (no owner, carrier or vehicle). Farms and the public may not
trace.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata import csvout, errors
from pigdata.access.principal import Principal, Role
from pigdata.services.health.contacts import MovementNetwork, TraceDirection, load_network
from pigdata.services.health.network import PATH_CAP, Reach
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t

DEFAULT_WINDOW_DAYS = 42  # the ASF lifting period: how far back a trace usually looks
MAX_WINDOW_DAYS = 3660  # ten years: more than any trace needs, far from the calendar's edge


@dataclass(frozen=True, slots=True)
class Contact:
    """One premises reached by a trace."""

    rank: int
    premises: str
    name: str | None
    township: str | None
    depth: int
    earliest_contact: date
    latest_contact: date
    paths: int
    paths_capped: bool  # True: at least PATH_CAP paths (2**53)
    head_count: int


@dataclass(frozen=True, slots=True)
class TraceReport:
    """A trace of one index premises over a window, contacts ranked by risk."""

    index: str
    direction: TraceDirection
    first: date
    last: date
    vehicle_contacts: bool
    movements_loaded: int
    contacts: list[Contact]


class UnknownPremises(errors.NotFound):
    """The index premises is not registered."""

    rule = "premises.unknown"

    def __init__(self, code: str) -> None:
        super().__init__(f"场所 {code} 未备案", f"premises {code} is not registered")
        self.code = code


_lock = threading.Lock()
_networks: dict[tuple[str, bool], tuple[int, MovementNetwork]] = {}


def network_for(conn: Connection, vehicle_contacts: bool) -> MovementNetwork:
    """Give the node's network, loading it again only when the ledger has grown."""
    size = int(conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0)
    key = (str(conn.engine.url), vehicle_contacts)  # the password masked: a key, not a login
    with _lock:
        kept = _networks.get(key)
        if kept is not None and kept[0] == size:
            return kept[1]
    network = load_network(conn, vehicle_contacts)
    with _lock:
        _networks[key] = (size, network)
    return network


def _require_tracer(conn: Connection, who: Principal, code: str) -> None:
    township = conn.execute(
        sa.select(t.premises.c.township).where(t.premises.c.code == code)
    ).scalar()
    if township is None:
        raise UnknownPremises(code)
    if who.role not in (Role.admin, Role.government) or not who.covers_premises(code, township):
        raise Forbidden(who, f"场所 {code} 的接触追踪", f"contact tracing of premises {code}")


def trace_contacts(
    conn: Connection,
    who: Principal,
    index: str,
    direction: TraceDirection,
    last: date,
    days: int = DEFAULT_WINDOW_DAYS,
    vehicle_contacts: bool = False,
) -> TraceReport:
    """Give the premises linked to `index` over the `days` days ending on `last`, ranked."""
    _require_tracer(conn, who, index)
    first = last - timedelta(days=max(days, 1) - 1)
    network = network_for(conn, vehicle_contacts)
    contacts: list[Contact] = []
    if network.node_of(index) is not None:
        reach = network.trace(index, direction, first, last)
        contacts = _ranked(conn, network, reach, direction)
    return TraceReport(index, direction, first, last, vehicle_contacts, network.movements, contacts)


def _ranked(
    conn: Connection, network: MovementNetwork, reach: Reach, direction: TraceDirection
) -> list[Contact]:
    """Give the contacts by risk: shallower, then more paths, more heads, earlier, by code."""
    nodes = reach.reached()
    if direction is TraceDirection.forward:
        earliest, latest = reach.first_day[nodes], reach.last_day[nodes]
    else:  # backward days are negated: the latest negated day is the earliest real one
        earliest, latest = -reach.last_day[nodes], -reach.first_day[nodes]
    codes = network.codes[nodes]
    order = np.lexsort(
        (codes, earliest, -reach.heads[nodes], -reach.paths[nodes], reach.depth[nodes])
    )
    places = _places(conn, [str(c) for c in codes])
    contacts: list[Contact] = []
    for rank, at in enumerate(order.tolist(), start=1):
        code = str(codes[at])
        name, township = places.get(code, (None, None))
        paths = float(reach.paths[nodes[at]])
        contacts.append(
            Contact(
                rank=rank,
                premises=code,
                name=name,
                township=township,
                depth=int(reach.depth[nodes[at]]),
                earliest_contact=date.fromordinal(int(earliest[at])),
                latest_contact=date.fromordinal(int(latest[at])),
                paths=int(paths),
                paths_capped=paths >= PATH_CAP,
                head_count=int(reach.heads[nodes[at]]),
            )
        )
    return contacts


def _places(conn: Connection, codes: list[str]) -> dict[str, tuple[str, str]]:
    p = t.premises
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        query = sa.select(p.c.code, p.c.name, p.c.township).where(p.c.code.in_(chunk))
        found.update({row.code: (row.name, row.township) for row in conn.execute(query)})
    return found


CSV_COLUMNS = (
    "rank",
    "premises",
    "name",
    "township",
    "depth",
    "earliest_contact",
    "latest_contact",
    "paths",
    "paths_capped",
    "head_count",
)


def contacts_csv(report: TraceReport) -> str:
    """Give the ranked contacts as CSV for field teams (UTF-8, one header row)."""
    out = io.StringIO()
    writer = csvout.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in report.contacts:
        writer.writerow(
            (
                c.rank,
                c.premises,
                c.name or "",
                c.township or "",
                c.depth,
                c.earliest_contact.isoformat(),
                c.latest_contact.isoformat(),
                c.paths,
                "yes" if c.paths_capped else "no",
                c.head_count,
            )
        )
    return out.getvalue()
