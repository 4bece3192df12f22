"""Through the whole pipeline, the columnar path decides, writes and projects as the models do.

Random batches of every kind — plain rows, misspelt and broken rows, repeats, reused
certificates, animals moved before birth, dates in the future, rows of other farms — go
through the pipeline twice, on two copies of the same store: once parsed by the columnar
path, once by the models alone. Outcomes, the records in the ledger and every projection
table must be equal; and a file of valid rows of any kind is parsed wholly by the columnar
path.
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
from pydantic import ValidationError

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.config import Settings
from pigdata.domain.records import RECORD_TYPES
from pigdata.ingest.columnar import parse_batch
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
from tests.strategies import PLAIN, TAGS, bent_rows

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
    ingest(engine, settings, [animal(TAGS[1], "2024-06-01", FARM_A)])
    ingest(engine, settings, [movement(STORED_CERTIFICATE, FARM_A, FARM_B, "2024-05-01")])
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    yield path


def _as_csv(values: dict[str, Any]) -> dict[str, Any]:
    # A CSV gives text: lists as "a;b", numbers as digits.
    out = {}
    for name, value in values.items():
        if isinstance(value, dict):
            out[name] = value  # a correction's replacement: sent as a mapping
        else:
            out[name] = ";".join(map(str, value)) if isinstance(value, list) else str(value)
    return {k: v for k, v in out.items() if v != ""}


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    kinds = draw(st.lists(st.sampled_from(sorted(PLAIN)), min_size=1, max_size=3, unique=True))
    one = st.sampled_from(kinds).flatmap(lambda k: st.one_of(PLAIN[k], bent_rows(k)))
    rows = [_as_csv(r) for r in draw(st.lists(one, min_size=20, max_size=60))]
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
def test_the_columnar_path_decides_as_the_models(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, Any]],
    who: Principal,
    from_file: bool,
    kind_column: bool,
) -> None:
    folder = tmp_path_factory.mktemp("pair")
    columnar_db, model_db = folder / "columnar.db", folder / "model.db"
    shutil.copy(template, columnar_db)
    shutil.copy(template, model_db)
    nested = any(isinstance(v, dict) for row in rows for v in row.values())
    as_file = folder / "rows.csv" if from_file and not nested else None
    columnar = _run(columnar_db, rows, who, True, as_file, kind_column)
    models = _run(model_db, rows, who, False, as_file, kind_column)
    taken = columnar.columnar
    event(f"columnar parsed {'all' if taken == len(rows) else 'some' if taken else 'none'}")
    assert models.columnar == 0
    assert [(o.row_no, o.status, o.seq, o.issues) for o in columnar.outcomes] == [
        (o.row_no, o.status, o.seq, o.issues) for o in models.outcomes
    ]
    assert (columnar.accepted, columnar.rejected, columnar.duplicates) == (
        models.accepted,
        models.rejected,
        models.duplicates,
    )
    assert _ledger(columnar_db) == _ledger(model_db)
    assert _tables(columnar_db) == _tables(model_db)


@pytest.mark.parametrize("kind", sorted(set(PLAIN) - {"correction"}))
def test_a_file_of_valid_rows_is_parsed_wholly_by_the_columnar_path(
    kind: str, tmp_path: Path
) -> None:
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=200, database=None, deadline=None)
    @given(PLAIN[kind])
    def collect(values: dict[str, Any]) -> None:
        if _valid(values):
            drawn.append(_as_csv(values))

    collect()
    assert len(drawn) > 50
    for as_file in (None, tmp_path / "rows.csv"):
        source = _sources(drawn, as_file, kind_column=True)
        summary = _parsed_only(source)
        assert summary == len(drawn), f"{kind}: {summary} of {len(drawn)} rows taken"


def _valid(values: dict[str, Any]) -> bool:
    try:
        RECORD_TYPES[values["kind"]].model_validate(_as_csv(values))
    except ValidationError:
        return False
    return True


def _parsed_only(source: list[SourceRow]) -> int:
    return sum(p is not None for p in parse_batch(source))


def test_the_pipeline_counts_the_rows_the_columnar_path_took(
    template: Path, tmp_path: Path
) -> None:
    rows = [
        _as_csv(
            movement(f"4001000{i:05d}", FARM_A, FARM_B, "2024-10-01", ear_tags=[f"1500153{i:08d}"])
        )
        for i in range(100)
    ]
    db = tmp_path / "store.db"
    shutil.copy(template, db)
    summary = _run(db, rows, ADMIN, columnar=True, as_file=tmp_path / "rows.csv")
    assert (summary.accepted, summary.columnar) == (100, 100)
    again = _run(db, rows, ADMIN, columnar=True)
    assert (again.accepted, again.duplicates, again.columnar) == (0, 100, 100)
    overridden = [{**row, "override_reason": "x"} for row in rows]
    assert _parsed_only(_sources(overridden, None)) == 100  # a field like any other
