"""What the store already holds that a batch's cross-record rules need, loaded set-wise.

One query per fact per batch (premises, certificates, slaughtered tags, births, herd-report
keys, superseded entries), never one per record. As records of the batch are accepted they
are added, so that a later record of the same batch sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.domain.records import (
    Animal,
    AnyRecord,
    Correction,
    HerdReport,
    Movement,
    PedigreeAnimal,
    Phenotype,
    Premises,
    Slaughter,
    record_adapter,
)
from pigdata.ingest.movement_control import MovementControl, load_control
from pigdata.ingest.quarantine_checks import QuarantineFacts, load_facts
from pigdata.ledger.personal_store import plain_records
from pigdata.projections.kinds import BY_NAME
from pigdata.store import tables as t

_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class PremisesInfo:
    premises_type: str
    township: str
    closed: date | None
    signing_key: str | None = None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An earlier ledger entry that a correction in this batch names."""

    record: AnyRecord | None  # the effective record: a correction's replacement, or None

    @property
    def kind(self) -> str:
        """Give the kind of the effective record, as the entry's bytes say it."""
        return "correction" if self.record is None else self.record.kind


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _select_in(
    conn: Connection,
    columns: Sequence[sa.Column[Any]],
    key: sa.Column[Any],
    values: set[Any],
) -> list[sa.Row[Any]]:
    found: list[sa.Row[Any]] = []
    names = tuple(c.name for c in columns)
    for chunk in _chunks(sorted(values)):
        sql = _in_query(key.table.name, names, key.name, len(chunk), conn.dialect.paramstyle)
        found.extend(conn.exec_driver_sql(sql, tuple(chunk)).all())
    return found


@cache
def _in_query(table: str, names: tuple[str, ...], key: str, count: int, style: str) -> str:
    # Rendered by hand and cached: with thousands of values SQLAlchemy's IN expansion costs
    # more than the index lookups themselves.
    marker = "?" if style == "qmark" else "%s"
    return (
        f'SELECT {", ".join(names)} FROM "{table}" WHERE "{key}" IN ({", ".join([marker] * count)})'
    )


def _day(value: date | str | None) -> Any:
    # Raw queries give SQLite's dates as ISO text and PostgreSQL's as dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class BatchContext:
    """The store's facts that the records of one batch touch."""

    size: int
    premises: dict[str, PremisesInfo] = field(default_factory=dict)
    premises_seq: dict[str, int] = field(default_factory=dict)
    certificates: dict[str, int] = field(default_factory=dict)
    slaughtered: dict[str, int] = field(default_factory=dict)  # tags of slaughter records
    births: dict[str, date] = field(default_factory=dict)
    animal_seq: dict[str, int] = field(default_factory=dict)
    herd_keys: dict[tuple[str, str], int] = field(default_factory=dict)
    pedigree_seq: dict[tuple[str, str], int] = field(default_factory=dict)
    phenotype_seq: dict[tuple[str, str, str], int] = field(default_factory=dict)
    superseded: set[int] = field(default_factory=set)
    entries: dict[int, StoredEntry] = field(default_factory=dict)
    # keys released by a correction of this batch while its replacement is checked
    released: set[int] = field(default_factory=set)
    control: MovementControl | None = None  # outbreak zones, for movement control
    quarantine: QuarantineFacts | None = None  # import batches, for the station's rules
    quarantine_batches: dict[str, int] = field(default_factory=dict)
    quarantine_decided: dict[str, int] = field(default_factory=dict)

    def holder(self, mapping: dict[Any, int], key: Any) -> int | None:
        """Give the entry that holds a unique key, unless a correction released it."""
        seq = mapping.get(key)
        return None if seq is None or seq in self.released else seq

    def premises_type(self, code: str) -> str | None:
        """Give the type of a premises the batch knows, or None."""
        info = self.premises.get(code)
        return info.premises_type if info else None

    def is_station(self, code: str) -> bool:
        """Tell whether a premises is a quarantine station (whose movements need a release)."""
        return self.premises_type(code) == "quarantine_station"

    def __post_init__(self) -> None:
        # The maps of unique keys by the names the kinds declare (pigdata.projections.kinds).
        self.unique_keys: dict[str, dict[Any, int]] = {
            "premises_seq": self.premises_seq,
            "animal_seq": self.animal_seq,
            "certificates": self.certificates,
            "herd_keys": self.herd_keys,
            "slaughtered": self.slaughtered,
            "pedigree_seq": self.pedigree_seq,
            "phenotype_seq": self.phenotype_seq,
            "quarantine_batches": self.quarantine_batches,
            "quarantine_decided": self.quarantine_decided,
        }

    def add(self, record: AnyRecord, seq: int) -> None:
        """Remember an accepted record so later records of the batch see it."""
        if isinstance(record, Correction):
            self.superseded.add(record.supersedes)
            self.released.add(record.supersedes)  # its unique keys are free from now on
            self._forget(record.supersedes)
            if self.control is not None:
                self.control.forget(record.supersedes)
            self.entries[seq] = StoredEntry(record.replacement)
            if record.replacement is not None:
                self.add(record.replacement, seq)
            return
        self.entries[seq] = StoredEntry(record)
        if self.control is not None:
            self.control.add(record, seq)
        unique = BY_NAME[record.kind].unique
        if unique is not None:
            held = self.unique_keys[unique.name]
            for key in unique.keys(record):
                held[key] = seq
        if isinstance(record, Premises):
            self.premises[record.code] = PremisesInfo(
                record.premises_type.value, record.township, record.closed, record.signing_key
            )
        elif isinstance(record, Animal):
            self.births[record.ear_tag] = record.birth_date
        if self.quarantine is not None:
            self.quarantine.add(record, self.pedigree_seq, seq)

    def _forget(self, seq: int) -> None:
        """Drop the facts a superseded entry gave, as its projection rows are dropped."""
        target = self.entries.get(seq)
        record = target.record if target else None
        if isinstance(record, Premises) and self.premises_seq.get(record.code) == seq:
            del self.premises[record.code], self.premises_seq[record.code]
        elif isinstance(record, Animal) and self.animal_seq.get(record.ear_tag) == seq:
            del self.births[record.ear_tag], self.animal_seq[record.ear_tag]


def _load_breeding(conn: Connection, ctx: BatchContext, registry_ids: set[str]) -> None:
    # One query per table by ID; the herdbook (and trait) complete the key in Python.
    p = t.pedigree_animals
    columns = [p.c.herdbook, p.c.registry_id, p.c.entry_seq]
    for row in _select_in(conn, columns, p.c.registry_id, registry_ids):
        ctx.pedigree_seq[(row.herdbook, row.registry_id)] = row.entry_seq
    f = t.phenotypes
    columns = [f.c.herdbook, f.c.trait, f.c.registry_id, f.c.entry_seq]
    for row in _select_in(conn, columns, f.c.registry_id, registry_ids):
        ctx.phenotype_seq[(row.herdbook, row.trait, row.registry_id)] = row.entry_seq


def _records_of(records: Iterable[AnyRecord]) -> Iterable[AnyRecord]:
    for record in records:
        yield record
        if isinstance(record, Correction) and record.replacement is not None:
            yield record.replacement


def load_context(
    conn: Connection,
    size: int,
    records: Sequence[AnyRecord],
) -> BatchContext:
    """Give the context for a batch, with one query per kind of fact."""
    ctx = BatchContext(size=size)
    premises_codes: set[str] = set()
    certificates: set[str] = set()
    tags: set[str] = set()  # whose births matter
    slaughter_tags: set[str] = set()  # whose earlier slaughter matters
    herd_premises: set[str] = set()
    targets: set[int] = set()
    registry_ids: set[str] = set()
    flat = list(_records_of(records))
    for record in flat:
        premises_codes.update(record.premises_refs())
        if isinstance(record, Movement):
            certificates.add(record.certificate_no)
            tags.update(record.ear_tags)
        elif isinstance(record, Slaughter):
            tags.update(record.ear_tags)
            slaughter_tags.update(record.ear_tags)
        elif isinstance(record, Animal):
            tags.add(record.ear_tag)
        elif isinstance(record, HerdReport):
            herd_premises.add(record.premises)
        elif isinstance(record, PedigreeAnimal | Phenotype):
            registry_ids.add(record.registry_id)
        elif isinstance(record, Correction):
            targets.add(record.supersedes)
    # Before the premises: whether the sender may write a target depends on its premises.
    premises_codes.update(_load_targets(conn, ctx, targets))
    p = t.premises
    premises_columns = [
        p.c.code,
        p.c.premises_type,
        p.c.township,
        p.c.closed,
        p.c.entry_seq,
        p.c.signing_key,
    ]
    for row in _select_in(conn, premises_columns, p.c.code, premises_codes):
        ctx.premises[row.code] = PremisesInfo(
            row.premises_type, row.township, _day(row.closed), row.signing_key
        )
        ctx.premises_seq[row.code] = row.entry_seq
    m = t.movements
    for row in _select_in(
        conn, [m.c.certificate_no, m.c.entry_seq], m.c.certificate_no, certificates
    ):
        ctx.certificates[row.certificate_no] = row.entry_seq
    s = t.slaughter_tags
    for row in _select_in(conn, [s.c.ear_tag, s.c.entry_seq], s.c.ear_tag, slaughter_tags):
        ctx.slaughtered[row.ear_tag] = row.entry_seq
    a = t.animals
    for row in _select_in(conn, [a.c.ear_tag, a.c.birth_date, a.c.entry_seq], a.c.ear_tag, tags):
        ctx.births[row.ear_tag] = _day(row.birth_date)
        ctx.animal_seq[row.ear_tag] = row.entry_seq
    h = t.herd_reports
    for row in _select_in(
        conn, [h.c.premises, h.c.month, h.c.entry_seq], h.c.premises, herd_premises
    ):
        ctx.herd_keys[(row.premises, row.month)] = row.entry_seq
    _load_breeding(conn, ctx, registry_ids)
    # A correction's replacement is checked as a new record, movement control included.
    ctx.control = load_control(conn, flat)
    ctx.quarantine = load_facts(conn, flat, ctx.is_station, ctx.unique_keys, ctx.pedigree_seq)
    return ctx


def _load_targets(conn: Connection, ctx: BatchContext, targets: set[int]) -> set[str]:
    """Load the entries the batch's corrections name; give the premises those entries name.

    Everything about an entry is taken from its bytes, never from the columns beside them
    (which `pigdata verify` checks against the bytes, but which a query could change).
    """
    c = t.corrections
    for row in _select_in(conn, [c.c.supersedes], c.c.supersedes, targets):
        ctx.superseded.add(row.supersedes)
    e = t.ledger_entries
    named: set[str] = set()
    stored = [
        (row.seq, row.entry) for row in _select_in(conn, [e.c.seq, e.c.entry], e.c.seq, targets)
    ]
    for seq, body in plain_records(conn, stored):
        record = record_adapter.validate_python(body)
        effective = record.replacement if isinstance(record, Correction) else record
        ctx.entries[seq] = StoredEntry(effective)
        if effective is not None:
            named.update(effective.premises_refs())
    return named
