"""Invariants: what is accepted does not depend on how rows are cut into batches, and a
rebuild from the ledger always gives the tables back."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pigdata.access.principal import ADMIN
from pigdata.ingest.pipeline import ingest_rows
from pigdata.ingest.readers import SourceRow
from pigdata.ingest.uploads import start_upload
from pigdata.projections.rebuild import rebuild_projections
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

from tests.builders import (
    FARM_A,
    FARM_B,
    SLAUGHTERHOUSE,
    TODAY,
    animal,
    district,
    herd_report,
    movement,
    slaughter,
    snapshot,
)

TAGS = [f"1500153000000{n:02d}" for n in range(6)]
PLACES = [FARM_A, FARM_B, SLAUGHTERHOUSE, "5001539999"]  # the last is not registered

records = st.one_of(
    st.builds(
        lambda tag, day: animal(tag, f"2024-05-{day:02d}", FARM_A),
        st.sampled_from(TAGS),
        st.integers(1, 28),
    ),
    st.builds(
        lambda cert, o, d, day, tags: movement(
            f"50000000{cert:02d}", o, d, f"2024-05-{day:02d}", ear_tags=tags
        ),
        st.integers(0, 8),
        st.sampled_from(PLACES),
        st.sampled_from(PLACES),
        st.integers(1, 28),
        st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    ),
    st.builds(
        lambda at, month, sows: herd_report(at, f"2024-{month:02d}", breeding_sows=sows),
        st.sampled_from(PLACES),
        st.integers(1, 3),
        st.integers(0, 3),
    ),
    st.builds(
        lambda tags, day: slaughter(SLAUGHTERHOUSE, f"2024-06-{day:02d}", tags),
        st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True),
        st.integers(1, 28),
    ),
    st.builds(
        lambda target, n: {"kind": "correction", "supersedes": target, "reason": f"r{n}"},
        st.integers(0, 15),
        st.integers(0, 3),
    ),
    # A corrected herd report moves its counts in the summary (herd_month_sums) too.
    st.builds(
        lambda target, at, month, sows: {
            "kind": "correction",
            "supersedes": target,
            "reason": "fixed",
            "replacement": herd_report(at, f"2024-{month:02d}", breeding_sows=sows),
        },
        st.integers(0, 15),
        st.sampled_from(PLACES),
        st.integers(1, 3),
        st.integers(0, 3),
    ),
)


def run(folder: Path, name: str, rows: list[dict[str, Any]], batch_size: int) -> Any:
    url = f"sqlite:///{folder / name}"
    engine = make_engine(url)
    upgrade(engine)
    upload = start_upload(engine, "0" * 64, name, 0, ADMIN.submitter)
    source = [SourceRow("t", i, r) for i, r in enumerate([*district(), *rows])]
    summary = ingest_rows(
        engine,
        source,
        upload_id=upload,
        who=ADMIN,
        today=TODAY,
        batch_size=batch_size,
        keep_outcomes=True,
    )
    tables = snapshot(engine)
    rebuild_projections(engine)
    assert snapshot(engine) == tables
    engine.dispose()
    return [(o.status, o.seq) for o in summary.outcomes], tables


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, max_size=25), st.integers(1, 7))
def test_batch_boundaries_change_nothing(rows: list[dict[str, Any]], batch_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = run(folder, "one.db", rows, batch_size=10_000)
        many = run(folder, "many.db", rows, batch_size=batch_size)
    assert one == many
