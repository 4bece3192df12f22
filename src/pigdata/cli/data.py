"""Data commands: ingest files, fetch rejected rows, list uploads, rebuild, schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.table import Table

from pigdata.cli._common import console, fail, open_store, principal_for, progress_bar
from pigdata.config import get_settings
from pigdata.domain.records import RECORD_TYPES
from pigdata.ingest.pipeline import IngestSummary
from pigdata.ingest.uploads import rejects_csv_chunks, upload_row
from pigdata.projections.rebuild import ledger_size, rebuild_projections
from pigdata.services.intake import count_rows, ingest_file
from pigdata.store import tables as t

app = typer.Typer()


def print_summary(path: Path, summary: IngestSummary, shown: int) -> None:
    table = Table(title=f"{path.name}  (upload {summary.upload_id})")
    for column in ("accepted 接受", "rejected 拒绝", "already present 已存在"):
        table.add_column(column, justify="right")
    table.add_row(str(summary.accepted), str(summary.rejected), str(summary.duplicates))
    console.print(table)
    if summary.duplicates:
        console.print(
            f"{summary.duplicates} 条记录已在账本中，未重复写入 / "
            f"{summary.duplicates} records were already in the ledger and were not "
            "appended again"
        )
    rejected = summary.rejections
    for outcome in rejected[:shown]:
        for issue in outcome.issues:
            line = f"  {outcome.source} row {outcome.row_no}: {issue.describe()}"
            console.print(line, markup=False, highlight=False)
    if summary.rejected > shown:
        console.print(f"  … {summary.rejected - min(shown, len(rejected))} more")
    if rejected:
        console.print(
            f"拒绝的行 / rejected rows: pigdata rejects {summary.upload_id} "
            f"-o rejects-{summary.upload_id}.csv"
        )


@app.command()
def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(help="CSV, XLSX or JSON Lines files", exists=True, dir_okay=False),
    ],
    kind: Annotated[
        str | None, typer.Option(help="record kind when a file has no kind column")
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="act as this token's principal", envvar="PIGDATA_TOKEN")
    ] = None,
    show: Annotated[int, typer.Option(help="rejections to list")] = 20,
    strict: Annotated[bool, typer.Option(help="exit 1 if any row was rejected")] = False,
) -> None:
    """Ingest files: each row accepted into the ledger, rejected with reasons, or present."""
    if kind is not None and kind not in RECORD_TYPES:
        raise fail(f"记录类型 {kind} 不存在 / unknown record kind {kind}")
    settings = get_settings()
    engine = open_store(settings)
    who = principal_for(engine, token)
    any_rejected = False
    for path in files:
        with progress_bar(path.name, count_rows(path)) as advance:
            # A file refused whole (unreadable, beyond a limit) is reported by the one handler.
            summary = ingest_file(engine, settings, path, who=who, kind=kind, on_batch=advance)
        print_summary(path, summary, show)
        any_rejected = any_rejected or summary.rejected > 0
    if strict and any_rejected:
        raise typer.Exit(1)


@app.command()
def rejects(
    upload_id: Annotated[int, typer.Argument(help="the upload number ingest printed")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="file to write")] = None,
) -> None:
    """Write an upload's rejected rows as CSV, with reasons, to fix and ingest again."""
    engine = open_store()
    with engine.connect() as conn:
        if upload_row(conn, upload_id) is None:
            raise fail(f"上传 {upload_id} 不存在 / upload {upload_id} not found")
        if output is None:
            for chunk in rejects_csv_chunks(conn, upload_id):
                console.out(chunk, end="")
            return
        # Written a page at a time; an interrupted download never looks complete.
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            for chunk in rejects_csv_chunks(conn, upload_id):
                handle.write(chunk)
        partial.replace(output)
    console.print(f"wrote {output}")


@app.command()
def uploads(limit: int = 20) -> None:
    """List the latest uploads with their counts."""
    engine = open_store()
    u = t.uploads
    table = Table(
        "id", "file", "submitter", "started", "accepted", "rejected", "present", "ended early"
    )
    with engine.connect() as conn:
        for row in conn.execute(sa.select(u).order_by(u.c.id.desc()).limit(limit)):
            table.add_row(
                str(row.id),
                row.filename,
                row.submitter,
                row.started_at,
                str(row.accepted),
                str(row.rejected),
                str(row.duplicates),
                row.error or "",
            )
    console.print(table)


@app.command()
def rebuild() -> None:
    """Rebuild every projection table from the ledger."""
    engine = open_store()
    with progress_bar("rebuild", ledger_size(engine)) as advance:
        replayed = rebuild_projections(engine, advance)
    console.print(f"rebuilt projections from {replayed} ledger entries / 已从账本重建投影表")


@app.command()
def schema(kind: Annotated[str, typer.Argument(help="record kind")]) -> None:
    """Print the JSON Schema of a record kind."""
    model = RECORD_TYPES.get(kind)
    if model is None:
        raise fail(f"记录类型 {kind} 不存在 / unknown kind; one of {', '.join(RECORD_TYPES)}")
    console.out(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))
