"""Hostile files through the real `pigdata ingest`: each is refused or its bad rows rejected,
by the limit it breaks, with nothing half-done, and running it again completes it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.store import tables as t

from tests.builders import FARM_A, district, ingest
from tests.hostile import Raw, Shared, write_xlsx

ANIMAL_HEADER = ["ear_tag", "species", "breed", "sex", "birth_date", "birth_premises"]


def animal_cells(n: int) -> list[str]:
    return [f"1500153{n:08d}", "pig", "duroc", "female", "2024-01-02", FARM_A]


def run(settings: Settings, *args: str, **limits: int) -> subprocess.CompletedProcess[str]:
    """Run `pigdata ARGS` on the test's store, with these limits (PIGDATA_MAX_...)."""
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_ARCHIVE_DIR": str(settings.archive_dir),
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "PIGDATA_BATCH_SIZE": "2",
        "COLUMNS": "200",
        **{f"PIGDATA_{name.upper()}": str(value) for name, value in limits.items()},
    }
    return subprocess.run(
        [sys.executable, "-m", "pigdata", *args], env=env, capture_output=True, text=True
    )


def uploads(engine: Engine) -> list[sa.Row[object]]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(t.uploads).order_by(t.uploads.c.id)))


def ledger_size(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(t.ledger_head.c.size)).scalar_one())


def bomb(path: Path) -> Path:
    # The file scaled down: one shared string of 8 MiB, some ten kilobytes zipped.
    return write_xlsx(path, [ANIMAL_HEADER, [*animal_cells(1)[:2], Shared(0)]], ["d" * (8 << 20)])


def noisy_strings(path: Path) -> Path:
    # Shared strings that do not compress: beyond the part limit, not the ratio.
    strings = [os.urandom(512).hex() for _ in range(2048)]
    return write_xlsx(path, [ANIMAL_HEADER, animal_cells(1)], strings)


def long_inline_cell(path: Path) -> Path:
    return write_xlsx(path, [ANIMAL_HEADER, [*animal_cells(1)[:2], os.urandom(200_000).hex()]])


def wide_row(path: Path) -> Path:
    return write_xlsx(path, [ANIMAL_HEADER, animal_cells(1) + ["1"] * 5000])


def far_row(path: Path) -> Path:
    return write_xlsx(path, [ANIMAL_HEADER, animal_cells(1)], row_numbers=[1, 10**12])


@pytest.mark.parametrize(
    ("make", "limits", "rule"),
    [
        (bomb, {}, "limit.compression_ratio"),
        (noisy_strings, {"max_xlsx_part_bytes": 1 << 20}, "limit.xlsx_part_bytes"),
        (noisy_strings, {"max_uncompressed_bytes": 1 << 20}, "limit.uncompressed_bytes"),
        (long_inline_cell, {}, "limit.cell_chars"),
        (wide_row, {"max_row_bytes": 50_000}, "limit.row_bytes"),
        (far_row, {}, "source.unreadable"),
    ],
)
def test_workbook_beyond_a_limit_is_refused_whole(
    engine: Engine,
    settings: Settings,
    tmp_path: Path,
    make: object,
    limits: dict[str, int],
    rule: str,
) -> None:
    ingest(engine, settings, district())
    before = (uploads(engine), ledger_size(engine))
    path = make(tmp_path / "animals.xlsx")  # type: ignore[operator]
    done = run(settings, "ingest", str(path), **limits)
    assert done.returncode == 1
    assert f"[{rule}]" in done.stderr
    assert (uploads(engine), ledger_size(engine)) == before  # nothing recorded


def test_workbook_rows_beyond_a_limit_are_rejected(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ingest(engine, settings, district())
    rows = [ANIMAL_HEADER, animal_cells(1), [*animal_cells(2)[:2], Shared(0)], animal_cells(3)]
    path = write_xlsx(tmp_path / "animals.xlsx", rows, ["x" * 40_000])
    done = run(settings, "ingest", str(path))
    assert done.returncode == 0, done.stderr
    assert "row 3: breed:" in done.stdout and "[limit.cell_chars]" in done.stdout
    last = uploads(engine)[-1]
    assert (last.accepted, last.rejected, last.error) == (2, 1, None)
    assert last.finished_at is not None


def hostile_csv(path: Path) -> Path:
    """A CSV whose rows 3-6 each break a limit or cannot be decoded, among good rows."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ANIMAL_HEADER)
        # More than the 64 KiB by which the encoding is judged, in UTF-8.
        first = animal_cells(1)
        first[2] = "杜洛克" + " " * 70_000
        writer.writerow(first)
    with path.open("ab") as handle:
        handle.write(b"," * 2_000_000 + b"\r\n")  # row 3: 2 MB, beyond max_row_bytes
        handle.write(b"1," * 20_000 + b"\r\n")  # row 4: 20,001 cells
        handle.write(",".join([*animal_cells(4)[:2], "x" * 40_000]).encode() + b"\r\n")  # row 5
        cells = animal_cells(5)
        cells[2] = "杜洛克"
        handle.write(",".join(cells).encode("gb18030") + b"\r\n")  # row 6: not UTF-8
        handle.write(",".join(animal_cells(6)).encode() + b"\r\n")
        handle.write(b'"' + b"y\n" * 600_000 + b'",2\r\n')  # row 8: one quoted cell, 1.2 MB
        handle.write(",".join(animal_cells(7)).encode() + b"\r\n")
    return path


def test_csv_rows_beyond_limits_are_rejected_and_the_file_completes(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ingest(engine, settings, district())
    path = hostile_csv(tmp_path / "animals.csv")
    done = run(settings, "ingest", str(path))
    assert done.returncode == 0, done.stderr
    for row, rule in [
        (3, "limit.row_bytes"),
        (4, "limit.cells_per_row"),
        (5, "limit.cell_chars"),
        (6, "format.encoding"),
        (8, "limit.row_bytes"),
    ]:
        assert f"row {row}: " in done.stdout and f"[{rule}]" in done.stdout
    first = uploads(engine)[-1]
    assert (first.accepted, first.rejected, first.error) == (3, 5, None), done.stdout
    assert first.finished_at is not None

    again = run(settings, "ingest", str(path))
    assert again.returncode == 0, again.stderr
    second = uploads(engine)[-1]
    assert (second.accepted, second.duplicates, second.rejected) == (0, 3, 5)

    out = tmp_path / "rejects.csv"
    assert run(settings, "rejects", str(first.id), "-o", str(out)).returncode == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert [r[-5] for r in table[1:]] == ["3", "4", "5", "6", "8"]
    assert table[0][: len(ANIMAL_HEADER)] == ANIMAL_HEADER
    assert out.stat().st_size < 20_000  # the rejects keep the start of each cell, not all


def test_jsonl_lines_beyond_limits_are_rejected(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ingest(engine, settings, district())
    good = dict(zip(ANIMAL_HEADER, animal_cells(1), strict=True))
    path = tmp_path / "animals.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"ear_tag": "' + b"1" * (2 << 20) + b'"}\n')  # line 1: 2 MiB
        handle.write(b'{"ear_tag": ' + b"[" * 300 + b"]" * 300 + b"}\n")  # line 2: deep
        handle.write(b"[" * 5000 + b"]" * 5000 + b"\n")  # line 3: deeper than the parser goes
        handle.write(b'{"ear_tag": "\xff\xfe"}\n')  # line 4: not UTF-8
        handle.write(str(good).replace("'", '"').encode() + b"\n")  # line 5
    done = run(settings, "ingest", "--kind", "animal", str(path))
    assert done.returncode == 0, done.stderr
    for line, rule in [
        (1, "limit.row_bytes"),
        (2, "limit.json_depth"),
        (3, "limit.json_depth"),
        (4, "format.encoding"),
    ]:
        assert f"row {line}: " in done.stdout and f"[{rule}]" in done.stdout
    last = uploads(engine)[-1]
    assert (last.accepted, last.rejected, last.finished_at is not None) == (1, 4, True)


@pytest.mark.parametrize("content", [b"", b"\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_records_no_upload(
    engine: Engine, settings: Settings, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    done = run(settings, "ingest", str(path))
    assert done.returncode == 1 and "[source.unreadable]" in done.stderr
    assert uploads(engine) == []


def test_a_read_that_fails_half_way_closes_its_upload_as_failed(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    ingest(engine, settings, district())
    rows = [ANIMAL_HEADER, *(animal_cells(n) for n in range(1, 6))]
    rows.append([*animal_cells(6)[:2], Raw('<c t="n"><v>not a number</v></c>')])
    path = write_xlsx(tmp_path / "animals.xlsx", rows)
    done = run(settings, "ingest", str(path))
    assert done.returncode == 1 and "[source.unreadable]" in done.stderr
    failed = uploads(engine)[-1]
    assert failed.finished_at is not None and "row 7" in failed.error
    assert failed.accepted == 4  # the batches before the failure, each whole
