"""One animal's life, for the public: birth, movements, markets, slaughter, and their entries.

This is what the QR code on a pack of pork opens, so it is public by design, unlike the
record listings of `catalogue`: it gives each premises' name, type and township only, never
its owner, and of a movement only its certificate, day, route and purpose (no carrier or
vehicle). Each fact names the ledger entry (`seq`) it comes from, so that a proof bundle
(`pigdata.ledger.bundle_make`) can show the facts are in the signed ledger.

Markets: a movement whose destination is a market is a market visit. Trade records carry no
ear tags, so the lots shown for a visit are those sold at that market on the movement's day
by the premises the pigs came from (or by an unnamed seller): linked by market, day and
seller, never by tag, and labelled so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticCustomError
from sqlalchemy.engine import Connection

from pigdata.domain import codes, regions
from pigdata.store import tables as t

MARKET = "market"


@dataclass(frozen=True, slots=True)
class Place:
    """A premises as the public sees it: code, name, type and township (no owner)."""

    code: str
    name: str | None  # None: the code is not a registered premises
    premises_type: str | None
    township: str | None
    township_name: str | None  # e.g. "重庆市 荣昌区 昌元街道"


@dataclass(frozen=True, slots=True)
class Birth:
    """The animal's registration: where and when it was born."""

    seq: int
    species: str
    breed: str
    sex: str
    birth_date: date
    premises: Place
    sire: str | None
    dam: str | None


@dataclass(frozen=True, slots=True)
class Move:
    """A movement listing the animal's tag, under one quarantine certificate."""

    seq: int
    certificate_no: str
    certificate_type: str
    issue_date: date
    origin: Place
    destination: Place
    purpose: str
    head_count: int


@dataclass(frozen=True, slots=True)
class TradeLot:
    """A lot sold at a market: linked to a visit by market, day and seller, not by tag."""

    seq: int
    head_count: int
    avg_weight_kg: float
    avg_price: float
    seller: str | None
    buyer: Place | None


@dataclass(frozen=True, slots=True)
class MarketVisit:
    """The animal was moved to a market: which, on what day, by which movement."""

    market: Place
    date: date
    movement_seq: int
    lots: tuple[TradeLot, ...]


@dataclass(frozen=True, slots=True)
class Slaughtered:
    """The slaughter record that recovered the animal's tag."""

    seq: int
    slaughterhouse: Place
    date: date


@dataclass(frozen=True, slots=True)
class Trace:
    """Everything the ledger says about one ear tag, in order."""

    ear_tag: str
    birth: Birth | None
    movements: tuple[Move, ...]
    markets: tuple[MarketVisit, ...]
    slaughter: Slaughtered | None

    def seqs(self) -> list[int]:
        """Give the ledger entries behind every fact, ascending, each once."""
        found = {m.seq for m in self.movements}
        found.update(lot.seq for visit in self.markets for lot in visit.lots)
        if self.birth is not None:
            found.add(self.birth.seq)
        if self.slaughter is not None:
            found.add(self.slaughter.seq)
        return sorted(found)

    def to_json(self) -> dict[str, Any]:
        """Give the trace as JSON values (dates as ISO text), with its entries' seqs."""
        body = asdict(self)
        return {**_iso_dates(body), "seqs": self.seqs()}


def _iso_dates(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_iso_dates(v) for v in value]
    return value


def canonical_tag(text: str) -> str | None:
    """Give the canonical 15-digit form of an ear tag as typed, or None if it is not one."""
    try:
        return codes.parse_ear_tag(text)
    except PydanticCustomError:
        return None


def trace(conn: Connection, ear_tag: str) -> Trace | None:
    """Give the life of the animal with this ear tag, or None if the ledger never saw it."""
    tag = canonical_tag(ear_tag)
    if tag is None:
        return None
    places = _Places(conn)
    birth = _birth(conn, tag, places)
    moves = _movements(conn, tag, places)
    slaughter = _slaughter(conn, tag, places)
    if birth is None and not moves and slaughter is None:
        return None
    markets = tuple(
        _visit(conn, move, places) for move in moves if move.destination.premises_type == MARKET
    )
    return Trace(tag, birth, moves, markets, slaughter)


class _Places:
    """Premises looked up once each, as the public may see them."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._seen: dict[str, Place] = {}

    def __call__(self, code: str) -> Place:
        if code not in self._seen:
            self._seen[code] = self._load(code)
        return self._seen[code]

    def _load(self, code: str) -> Place:
        p = t.premises
        # Selecting named columns keeps the owner out of this module altogether.
        row = self._conn.execute(
            sa.select(p.c.name, p.c.premises_type, p.c.township).where(p.c.code == code)
        ).first()
        if row is None:
            return Place(code, None, None, None, None)
        township_name = regions.full_name(row.township) if regions.lookup(row.township) else None
        return Place(code, row.name, row.premises_type, row.township, township_name)


def _birth(conn: Connection, tag: str, places: _Places) -> Birth | None:
    a = t.animals
    row = conn.execute(sa.select(a).where(a.c.ear_tag == tag)).first()
    if row is None:
        return None
    return Birth(
        seq=int(row.entry_seq),
        species=row.species,
        breed=row.breed,
        sex=row.sex,
        birth_date=row.birth_date,
        premises=places(row.birth_premises),
        sire=row.sire,
        dam=row.dam,
    )


def _movements(conn: Connection, tag: str, places: _Places) -> tuple[Move, ...]:
    m, mt = t.movements, t.movement_tags
    rows = conn.execute(
        sa.select(m)
        .join(mt, mt.c.entry_seq == m.c.entry_seq)
        .where(mt.c.ear_tag == tag)
        .order_by(m.c.issue_date, m.c.entry_seq)
    )
    return tuple(
        Move(
            seq=int(row.entry_seq),
            certificate_no=row.certificate_no,
            certificate_type=row.certificate_type,
            issue_date=row.issue_date,
            origin=places(row.origin),
            destination=places(row.destination),
            purpose=row.purpose,
            head_count=int(row.head_count),
        )
        for row in rows
    )


def _visit(conn: Connection, move: Move, places: _Places) -> MarketVisit:
    tr = t.trades
    rows = conn.execute(
        sa.select(tr)
        .where(
            tr.c.market == move.destination.code,
            tr.c.date == move.issue_date,
            sa.or_(tr.c.seller == move.origin.code, tr.c.seller.is_(None)),
        )
        .order_by(tr.c.entry_seq)
    )
    lots = tuple(
        TradeLot(
            seq=int(row.entry_seq),
            head_count=int(row.head_count),
            avg_weight_kg=float(row.avg_weight_kg),
            avg_price=float(row.avg_price),
            seller=row.seller,
            buyer=places(row.buyer) if row.buyer else None,
        )
        for row in rows
    )
    return MarketVisit(move.destination, move.issue_date, move.seq, lots)


def _slaughter(conn: Connection, tag: str, places: _Places) -> Slaughtered | None:
    s, st = t.slaughters, t.slaughter_tags
    row = conn.execute(
        sa.select(s).join(st, st.c.entry_seq == s.c.entry_seq).where(st.c.ear_tag == tag)
    ).first()
    if row is None:
        return None
    return Slaughtered(int(row.entry_seq), places(row.slaughterhouse), row.date)
