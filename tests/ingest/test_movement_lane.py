"""The columnar movement lane decides, writes and projects exactly as the general path.

Random batches of movements — plain rows, misspelt and broken rows, repeats, reused
certificates, animals moved before birth, dates in the future, rows of other farms — go
through the pipeline twice, on two copies of the same store: once with the lane, once
without. Outcomes, the records in the ledger and every projection table must be equal.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.config import Settings
from pigdata.ingest import movement_lane
from pigdata.ingest.pipeline import IngestSummary, ingest_rows
from pigdata.ingest.readers import SourceRow, read_file
from pigdata.ingest.uploads import start_upload
from pigdata.ledger.entry import canonical_json, decode_entry
from pigdata.ledger.personal import committed_paths
from pigdata.ledger.personal_store import plain_records
from pigdata.store import tables as t
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

from tests.builders import FARM_A, FARM_B, TODAY, animal, district, ingest, movement, snapshot
from tests.ingest.test_quick import GOOD_TAGS, movement_values, plain_movements

STORED_CERTIFICATE = "300100000001"
WHO = [
    ADMIN,
    Principal("a", Role.farm, FARM_A),
    Principal("cq", Role.government, "500000"),
    Principal("rc", Role.government, "500153"),
    Principal("anyone", Role.public),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store holding the little district, an animal born late in 2024 and one movement."""
    folder = tmp_path_factory.mktemp("lane")
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    settings = Settings(database_url=f"sqlite:///{path}", archive_dir=folder / "archive")
    ingest(engine, settings, district())
    ingest(engine, settings, [animal(GOOD_TAGS[1], "2024-06-01", FARM_A)])
    ingest(engine, settings, [movement(STORED_CERTIFICATE, FARM_A, FARM_B, "2024-05-01")])
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    yield path


def _as_csv(values: dict[str, Any]) -> dict[str, Any]:
    # A CSV gives text: lists as "a;b", numbers as digits.
    out = {}
    for name, value in values.items():
        out[name] = ";".join(map(str, value)) if isinstance(value, list) else str(value)
    return {k: v for k, v in out.items() if v != ""}


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = draw(st.lists(st.one_of(plain_movements(), movement_values()), min_size=64, max_size=90))
    rows = [_as_csv(r) for r in rows]
    for _ in range(draw(st.integers(0, 6))):  # repeats and reused certificates
        i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(rows) - 1))
        if draw(st.booleans()):
            rows[j] = dict(rows[i])
        elif "certificate_no" in rows[i]:
            rows[j] = {**rows[j], "certificate_no": rows[i]["certificate_no"]}
    if draw(st.booleans()):
        rows[0] = {**rows[0], "certificate_no": STORED_CERTIFICATE}
    return rows


def _sources(
    rows: list[dict[str, Any]], as_file: Path | None, kind_column: bool = False
) -> list[SourceRow]:
    """Give the rows as mappings (as the API sends them) or as read back from a CSV file."""
    if as_file is None:
        return [
            SourceRow("t.csv", i, dict(v), tuple(v), tuple(v.values()))
            for i, v in enumerate(rows, 2)
        ]
    # Without a kind column the reader takes the kind from the headers.
    headers = sorted({name for row in rows for name in row} - {"" if kind_column else "kind"})
    with as_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return list(read_file(as_file))


def _run(
    path: Path,
    rows: list[dict[str, Any]],
    who: Principal,
    columnar: bool,
    as_file: Path | None = None,
    kind_column: bool = False,
) -> IngestSummary:
    engine = make_engine(f"sqlite:///{path}")
    try:
        upload = start_upload(engine, "0" * 64, "t.csv", 0, who.submitter)
        source = _sources(rows, as_file, kind_column)
        return ingest_rows(
            engine,
            source,
            upload_id=upload,
            who=who,
            today=TODAY,
            batch_size=len(rows),
            keep_outcomes=True,
            columnar=columnar,
        )
    finally:
        engine.dispose()


def _ledger(path: Path) -> list[tuple[Any, ...]]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            rows = (
                conn.execute(sa.select(t.ledger_entries).order_by(t.ledger_entries.c.seq))
                .mappings()
                .all()
            )
            # The arrival time and the salts differ between the two runs; what the entries
            # commit to, and the values beside them, must not.
            sent = dict(plain_records(conn, [(r["seq"], r["entry"]) for r in rows]))
            committed = {r["seq"]: committed_paths(decode_entry(r["entry"])) for r in rows}
            return [
                (
                    r["seq"],
                    r["kind"],
                    canonical_json(sent[r["seq"]]),
                    committed[r["seq"]],
                    r["record_digest"],
                    r["digest_prefix"],
                    r["submitter"],
                )
                for r in rows
            ]
    finally:
        engine.dispose()


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


@settings(max_examples=80, deadline=None)
@given(
    rows=batches(),
    who=st.sampled_from(WHO),
    from_file=st.booleans(),
    kind_column=st.booleans(),
)
def test_the_lane_decides_as_the_general_path(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, Any]],
    who: Principal,
    from_file: bool,
    kind_column: bool,
) -> None:
    folder = tmp_path_factory.mktemp("pair")
    lane_db, general_db = folder / "lane.db", folder / "general.db"
    shutil.copy(template, lane_db)
    shutil.copy(template, general_db)
    as_file = folder / "rows.csv" if from_file else None
    source = _sources(rows, as_file, kind_column)
    taken = (
        sum(p is not None for p in movement_lane.parse(source))
        if movement_lane.takes(source)
        else 0
    )
    event(f"lane parsed {'all' if taken == len(rows) else 'some' if taken else 'none'} of the rows")
    with_lane = _run(lane_db, rows, who, True, as_file, kind_column)
    without = _run(general_db, rows, who, False, as_file, kind_column)
    assert [(o.row_no, o.status, o.seq, o.issues) for o in with_lane.outcomes] == [
        (o.row_no, o.status, o.seq, o.issues) for o in without.outcomes
    ]
    assert (with_lane.accepted, with_lane.rejected, with_lane.duplicates) == (
        without.accepted,
        without.rejected,
        without.duplicates,
    )
    assert _ledger(lane_db) == _ledger(general_db)
    assert _tables(lane_db) == _tables(general_db)


def test_the_lane_takes_plain_csv_movements(template: Path, tmp_path: Path) -> None:
    rows = [
        _as_csv(
            movement(f"4001000{i:05d}", FARM_A, FARM_B, "2024-10-01", ear_tags=[f"1500153{i:08d}"])
        )
        for i in range(100)
    ]
    source = [SourceRow("t.csv", i, dict(v)) for i, v in enumerate(rows, 2)]
    assert movement_lane.takes(source)
    assert all(p is not None for p in movement_lane.parse(source))
    from_file = _sources(rows, tmp_path / "rows.csv")
    assert from_file[0].layout is not None and movement_lane.takes(from_file)
    assert all(p is not None for p in movement_lane.parse(from_file))
    db = tmp_path / "store.db"
    shutil.copy(template, db)
    summary = _run(db, rows, ADMIN, columnar=True, as_file=tmp_path / "rows.csv")
    assert summary.accepted == 100
    again = _run(db, rows, ADMIN, columnar=True)
    assert (again.accepted, again.duplicates) == (0, 100)


def test_a_short_or_mixed_batch_is_not_the_lanes() -> None:
    plain = _as_csv(movement("400100000001", FARM_A, FARM_B, "2024-10-01"))
    assert not movement_lane.takes([SourceRow("t.csv", 2, dict(plain))] * 10)
    mixed = [SourceRow("t.csv", i, dict(plain)) for i in range(100)]
    mixed[50] = SourceRow("t.csv", 52, {"kind": "premises", "code": FARM_A})
    assert not movement_lane.takes(mixed)
    overridden = [SourceRow("t.csv", i, {**plain, "override_reason": "x"}) for i in range(100)]
    assert movement_lane.parse(overridden) == [None] * 100
