"""Files in: CSV (UTF-8 or GB18030), XLSX and JSON Lines, with Chinese or English headers."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.ingest.headers import FIELD_ALIASES_ZH, field_for_header
from pigdata.ingest.readers import UnreadableSource, infer_kind, read_file
from pigdata.services.intake import ingest_file

from tests.builders import FARM_A, FARM_B, TODAY, district, ingest

EN = [
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
]
ZH = [
    "检疫证明编号",
    "证明类型",
    "签发日期",
    "起运地",
    "到达地",
    "头数",
    "耳标号列表",
    "用途",
    "车牌号",
    "承运人",
]
ROW = [
    "5000000001",
    "B",
    "2024-05-01",
    FARM_A,
    FARM_B,
    "2",
    "150015300000001;150015300000002",
    "slaughter",
    "渝B12345",
    "王五",
]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("header", [EN, ZH, [h.upper().replace("_", " ") for h in EN]])
def test_headers_in_chinese_or_english_give_the_same_record(
    tmp_path: Path, header: list[str]
) -> None:
    rows = list(read_file(write_csv(tmp_path / "m.csv", header, [ROW])))
    assert len(rows) == 1
    values = rows[0].values
    assert values["kind"] == "movement"  # inferred from the headers
    assert values["origin"] == FARM_A and values["head_count"] == "2"
    assert rows[0].row_no == 2


def test_gb18030_csv_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", ZH, [ROW], encoding="gb18030")
    assert next(iter(read_file(path))).values["carrier"] == "王五"


def test_xlsx_dates_and_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(ZH)
    sheet.append(
        [
            5000000001,
            "B",
            date(2024, 5, 1),
            int(FARM_A),
            int(FARM_B),
            2.0,
            "150015300000001;150015300000002",
            "slaughter",
            "渝B12345",
            "王五",
        ]
    )
    book.save(tmp_path / "m.xlsx")
    values = next(iter(read_file(tmp_path / "m.xlsx"))).values
    assert values["issue_date"] == "2024-05-01"
    assert values["head_count"] == 2 and values["origin"] == int(FARM_A)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.txt").write_text("x")
    with pytest.raises(UnreadableSource, match="unsupported file type"):
        read_file(tmp_path / "m.txt")


def test_every_chinese_header_maps_to_a_field() -> None:
    for field, aliases in FIELD_ALIASES_ZH.items():
        for alias in aliases:
            assert field_for_header(alias) == field


def test_kind_inference() -> None:
    assert infer_kind({"ear_tag", "breed", "sex", "birth_date", "birth_premises"}) == "animal"
    assert infer_kind({"premises", "month", "breeding_sows"}) == "herd_report"
    assert infer_kind({"what"}) is None


def test_files_of_each_format_ingest_alike(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ingest(engine, settings, district())
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text(
        '{"kind": "movement", "certificate_no": "5000000002", "certificate_type": "B", '
        f'"issue_date": "2024-05-02", "origin": "{FARM_A}", "destination": "{FARM_B}", '
        '"head_count": 3, "ear_tags": [], "purpose": "slaughter", "vehicle_plate": "渝B12345", '
        '"carrier": "王五"}\n\nnot json\n',
        encoding="utf-8",
    )
    for path in (write_csv(tmp_path / "m.csv", ZH, [ROW]), jsonl):
        summary = ingest_file(engine, settings, path, who=ADMIN, today=TODAY, keep_outcomes=True)
        assert summary.accepted == 1
    assert summary.rejected == 1
    unreadable = summary.outcomes[-1]
    assert unreadable.row_no == 3  # the line "not json"
    assert [i.rule for i in unreadable.issues] == ["format.json_object"]
