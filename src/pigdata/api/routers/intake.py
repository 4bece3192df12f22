"""Sending data: JSON record batches and file uploads, their counts and rejected rows."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pigdata.access.principal import Role
from pigdata.api.deps import Conn, EngineDep, SettingsDep, Who, require_role
from pigdata.api.problems import Problem
from pigdata.domain.records import KINDS, RECORD_TYPES
from pigdata.ingest.pipeline import IngestSummary
from pigdata.ingest.readers import SUFFIXES
from pigdata.ingest.uploads import rejects_csv, upload_row
from pigdata.services.intake import ingest_file, ingest_payload

router = APIRouter(prefix="/api/v1", tags=["intake"])


class RecordBatch(BaseModel):
    """Records to append, each an object with a `kind`; see /api/v1/schemas for each kind."""

    records: list[dict[str, Any]] = Field(min_length=1, max_length=50_000)


class IssueOut(BaseModel):
    field: str
    rule: str
    zh: str
    en: str


class RecordResult(BaseModel):
    index: int
    status: str = Field(description="accepted, rejected or duplicate (already present)")
    seq: int | None = Field(default=None, description="ledger index when accepted")
    issues: list[IssueOut] = []


class IngestResult(BaseModel):
    upload_id: int
    accepted: int
    rejected: int
    duplicates: int
    rejects_csv: str = Field(description="where to download the rejected rows to fix and resend")
    results: list[RecordResult] = []


def _result(summary: IngestSummary, with_rows: bool) -> IngestResult:
    rows = (
        [
            RecordResult(
                index=o.row_no,
                status=o.status,
                seq=o.seq,
                issues=[IssueOut(**i.as_dict()) for i in o.issues],
            )
            for o in summary.outcomes
        ]
        if with_rows
        else []
    )
    return IngestResult(
        upload_id=summary.upload_id,
        accepted=summary.accepted,
        rejected=summary.rejected,
        duplicates=summary.duplicates,
        rejects_csv=f"/api/v1/uploads/{summary.upload_id}/rejects.csv",
        results=rows,
    )


@router.post("/records", response_model=IngestResult)
def post_records(
    batch: RecordBatch, engine: EngineDep, settings: SettingsDep, who: Who
) -> IngestResult:
    """Append a batch of records; each is accepted, rejected with reasons, or already present."""
    require_role(who, Role.admin, Role.government, Role.farm)
    summary = ingest_payload(engine, settings, batch.records, who=who)
    return _result(summary, with_rows=True)


@router.post("/uploads", response_model=IngestResult)
def post_upload(
    file: Annotated[UploadFile, File(description="CSV, XLSX or JSON Lines")],
    engine: EngineDep,
    settings: SettingsDep,
    who: Who,
    kind: Annotated[
        str | None, Form(description="record kind when the file has no kind column")
    ] = None,
) -> IngestResult:
    """Ingest an uploaded file; give its counts and where its rejected rows are."""
    require_role(who, Role.admin, Role.government, Role.farm)
    name = Path(file.filename or "upload.csv").name
    if Path(name).suffix.lower() not in SUFFIXES:
        raise Problem(
            415, "Unsupported file type", f"不支持的文件类型 {name} / unsupported file type {name}"
        )
    if kind is not None and kind not in KINDS:
        raise Problem(422, "Unknown kind", f"记录类型 {kind} 不存在 / unknown record kind {kind}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            while block := file.file.read(1 << 20):
                handle.write(block)
        summary = ingest_file(engine, settings, path, who=who, kind=kind)
    return _result(summary, with_rows=False)


class UploadOut(BaseModel):
    id: int
    sha256: str
    filename: str
    size_bytes: int
    submitter: str
    started_at: str
    finished_at: str | None
    accepted: int
    rejected: int
    duplicates: int


def _own_upload(conn: Conn, who: Who, upload_id: int) -> Any:
    row = upload_row(conn, upload_id)
    if row is None:
        raise Problem(404, "Not found", f"上传 {upload_id} 不存在 / upload {upload_id} not found")
    if who.role is not Role.admin and row.submitter != who.submitter:
        raise Problem(
            403, "Forbidden", f"上传 {upload_id} 不是你的 / upload {upload_id} is not yours"
        )
    return row


@router.get("/uploads/{upload_id}", response_model=UploadOut)
def get_upload(upload_id: int, conn: Conn, who: Who) -> UploadOut:
    """Give an upload's counts (to its submitter and admins)."""
    return UploadOut.model_validate(dict(_own_upload(conn, who, upload_id)._mapping))


@router.get(
    "/uploads/{upload_id}/rejects.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def get_rejects(upload_id: int, conn: Conn, who: Who) -> Response:
    """Give the rejected rows of an upload as CSV, each with its field, rule and reason."""
    _own_upload(conn, who, upload_id)
    return Response(
        rejects_csv(conn, upload_id).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rejects-{upload_id}.csv"'},
    )


@router.get("/schemas")
def list_schemas() -> dict[str, list[str]]:
    """Give the record kinds; each has a JSON Schema at /api/v1/schemas/{kind}."""
    return {"kinds": list(KINDS)}


@router.get("/schemas/{kind}")
def get_schema(kind: str) -> dict[str, Any]:
    """Give the JSON Schema of one record kind."""
    model = RECORD_TYPES.get(kind)
    if model is None:
        raise Problem(404, "Unknown kind", f"记录类型 {kind} 不存在 / unknown record kind {kind}")
    return model.model_json_schema()
