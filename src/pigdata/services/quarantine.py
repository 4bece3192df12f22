"""The import breeding-pig quarantine station (进境种猪隔离检疫场): its writes and its view.

Every write is a ledgered record through the one ingest path (pigdata.services.intake), so
the pipeline's rules (pigdata.ingest.quarantine_checks) and its scope rules decide it; this
module only puts the records together and turns a refusal into a `QuarantineRefused`. A
release is one upload: the decision first, then one movement per destination under the
certificate the decision names, so the movements are refused whenever the decision is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pigdata.access.principal import Principal, Role
from pigdata.config import Settings
from pigdata.domain.codes import parse_vehicle_plate
from pigdata.domain.quarantine_rules import missing_samplings, rule_for
from pigdata.errors import Forbidden, NotFound, PigdataError
from pigdata.ingest.pipeline import REJECTED, IngestSummary, today_in
from pigdata.services.intake import ingest_payload
from pigdata.store import tables as t


class QuarantineRefused(PigdataError):
    """A station record the rules refuse: names the record, the field and the rule."""

    status = 422
    title = "Quarantine rule"
    rule = "quarantine.refused"


@dataclass(frozen=True, slots=True)
class ReleasePlan:
    """Where part of a batch goes: a farm, the head, the certificate, optionally which IDs."""

    destination: str
    head_count: int
    certificate_no: str
    foreign_ids: tuple[str, ...] = ()


def _submit(
    engine: Engine, settings: Settings, who: Principal, records: list[dict[str, Any]], label: str
) -> IngestSummary:
    summary = ingest_payload(engine, settings, records, who=who, label=label)
    for outcome in summary.outcomes:
        if outcome.status == REJECTED:
            issue = outcome.issues[0]
            kind = records[outcome.row_no]["kind"]
            raise QuarantineRefused(
                f"{kind} 记录 {outcome.row_no}，字段 {issue.field}：{issue.zh}",
                f"{kind} record {outcome.row_no}, field {issue.field}: {issue.en}",
                rule=issue.rule,
                record=kind,
                field=issue.field,
            )
    return summary


def _seqs(summary: IngestSummary) -> list[int]:
    return [o.seq for o in summary.outcomes if o.seq is not None]


def register_batch(
    engine: Engine, settings: Settings, who: Principal, batch: dict[str, Any]
) -> list[int]:
    """Give the ledger index of a new import batch (refused with the rule it breaks)."""
    record = {**batch, "kind": "import_batch"}
    return _seqs(_submit(engine, settings, who, [record], "quarantine:batch"))


def record_test(
    engine: Engine, settings: Settings, who: Principal, result: dict[str, Any]
) -> list[int]:
    """Give the ledger index of a test result of a batch in isolation."""
    record = {**result, "kind": "quarantine_test"}
    return _seqs(_submit(engine, settings, who, [record], "quarantine:test"))


def _batch_row(conn: Connection, batch_id: str) -> sa.Row[Any]:
    b = t.quarantine_batches
    row = conn.execute(sa.select(b).where(b.c.batch_id == batch_id)).first()
    if row is None:
        raise NotFound(
            f"进境批次 {batch_id} 未登记",
            f"import batch {batch_id} is not registered",
            rule="quarantine.batch_unknown",
        )
    return row


def _releases(plans: Sequence[ReleasePlan], ids: list[str]) -> list[dict[str, Any]]:
    """Give the decision's releases, the batch's IDs handed out in order where none are named."""
    named = {i for plan in plans for i in plan.foreign_ids}
    free = iter([i for i in ids if i not in named])
    releases = []
    for plan in plans:
        chosen = list(plan.foreign_ids) or list(islice(free, plan.head_count))
        releases.append(
            {
                "destination": plan.destination,
                "head_count": plan.head_count,
                "foreign_ids": chosen,
                "certificate_no": plan.certificate_no,
            }
        )
    return releases


def release(
    engine: Engine,
    settings: Settings,
    who: Principal,
    *,
    batch_id: str,
    day: date,
    plans: Sequence[ReleasePlan],
    vehicle_plate: str,
    carrier: str,
) -> list[int]:
    """Give the ledger indexes of a release decision and of the movements it creates."""
    with engine.connect() as conn:
        batch = _batch_row(conn, batch_id)
    station = batch.station
    released = sum(plan.head_count for plan in plans)
    if released > batch.head_count:
        # Said before the IDs are handed out, which would otherwise run short first.
        raise QuarantineRefused(
            f"quarantine_decision 记录 0，字段 releases：放行 {released} 头，多于批次的 "
            f"{batch.head_count} 头",
            f"quarantine_decision record 0, field releases: {released} head released, more "
            f"than the batch's {batch.head_count}",
            rule="quarantine.head_exceeds",
            record="quarantine_decision",
            field="releases",
        )
    decision = {
        "kind": "quarantine_decision",
        "batch_id": batch_id,
        "station": station,
        "date": day.isoformat(),
        "outcome": "release",
        "herdbook": batch.herdbook,
        "breed": batch.breed,
        "releases": _releases(plans, batch.foreign_ids.split(";")),
    }
    movements = [
        {
            "kind": "movement",
            "certificate_no": r["certificate_no"],
            # Inter-provincial moves go under an A certificate, the others under a B one.
            "certificate_type": "A" if r["destination"][:2] != station[:2] else "B",
            "issue_date": day.isoformat(),
            "origin": station,
            "destination": r["destination"],
            "head_count": r["head_count"],
            "purpose": "breeding",
            "vehicle_plate": parse_vehicle_plate(vehicle_plate),
            "carrier": carrier,
        }
        for r in decision["releases"]
    ]
    return _seqs(_submit(engine, settings, who, [decision, *movements], "quarantine:release"))


def destroy(
    engine: Engine, settings: Settings, who: Principal, *, batch_id: str, day: date, reason: str
) -> list[int]:
    """Give the ledger index of a decision that rejects a batch and has it destroyed."""
    with engine.connect() as conn:
        batch = _batch_row(conn, batch_id)
    decision = {
        "kind": "quarantine_decision",
        "batch_id": batch_id,
        "station": batch.station,
        "date": day.isoformat(),
        "outcome": "destroy",
        "reason": reason,
    }
    return _seqs(_submit(engine, settings, who, [decision], "quarantine:destroy"))


# --- the station's view -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TestStatus:
    """Where a batch's tests stand: positives, and the required samplings still missing."""

    results: int
    positive: tuple[str, ...]
    missing: tuple[str, ...]  # "disease ≥ day N"


@dataclass(frozen=True, slots=True)
class BatchStatus:
    """One import batch as the station page shows it."""

    batch_id: str
    station: str
    origin_country: str
    origin_farm: str
    breed: str
    head_count: int
    import_permit: str
    arrival_date: date
    pens: tuple[str, ...]
    release_from: date
    days_in_isolation: int
    days_left: int
    tests: TestStatus
    outcome: str | None  # release, destroy, or None while in isolation
    decided_on: date | None
    head_released: int
    releases: tuple[tuple[str, int, str], ...]  # destination, head, certificate


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _test_status(conn: Connection, batch_id: str, arrival: date) -> TestStatus:
    q = t.quarantine_tests
    rows = conn.execute(
        sa.select(q.c.sample_date, q.c.disease, q.c.result).where(q.c.batch_id == batch_id)
    ).all()
    negatives: dict[str, list[int]] = {}
    positive: set[str] = set()
    for row in rows:
        if row.result == "positive":
            positive.add(row.disease)
        else:
            negatives.setdefault(row.disease, []).append((_as_date(row.sample_date) - arrival).days)
    missing = missing_samplings(rule_for(arrival), negatives)
    return TestStatus(
        len(rows), tuple(sorted(positive)), tuple(f"{d} ≥ day {n}" for d, n in missing)
    )


def _visible(who: Principal, station: str) -> bool:
    return who.role is not Role.public and who.covers_premises(station)


def station_batches(
    conn: Connection, who: Principal, today: date, station: str | None = None
) -> list[BatchStatus]:
    """Give every import batch this principal may see, newest arrival first."""
    if who.role is Role.public:
        raise Forbidden(
            "隔离场批次仅对隔离场、主管部门可见",
            "the station's batches are shown to the station and the authorities only",
        )
    b, d = t.quarantine_batches, t.quarantine_decisions
    query = sa.select(b, d.c.outcome, d.c.date.label("decided_on"), d.c.head_released).join(
        d, d.c.batch_id == b.c.batch_id, isouter=True
    )
    if station is not None:
        query = query.where(b.c.station == station)
    rows = conn.execute(query.order_by(b.c.arrival_date.desc(), b.c.batch_id)).all()
    return [_status(conn, row, today) for row in rows if _visible(who, row.station)]


def _status(conn: Connection, row: sa.Row[Any], today: date) -> BatchStatus:
    arrival = _as_date(row.arrival_date)
    rule = rule_for(arrival)
    release_from = rule.release_day(arrival)
    r = t.quarantine_releases
    releases = conn.execute(
        sa.select(r.c.destination, r.c.head_count, r.c.certificate_no)
        .where(r.c.station == row.station, r.c.entry_seq.in_(_decision_seq(row.batch_id)))
        .order_by(r.c.destination)
    ).all()
    return BatchStatus(
        row.batch_id,
        row.station,
        row.origin_country,
        row.origin_farm,
        row.breed,
        row.head_count,
        row.import_permit,
        arrival,
        tuple(row.pens.split(";")),
        release_from,
        max((today - arrival).days, 0),
        max((release_from - today).days, 0),
        _test_status(conn, row.batch_id, arrival),
        row.outcome,
        _as_date(row.decided_on) if row.decided_on is not None else None,
        row.head_released or 0,
        tuple((x.destination, x.head_count, x.certificate_no) for x in releases),
    )


def _decision_seq(batch_id: str) -> sa.Select[tuple[int]]:
    d = t.quarantine_decisions
    return sa.select(d.c.entry_seq).where(d.c.batch_id == batch_id)


def batch_status(conn: Connection, who: Principal, batch_id: str, today: date) -> BatchStatus:
    """Give one batch's status (404 when unknown or not this principal's to see)."""
    row = _batch_row(conn, batch_id)
    found = [s for s in station_batches(conn, who, today, row.station) if s.batch_id == batch_id]
    if not found:
        raise NotFound(
            f"进境批次 {batch_id} 未登记",
            f"import batch {batch_id} is not registered",
            rule="quarantine.batch_unknown",
        )
    return found[0]


def node_today(settings: Settings) -> date:
    """Give today where the node's dates are reckoned."""
    return today_in(settings.timezone)


def batch_station(conn: Connection, batch_id: str) -> str:
    """Give the station a batch is at (404 when it is not registered)."""
    station: str = _batch_row(conn, batch_id).station
    return station
