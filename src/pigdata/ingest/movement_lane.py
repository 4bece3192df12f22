"""The columnar lane: a batch of plain movements parsed, checked and written column-wise.

A bulk file of movements is the platform's heaviest intake. Going record by record, most
of the time is spent building and checking objects rather than on the data. Here a batch
whose rows are all movements is taken a column at a time: each distinct origin,
destination, plate, day and county is validated once by the model's own parsers, each
certificate and ear-tag cell by the model's own patterns, and the canonical bytes are put
together from the cells, which for these values is exactly what canonical JSON gives. The
cross-record rules are tested against the batch's facts by set look-ups.

The lane only ever accepts. A row it cannot vouch for — any spelling other than the
canonical one, any rule it would break, any field it does not build — goes through the
general path, which accepts or rejects it and names the field and rule. A hypothesis test
runs random files through both and compares decisions, entry bytes and projections.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from operator import itemgetter
from typing import Any

from pydantic_core import PydanticCustomError

from pigdata.access.principal import Principal, Role
from pigdata.domain import codes
from pigdata.domain.health_rules import REGIONAL_CONTROLS, control_region, rule_on
from pigdata.domain.records import EARLIEST_DAY, LATEST_DAY, CertificateType, Purpose
from pigdata.ingest.context import BatchContext
from pigdata.ingest.readers import RowLayout, SourceRow

MOVEMENT_COLUMNS = (
    "entry_seq",
    "certificate_no",
    "certificate_type",
    "issue_date",
    "origin",
    "destination",
    "head_count",
    "purpose",
    "vehicle_plate",
    "carrier",
)
TAG_COLUMNS = ("ear_tag", "entry_seq")
_FIELDS = frozenset(
    {
        "kind",
        "certificate_no",
        "certificate_type",
        "issue_date",
        "origin",
        "destination",
        "head_count",
        "ear_tags",
        "purpose",
        "vehicle_plate",
        "carrier",
    }
)
# The fields in the order the lane reads them (the required ones, then the ear tags).
_READ_FIELDS = (
    "certificate_no",
    "certificate_type",
    "issue_date",
    "origin",
    "destination",
    "head_count",
    "purpose",
    "vehicle_plate",
    "carrier",
    "ear_tags",
)
_REQUIRED = itemgetter(*_READ_FIELDS[:-1])


def _read_mapping(values: dict[str, Any]) -> tuple[Any, ...]:
    return (*_REQUIRED(values), values.get("ear_tags"))


_MIN_BATCH = 64  # below this the general path is as quick
_CERTIFICATE = re.compile(r"[0-9A-Z]{6,24}")  # codes.parse_certificate_number's own form
_HEAD_COUNT = re.compile(r"[1-9][0-9]{0,5}")
_TAG_CELL = re.compile(r"[0-9]{15}(?:;[0-9]{15})*")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Text that canonical JSON writes between quotes as it is: no quote, backslash or control
# character, 1 to 200 characters (the model's Text).
_JSON_PLAIN = re.compile(r'[^"\\\x00-\x1f]{1,200}')
_MAX_HEAD = 100_000
_MAX_TAGS = 10_000
_CERTIFICATE_TYPES = frozenset(member.value for member in CertificateType)
_PURPOSES = frozenset(member.value for member in Purpose)
_SPECIES_DIGITS = frozenset(codes.SPECIES_DIGIT.values())
# The record's canonical bytes begin with the carrier and end with the plate (keys sorted).
_CANONICAL_HEAD = '{"carrier":"%s","certificate_no":"'
_CANONICAL_TAIL = '","vehicle_plate":"%s"}'
_CARRIER_KEY = b'{"carrier":"'


@dataclass(slots=True)
class LaneRow:
    """A movement the lane has parsed: its columns, tags and canonical bytes."""

    row: SourceRow
    columns: tuple[Any, ...]  # MOVEMENT_COLUMNS without entry_seq
    tags: list[str]
    canonical: bytes
    digest: bytes
    prefix: int

    @property
    def issue_day(self) -> str:
        return str(self.columns[2])

    def sealed_bytes(self, carrier_commitment: str) -> bytes:
        """Give the canonical bytes with the carrier (a personal value) as its commitment.

        The carrier is the first key, so its value starts right after the opening bytes.
        """
        end = len(_CARRIER_KEY) + len(str(self.columns[-1]).encode())
        return _CARRIER_KEY + carrier_commitment.encode() + self.canonical[end:]


def takes(rows: Sequence[SourceRow]) -> bool:
    """Tell whether a batch is the lane's: enough rows, every one a movement."""
    if len(rows) < _MIN_BATCH:
        return False
    layout = _shared_layout(rows)
    if layout is not None:
        return all(layout.kind_of(row.cells) == "movement" for row in rows)
    return all(row.unreadable is None and row.values.get("kind") == "movement" for row in rows)


def _shared_layout(rows: Sequence[SourceRow]) -> RowLayout | None:
    layout = rows[0].layout
    if layout is None or not all(row.layout is layout for row in rows):
        return None
    return layout


Values = tuple[Any, ...]  # _read_mapping's fields, in its order


def _values(rows: Sequence[SourceRow]) -> list[Values | None]:
    """Give each row's fields in _READ_FIELDS order; None where it has a field the lane lacks."""
    layout = _shared_layout(rows)
    if layout is not None and _plain_columns(layout):
        return _cell_values(rows, layout)
    found: list[Values | None] = []
    for row in rows:
        values = row.values
        if not _FIELDS.issuperset(values):  # a field the lane does not build (an override)
            found.append(None)
            continue
        try:
            found.append(_read_mapping(values))
        except KeyError:
            found.append(None)
    return found


def _plain_columns(layout: RowLayout) -> bool:
    # Each field in one column only (else the last non-empty cell would be the value).
    named = [f for f in layout.fields if f]
    return len(named) == len(set(named)) and all(f in layout.fields for f in _READ_FIELDS[:-1])


def _cell_values(rows: Sequence[SourceRow], layout: RowLayout) -> list[Values | None]:
    fields = layout.fields
    positions = [fields.index(name) if name in fields else None for name in _READ_FIELDS]
    getter = itemgetter(*[p for p in positions if p is not None])
    has_tags = positions[-1] is not None
    others = [i for i, f in enumerate(fields) if f and f not in _FIELDS]
    found: list[Values | None] = []
    kind_of = layout.kind_of
    for row in rows:
        cells = row.cells
        try:
            values = getter(cells)
            if kind_of(cells) != "movement" or any(cells[i] for i in others):
                found.append(None)  # not a movement, or a field the lane does not build
                continue
        except IndexError:  # a short row: the general path says what is missing
            found.append(None)
            continue
        found.append(values if has_tags else (*values, None))
    return found


def _valid(parse: Any, values: set[str]) -> set[str]:
    """Give the values the model's parser keeps exactly as they are."""
    kept: set[str] = set()
    for value in values:
        try:
            if parse(value) == value:
                kept.add(value)
        except (PydanticCustomError, ValueError, TypeError):
            continue
    return kept


def _days(values: set[str]) -> dict[str, date]:
    found: dict[str, date] = {}
    earliest, latest = EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()
    for text in values:  # a day out of range goes to the general path, which names the rule
        if _DAY.fullmatch(text) and earliest <= text <= latest:
            try:
                found[text] = date.fromisoformat(text)
            except ValueError:
                continue
    return found


class _Checker:
    """The distinct values of a batch, each validated once.

    Premises codes, days, plates, head counts and carriers repeat across a batch, so each
    distinct one is checked once, and the text of the canonical bytes around a carrier and a
    plate (the only fields that may hold other than ASCII) is encoded once.
    """

    def __init__(self, rows: Sequence[Values | None]) -> None:
        present = [r for r in rows if r is not None]
        self.premises = _valid(codes.parse_registration_code, _texts(present, 3, 4))
        self.days = _days(_texts(present, 2))
        self.counts = _head_counts(_texts(present, 5))
        plates = _valid(codes.parse_vehicle_plate, _texts(present, 7))
        # Each with the one copy of its text the batch's rows share: SQLite is given that
        # copy, whose UTF-8 form Python then makes once rather than once per row.
        self.plate_tails = {plate: (plate, (_CANONICAL_TAIL % plate).encode()) for plate in plates}
        carriers = (c for c in _texts(present, 8) if _plain_text(c))
        self.carrier_heads = {c: (c, (_CANONICAL_HEAD % c).encode()) for c in carriers}
        self.tag_heads: set[str] = set()

    def tags(self, cell: Any, head_count: int) -> list[str] | None:
        if cell is None or cell == "":
            return []
        if type(cell) is not str or not _TAG_CELL.fullmatch(cell):
            return None
        tags = cell.split(";")
        count = len(tags)
        if count > head_count or count > _MAX_TAGS or (count > 1 and len(set(tags)) != count):
            return None
        for tag in tags:
            if tag[:7] not in self.tag_heads and not self._known_head(tag[:7]):
                return None
        return tags

    def _known_head(self, head: str) -> bool:
        # A tag's species digit and county code, checked once per batch.
        if head[0] in _SPECIES_DIGITS and codes.is_county(head[1:]):
            self.tag_heads.add(head)
            return True
        return False


def _head_counts(texts: set[str]) -> dict[str, int]:
    return {
        text: int(text) for text in texts if _HEAD_COUNT.fullmatch(text) and int(text) <= _MAX_HEAD
    }


def _plain_text(text: str) -> bool:
    # Text canonical JSON writes as it is, without white space at either end (as a model's
    # Text field keeps it).
    return bool(_JSON_PLAIN.fullmatch(text)) and not text[0].isspace() and not text[-1].isspace()


def _texts(rows: Sequence[Values], *positions: int) -> set[str]:
    found: set[str] = set()
    for i in positions:
        found.update(r[i] for r in rows if type(r[i]) is str)
    return found


def parse(rows: Sequence[SourceRow]) -> list[LaneRow | None]:
    """Give each row as the lane parsed it, or None where the general path must decide."""
    read = _values(rows)
    checker = _Checker(read)
    parsed: list[LaneRow | None] = []
    for row, values in zip(rows, read, strict=True):
        try:
            parsed.append(None if values is None else _parse_one(row, values, checker))
        except TypeError:  # a value of an unhashable type (a list, say): not the lane's
            parsed.append(None)
    return parsed


def _parse_one(row: SourceRow, values: Values, checker: _Checker) -> LaneRow | None:
    number, kind_of, day, origin, destination, count, purpose, plate, carrier, cell = values
    known_carrier = checker.carrier_heads.get(carrier)
    known_plate = checker.plate_tails.get(plate)
    head_count = checker.counts.get(count)
    if (
        known_carrier is None
        or known_plate is None
        or head_count is None
        or kind_of not in _CERTIFICATE_TYPES
        or day not in checker.days
        or origin not in checker.premises
        or destination not in checker.premises
        or origin == destination
        or (kind_of == "A") != (origin[:2] != destination[:2])
        or purpose not in _PURPOSES
        or type(number) is not str
        or not _CERTIFICATE.fullmatch(number)
    ):
        return None
    tags = checker.tags(cell, head_count)
    if tags is None:
        return None
    carrier, head = known_carrier
    plate, tail = known_plate
    listed = '"' + '","'.join(tags) + '"' if tags else ""
    # The canonical bytes between carrier and plate, keys in sorted order; every value
    # here is ASCII and needs no escaping.
    middle = (
        f'{number}","certificate_type":"{kind_of}","destination":"{destination}",'
        f'"ear_tags":[{listed}],"head_count":{count},"issue_date":"{day}",'
        f'"kind":"movement","origin":"{origin}","purpose":"{purpose}'
    )
    canonical = head + middle.encode() + tail
    digest = sha256(canonical).digest()
    columns = (number, kind_of, day, origin, destination, head_count, purpose, plate, carrier)
    # The digest's first 8 bytes as a signed integer, as ledger.entry.digest_prefix gives.
    prefix = int.from_bytes(digest[:8], "big", signed=True)
    return LaneRow(row, columns, tags, canonical, digest, prefix)


def facts(parsed: Sequence[LaneRow | None]) -> tuple[set[str], set[str], set[str]]:
    """Give the premises, certificates and ear tags the lane's rows name."""
    premises: set[str] = set()
    certificates: set[str] = set()
    tags: set[str] = set()
    for lane_row in parsed:
        if lane_row is not None:
            premises.add(lane_row.columns[3])
            premises.add(lane_row.columns[4])
            certificates.add(lane_row.columns[0])
            tags.update(lane_row.tags)
    return premises, certificates, tags


class Clearance:
    """Tells which of the lane's rows pass every rule that does not depend on the batch order.

    Conservative by construction: a row it does not clear goes to the general path, which
    gives the rule it breaks (or accepts it after all).
    """

    def __init__(self, ctx: BatchContext, today: date, who: Principal) -> None:
        self.ctx = ctx
        self.premises = ctx.premises
        self.today = today.isoformat()
        self.who = who
        self.anyone_may_submit = who.role is Role.admin
        self.zones = ctx.control is not None and bool(ctx.control.outbreaks)
        self._crossings: dict[tuple[str, str, str, str], bool] = {}

    def clear(self, lane_row: LaneRow) -> bool:
        _, _, day, origin, destination, _, purpose, _, _ = lane_row.columns
        premises = self.premises
        if day > self.today or origin not in premises or destination not in premises:
            return False
        if self.zones or (self.ctx.births and self._before_birth(lane_row)):
            return False
        if origin[:2] != destination[:2] and self._crosses_regions(
            day, purpose, origin, destination
        ):
            return False
        return self.anyone_may_submit or self._may_submit(origin, destination)

    def may_write(self, lane_row: LaneRow) -> bool:
        """Tell whether the sender may write this movement (else it is refused, even if present)."""
        _, _, _, origin, destination, _, _, _, _ = lane_row.columns
        return self.anyone_may_submit or self._may_submit(origin, destination)

    def _before_birth(self, lane_row: LaneRow) -> bool:
        moved = date.fromisoformat(lane_row.issue_day)
        births = self.ctx.births
        return any((born := births.get(tag)) is not None and moved < born for tag in lane_row.tags)

    def _crosses_regions(self, day: str, purpose: str, origin: str, destination: str) -> bool:
        # Only asked of moves between provinces: one province lies in one control region.
        key = (day, purpose, origin[:2], destination[:2])
        crossing = self._crossings.get(key)
        if crossing is None:
            crossing = self._crossings[key] = _crosses(date.fromisoformat(day), *key[1:])
        return crossing

    def _may_submit(self, origin: str, destination: str) -> bool:
        who = self.who
        if who.role is Role.admin:
            return True
        if who.role is Role.farm:
            return who.scope in (origin, destination)
        if who.role is Role.government:
            info = self.ctx.premises.get(origin)
            return who.covers_premises(origin, info.township if info else None)
        return False


def _crosses(day: date, purpose: str, origin_province: str, destination_province: str) -> bool:
    """Tell whether regional control in force on a day stops such a move between provinces."""
    control = rule_on(REGIONAL_CONTROLS, day)
    if control is None or purpose in control.exempt_purposes:
        return False
    leaving = control_region(control, origin_province)
    arriving = control_region(control, destination_province)
    return leaving is not None and arriving is not None and leaving != arriving
