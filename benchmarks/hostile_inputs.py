"""Peak memory of `pigdata ingest` on the hostile files of the input limits (docs/ingest.md).

Each file is ingested by a fresh `pigdata ingest` process on a scratch SQLite store; the
script prints the process's peak RSS beside that of a small ordinary file, and how the file
was answered (refused whole, or its row rejected with a rule).

    python benchmarks/hostile_inputs.py [--scale 1.0]

At scale 1 the files are the sizes the limits were set against: a workbook with one shared
string of 400 MiB, a CSV row of 5,000,000 cells, a JSON Lines row of 200 MiB, JSON nested
300 deep.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

HEADER = b"ear_tag,species,breed,sex,birth_date,birth_premises\r\n"
ROW = b"150015300000001,pig,duroc,female,2024-01-02,5001530001\r\n"


def ordinary(folder: Path, scale: float) -> Path:
    path = folder / "ordinary.csv"
    path.write_bytes(HEADER + ROW)
    return path


def shared_string_bomb(folder: Path, scale: float) -> Path:
    path = folder / "bomb.xlsx"
    size = int((400 << 20) * scale)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"/>')
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<sst xmlns="{main}"><si><t>'.encode())
            block = b"a" * (1 << 20)
            for _ in range(size >> 20):
                part.write(block)
            part.write(b"</t></si></sst>")
    return path


def wide_csv_row(folder: Path, scale: float) -> Path:
    path = folder / "wide.csv"
    with path.open("wb") as handle:
        handle.write(HEADER + b"1," * int(5_000_000 * scale) + b"\r\n" + ROW)
    return path


def long_jsonl_row(folder: Path, scale: float) -> Path:
    path = folder / "long.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"kind": "animal", "breed": "')
        block = b"b" * (1 << 20)
        for _ in range(int(200 * scale)):
            handle.write(block)
        handle.write(b'"}\n')
    return path


def deep_jsonl(folder: Path, scale: float) -> Path:
    path = folder / "deep.jsonl"
    path.write_bytes(b'{"kind": "animal", "breed": ' + b"[" * 300 + b"]" * 300 + b"}\n")
    return path


FILES: dict[str, Callable[[Path, float], Path]] = {
    "ordinary CSV (baseline)": ordinary,
    "XLSX, one shared string": shared_string_bomb,
    "CSV, one row of many cells": wide_csv_row,
    "JSON Lines, one long row": long_jsonl_row,
    "JSON Lines, nested 300 deep": deep_jsonl,
}


def peak_rss_mib(folder: Path, path: Path) -> tuple[float, str]:
    """Ingest a file in a fresh process; give its peak RSS in MiB and its answer's last line."""
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "PIGDATA_ARCHIVE_DIR": str(folder / "archive"),
        "PIGDATA_KEY_FILE": str(folder / "node.key"),
        "COLUMNS": "200",
    }
    script = (
        "import resource, runpy, sys; sys.argv = ['pigdata', 'ingest', sys.argv[1]];"
        "\ntry:\n    runpy.run_module('pigdata', run_name='__main__')\nfinally:\n"
        "    print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], env=env, capture_output=True, text=True
    )
    peak = next(line for line in done.stderr.splitlines() if line.startswith("peak"))
    answer = [line for line in (done.stdout + done.stderr).splitlines() if "[" in line]
    return int(peak.split()[1]) / 1024, (answer[0].strip() if answer else done.stdout[-80:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for label, make in FILES.items():
            path = make(folder, scale)
            peak, answer = peak_rss_mib(folder, path)
            print(f"{label:30} {path.stat().st_size / 2**20:8.1f} MiB  peak {peak:6.0f} MiB")
            print(f"    {answer[:160]}")
            path.unlink()
    print(f"(ru_maxrss of the ingest process; python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
