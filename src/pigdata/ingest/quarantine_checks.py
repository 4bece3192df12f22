"""The quarantine station's cross-record rules, against the batches the store already holds.

A test result and a decision must name a registered batch of their station; a release must
come at the end of the isolation period (pigdata.domain.quarantine_rules), after a negative
result of every required sampling and no positive one, for no more head than the batch
holds and only its own animals; and a movement out of a quarantine station must go under a
certificate that a release named, to the farm it named. Facts are loaded with one query per
table per write batch, and records of the batch are added as they are accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from pigdata.domain.issues import Issue
from pigdata.domain.quarantine_rules import missing_samplings, rule_for
from pigdata.domain.records import (
    AnyRecord,
    ImportBatch,
    Movement,
    PremisesType,
    QuarantineDecision,
    QuarantineOutcome,
    QuarantineTest,
    SampleResult,
)

_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class BatchFacts:
    """What the rules need of an import batch."""

    station: str
    arrival: date
    head_count: int
    foreign_ids: frozenset[str]
    herdbook: str
    breed: str


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """A release that lets one movement out of the station."""

    station: str
    destination: str
    head_count: int
    day: date


@dataclass
class QuarantineFacts:
    """The batches, results and releases the records of one write batch touch."""

    batches: dict[str, BatchFacts] = field(default_factory=dict)
    results: dict[str, list[tuple[date, str, str]]] = field(default_factory=dict)
    releases: dict[str, ReleaseFacts] = field(default_factory=dict)

    def add(self, record: AnyRecord, pedigree_seq: dict[tuple[str, str], int], seq: int) -> None:
        """Remember an accepted record of the batch."""
        if isinstance(record, ImportBatch):
            self.batches[record.batch_id] = _facts_of(record)
        elif isinstance(record, QuarantineTest):
            found = self.results.setdefault(record.batch_id, [])
            found.append((record.sample_date, record.disease.value, record.result.value))
        elif isinstance(record, QuarantineDecision):
            for release in record.releases:
                self.releases[release.certificate_no] = ReleaseFacts(
                    record.station, release.destination, release.head_count, record.date
                )
                for foreign_id in release.foreign_ids:
                    pedigree_seq[(record.herdbook or "", foreign_id)] = seq


def _facts_of(record: ImportBatch) -> BatchFacts:
    return BatchFacts(
        record.station,
        record.arrival_date,
        record.head_count,
        frozenset(record.foreign_ids),
        record.herdbook,
        record.breed,
    )


def _day(value: date | str) -> date:
    # SQLite's raw rows give dates as ISO text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _rows(conn: Connection, table: str, columns: str, key: str, values: set[str]) -> list[Any]:
    found: list[Any] = []
    ordered = sorted(values)
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(ordered), _CHUNK):
        chunk = tuple(ordered[start : start + _CHUNK])
        sql = f"SELECT {columns} FROM {table} WHERE {key} IN ({', '.join([marker] * len(chunk))})"
        found.extend(conn.exec_driver_sql(sql, chunk).all())
    return found


def load_facts(
    conn: Connection,
    records: Sequence[AnyRecord],
    station_codes: Callable[[str], bool],
    unique_keys: dict[str, dict[Any, int]],
    pedigree_seq: dict[tuple[str, str], int],
) -> QuarantineFacts | None:
    """Give the facts a write batch needs, or None when it has no record that needs them.

    `station_codes` tells whether a premises code is a quarantine station (the context has
    loaded the premises by then), so that movements out of farms cost nothing here.
    """
    batch_ids = {r.batch_id for r in records if isinstance(r, ImportBatch | QuarantineTest)}
    decisions = [r for r in records if isinstance(r, QuarantineDecision)]
    batch_ids.update(r.batch_id for r in decisions)
    certificates = {
        r.certificate_no for r in records if isinstance(r, Movement) and station_codes(r.origin)
    }
    if not batch_ids and not certificates:
        return None
    facts = QuarantineFacts()
    columns = "entry_seq, batch_id, station, arrival_date, head_count, foreign_ids, herdbook, breed"
    for row in _rows(conn, "quarantine_batches", columns, "batch_id", batch_ids):
        unique_keys["quarantine_batches"][row.batch_id] = row.entry_seq
        facts.batches[row.batch_id] = BatchFacts(
            row.station,
            _day(row.arrival_date),
            row.head_count,
            frozenset(row.foreign_ids.split(";")),
            row.herdbook,
            row.breed,
        )
    columns = "batch_id, sample_date, disease, result"
    for row in _rows(conn, "quarantine_tests", columns, "batch_id", batch_ids):
        found = facts.results.setdefault(row.batch_id, [])
        found.append((_day(row.sample_date), row.disease, row.result))
    for row in _rows(conn, "quarantine_decisions", "entry_seq, batch_id", "batch_id", batch_ids):
        unique_keys["quarantine_decided"][row.batch_id] = row.entry_seq
    columns = "certificate_no, station, destination, head_count, date"
    for row in _rows(conn, "quarantine_releases", columns, "certificate_no", certificates):
        facts.releases[row.certificate_no] = ReleaseFacts(
            row.station, row.destination, row.head_count, _day(row.date)
        )
    ids = {i for d in decisions for r in d.releases for i in r.foreign_ids}
    columns = "herdbook, registry_id, entry_seq"
    for row in _rows(conn, "pedigree_animals", columns, "registry_id", ids):
        pedigree_seq[(row.herdbook, row.registry_id)] = row.entry_seq
    return facts


def _issue(field_name: str, rule: str, zh: str, en: str) -> list[Issue]:
    return [Issue(field_name, rule, zh, en)]


def _batch_of(
    record: QuarantineTest | QuarantineDecision, facts: QuarantineFacts
) -> tuple[BatchFacts | None, list[Issue]]:
    batch = facts.batches.get(record.batch_id)
    if batch is None:
        return None, _issue(
            "batch_id",
            "quarantine.batch_unknown",
            f"进境批次 {record.batch_id} 未登记",
            f"import batch {record.batch_id} is not registered",
        )
    if batch.station != record.station:
        return None, _issue(
            "station",
            "quarantine.batch_station",
            f"进境批次 {record.batch_id} 在隔离场 {batch.station}，不在 {record.station}",
            f"import batch {record.batch_id} is at station {batch.station}, not {record.station}",
        )
    return batch, []


def _check_test(record: QuarantineTest, facts: QuarantineFacts) -> list[Issue]:
    batch, issues = _batch_of(record, facts)
    if batch is not None and record.sample_date < batch.arrival:
        return _issue(
            "sample_date",
            "quarantine.sample_before_arrival",
            f"采样日期 {record.sample_date} 早于到场日期 {batch.arrival}",
            f"sample date {record.sample_date} is before the arrival day {batch.arrival}",
        )
    return issues


def release_refusals(
    record: QuarantineDecision, batch: BatchFacts, results: Iterable[tuple[date, str, str]]
) -> list[Issue]:
    """Give why a release of this batch may not be made (the period, the tests, the head)."""
    rule = rule_for(batch.arrival)
    first = rule.release_day(batch.arrival)
    if record.date < first:
        return _issue(
            "date",
            "quarantine.period_not_over",
            f"隔离期 {rule.period_days} 天未满：最早 {first} 放行"
            f"（还差 {(first - record.date).days} 天）",
            f"the {rule.period_days}-day isolation is not over: release from {first} "
            f"({(first - record.date).days} days from {record.date})",
        )
    taken = [r for r in results if r[0] <= record.date]
    positives = sorted({disease for _, disease, result in taken if result == SampleResult.positive})
    if positives:
        return _issue(
            "releases",
            "quarantine.positive_result",
            f"检测阳性（{', '.join(positives)}），不能放行",
            f"a test was positive ({', '.join(positives)}): the batch may not be released",
        )
    negatives: dict[str, list[int]] = {}
    for sampled, disease, _ in taken:
        negatives.setdefault(disease, []).append((sampled - batch.arrival).days)
    if missing := missing_samplings(rule, negatives):
        named = ", ".join(f"{disease} ≥ day {day}" for disease, day in missing)
        return _issue(
            "releases",
            "quarantine.test_missing",
            f"缺少规定检测（{named}），不能放行",
            f"required tests are missing ({named}): the batch may not be released",
        )
    return _release_animals(record, batch)


def _release_animals(record: QuarantineDecision, batch: BatchFacts) -> list[Issue]:
    released = sum(r.head_count for r in record.releases)
    if released > batch.head_count:
        return _issue(
            "releases",
            "quarantine.head_exceeds",
            f"放行 {released} 头，多于批次的 {batch.head_count} 头",
            f"{released} head released, more than the batch's {batch.head_count}",
        )
    strangers = sorted({i for r in record.releases for i in r.foreign_ids} - batch.foreign_ids)
    if strangers:
        return _issue(
            "releases",
            "quarantine.foreign_id_unknown",
            f"个体号 {strangers[0]} 不属于批次 {record.batch_id}",
            f"ID {strangers[0]} is not an animal of batch {record.batch_id}",
        )
    if record.herdbook != batch.herdbook or record.breed != batch.breed:
        return _issue(
            "herdbook",
            "quarantine.batch_mismatch",
            f"放行的登记簿和品种应为批次的 {batch.herdbook}、{batch.breed}",
            f"a release registers under the batch's herdbook {batch.herdbook} and breed "
            f"{batch.breed}",
        )
    return []


def _check_decision(
    record: QuarantineDecision,
    facts: QuarantineFacts,
    premises_type: Callable[[str], str | None],
    pedigree_seq: dict[tuple[str, str], int],
) -> list[Issue]:
    batch, issues = _batch_of(record, facts)
    if batch is None:
        return issues
    if record.date < batch.arrival:
        return _issue(
            "date",
            "quarantine.decision_before_arrival",
            f"决定日期 {record.date} 早于到场日期 {batch.arrival}",
            f"decision day {record.date} is before the arrival day {batch.arrival}",
        )
    if record.outcome is QuarantineOutcome.destroy:
        return []
    for n, release in enumerate(record.releases):
        if premises_type(release.destination) != PremisesType.farm:
            return _issue(
                f"releases.{n}.destination",
                "quarantine.destination_farm",
                f"放行目的地 {release.destination} 不是养殖场",
                f"release destination {release.destination} is not a farm",
            )
    if issues := release_refusals(record, batch, facts.results.get(record.batch_id, [])):
        return issues
    for release in record.releases:
        for foreign_id in release.foreign_ids:
            if (seq := pedigree_seq.get((record.herdbook or "", foreign_id))) is not None:
                return _issue(
                    "releases",
                    "pedigree.duplicate_id",
                    f"系谱 {record.herdbook} 中个体号 {foreign_id} 已登记（条目 {seq}）",
                    f"ID {foreign_id} is already in herdbook {record.herdbook} (entry {seq})",
                )
    return []


def _check_movement(record: Movement, facts: QuarantineFacts) -> list[Issue]:
    release = facts.releases.get(record.certificate_no)
    if (
        release is None
        or release.station != record.origin
        or release.destination != record.destination
        or record.head_count > release.head_count
        or record.issue_date < release.day
    ):
        return _issue(
            "certificate_no",
            "quarantine.movement_unreleased",
            f"隔离场 {record.origin} 调出须凭放行决定所列的检疫证明、目的场和头数",
            f"a movement out of quarantine station {record.origin} needs a release naming "
            "its certificate, destination and head, on or before its day",
        )
    return []


def check_quarantine(
    record: AnyRecord,
    facts: QuarantineFacts | None,
    premises_type: Callable[[str], str | None],
    pedigree_seq: dict[tuple[str, str], int],
) -> list[Issue]:
    """Give the quarantine rules this record breaks (none for records they do not concern)."""
    if isinstance(record, QuarantineTest):
        return _check_test(record, facts or QuarantineFacts())
    if isinstance(record, QuarantineDecision):
        return _check_decision(record, facts or QuarantineFacts(), premises_type, pedigree_seq)
    if isinstance(record, Movement) and premises_type(record.origin) == "quarantine_station":
        return _check_movement(record, facts or QuarantineFacts())
    return []
