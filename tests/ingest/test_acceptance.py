"""A file of 1,000 movements with 50 broken rows: 950 accepted, the 50 reported precisely;
the same file again accepts nothing and says why."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.ingest.pipeline import IngestSummary
from pigdata.services.intake import ingest_file
from pigdata.synth import Breakage, broken_positions, movement_rows, write_csv

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    MARKET,
    SLAUGHTERHOUSE,
    TODAY,
    district,
    ingest,
)

ROWS, BROKEN = 1000, 50
EXPECTED: dict[Breakage, tuple[set[str], set[str]]] = {  # rules, fields
    Breakage.bad_ear_tag: ({"ear_tag.format", "ear_tag.county"}, {"ear_tags"}),
    Breakage.unknown_premises: ({"premises.exists"}, {"origin", "destination"}),
    Breakage.future_date: ({"date.not_future"}, {"issue_date"}),
    Breakage.missing_field: ({"required"}, {"vehicle_plate", "head_count", "purpose", "carrier"}),
    Breakage.reused_certificate: ({"certificate.used_once"}, {"certificate_no"}),
}


@pytest.fixture
def movements_file(engine: Engine, settings: Settings, tmp_path: Path) -> Path:
    ingest(engine, settings, district())
    rows = movement_rows(
        ROWS,
        seed=7,
        broken=BROKEN,
        origin_codes=[FARM_A, FARM_B, FARM_YONGCHUAN],
        destination_codes=[SLAUGHTERHOUSE, MARKET],
        start=date(2024, 1, 1),
        end=date(2024, 12, 1),
    )
    path = tmp_path / "调运记录.csv"
    write_csv(path, rows, headers="zh")
    return path


def check_rejections(summary: IngestSummary) -> None:
    breakages = broken_positions(ROWS, BROKEN)
    assert len(breakages) == BROKEN
    rejected = {o.row_no: o for o in summary.rejections}
    assert set(rejected) == {index + 2 for index in breakages}  # CSV rows count the header
    for index, how in breakages.items():
        outcome = rejected[index + 2]
        rules, fields = EXPECTED[how]
        assert outcome.source == "调运记录.csv"
        assert {i.rule for i in outcome.issues} <= rules, (how, outcome.issues)
        assert {i.field.split(".")[0] for i in outcome.issues} <= fields, (how, outcome.issues)
        assert all(i.zh and i.en and i.zh != i.en for i in outcome.issues)


def test_950_accepted_50_rejected_then_nothing_twice(
    engine: Engine, settings: Settings, movements_file: Path
) -> None:
    first = ingest_file(engine, settings, movements_file, who=ADMIN, today=TODAY)
    assert (first.accepted, first.rejected, first.duplicates) == (950, 50, 0)
    check_rejections(first)
    again = ingest_file(engine, settings, movements_file, who=ADMIN, today=TODAY)
    assert (again.accepted, again.rejected, again.duplicates) == (0, 50, 950)
    check_rejections(again)
    archived = list((settings.archive_dir).rglob("*"))
    assert sum(p.is_file() for p in archived) == 2  # the district batch and the file, once


def test_upload_over_http_and_download_the_rejects(
    engine: Engine, settings: Settings, movements_file: Path, server: str
) -> None:
    token = create_token(engine, "rc", Role.government, "500000").secret
    with httpx.Client(
        base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as api:
        with movements_file.open("rb") as handle:
            response = api.post(
                "/api/v1/uploads", files={"file": (movements_file.name, handle, "text/csv")}
            )
        assert response.status_code == 200, response.text
        result = response.json()
        # The clock is today's, so only rows dated after today would differ: none are.
        assert (result["accepted"], result["rejected"]) == (950, 50)
        download = api.get(result["rejects_csv"])
        assert download.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert len(rows) == 50
        assert {r["reject_rule"].split("; ")[0] for r in rows} >= {
            "premises.exists",
            "date.not_future",
            "required",
            "certificate.used_once",
        }
        assert "检疫证明编号" in rows[0]
        other = create_token(engine, "farm", Role.farm, FARM_A).secret
        refused = httpx.get(
            f"{server}{result['rejects_csv']}", headers={"Authorization": f"Bearer {other}"}
        )
        assert refused.status_code == 403
