"""Sending data: JSON record batches and file uploads, their counts and rejected rows."""

from __future__ import annotations

import codecs
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field, RootModel
from sqlalchemy.engine import Engine
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.types import Message

from pigdata.access.principal import Role
from pigdata.api.bounds import UploadId
from pigdata.api.deps import Conn, EngineDep, SettingsDep, Who, require_role
from pigdata.api.json_body import JsonBodyRoute
from pigdata.api.openapi import media, problems
from pigdata.api.problems import Problem
from pigdata.domain.records import KINDS, RECORD_TYPES
from pigdata.errors import InvalidInput, TooLarge
from pigdata.ingest.limits import nested_deeper, too_deep
from pigdata.ingest.pipeline import IngestSummary
from pigdata.ingest.readers import SUFFIXES
from pigdata.ingest.uploads import rejects_csv_chunks, upload_row
from pigdata.services.intake import ingest_file, ingest_payload

router = APIRouter(prefix="/api/v1", tags=["intake"], route_class=JsonBodyRoute)


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
    _refuse_nested(batch.records, settings.max_json_depth)
    summary = ingest_payload(engine, settings, batch.records, who=who)
    return _result(summary, with_rows=True)


def _refuse_nested(records: list[dict[str, Any]], depth: int) -> None:
    """Refuse a batch with a record nested deeper than records can be (they are flat)."""
    for index, record in enumerate(records):
        if nested_deeper(record, depth):
            issue = too_deep(depth, f"records.{index}")
            raise InvalidInput(
                f"记录 {index}：{issue.zh}", f"record {index}: {issue.en}", rule=issue.rule
            )


@dataclass(frozen=True)
class _Received:
    """An uploaded file, stored in a folder of its own for the request's lifetime."""

    path: Path
    kind: str | None


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"上传内容超过 {limit} 字节的上限（PIGDATA_MAX_UPLOAD_BYTES）",
        f"the upload is larger than the limit of {limit} bytes (PIGDATA_MAX_UPLOAD_BYTES)",
        rule="limit.upload_bytes",
    )


async def _received(request: Request, settings: SettingsDep, who: Who) -> AsyncIterator[_Received]:
    """Give the uploaded file, refusing a body beyond max_upload_bytes as it arrives.

    The body is counted as it is received, so that a client that declares no length, or a
    false one, is stopped at the limit; the file part goes to disk, never all to memory.
    """
    require_role(who, Role.admin, Role.government, Role.farm)
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _too_large(limit)
        return message

    with tempfile.TemporaryDirectory() as folder:
        async with Request(request.scope, receive).form(max_files=1, max_fields=8) as form:
            upload, kind = form.get("file"), form.get("kind")
            if not isinstance(upload, StarletteUpload):
                raise InvalidInput(
                    "缺少文件字段 file", "the form has no file field `file`", rule="upload.file"
                )
            name = Path(upload.filename or "upload.csv").name
            if Path(name).suffix.lower() not in SUFFIXES:
                raise Problem(
                    415,
                    "Unsupported file type",
                    f"不支持的文件类型 {name} / unsupported file type {name}",
                )
            if kind is not None and kind not in KINDS:
                raise Problem(
                    422, "Unknown kind", f"记录类型 {kind} 不存在 / unknown record kind {kind}"
                )
            path = Path(folder) / name
            await anyio.to_thread.run_sync(_store, upload.file, path)
        yield _Received(path, kind if isinstance(kind, str) else None)


def _store(source: BinaryIO, path: Path) -> None:
    with path.open("wb") as handle:
        shutil.copyfileobj(source, handle, 1 << 20)


_UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV, XLSX or JSON Lines",
                        },
                        "kind": {
                            "type": "string",
                            "description": "record kind when the file has no kind column",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/uploads",
    response_model=IngestResult,
    openapi_extra=_UPLOAD_FORM,
    responses=problems(400, 413, 415),
)
def post_upload(
    upload: Annotated[_Received, Depends(_received)],
    engine: EngineDep,
    settings: SettingsDep,
    who: Who,
) -> IngestResult:
    """Ingest an uploaded file; give its counts and where its rejected rows are."""
    summary = ingest_file(engine, settings, upload.path, who=who, kind=upload.kind)
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
    error: str | None = Field(
        default=None, description="why the run ended before the end of its file, if it did"
    )


def _own_upload(conn: Conn, who: Who, upload_id: UploadId) -> Any:
    row = upload_row(conn, upload_id)
    if row is None:
        raise Problem(404, "Not found", f"上传 {upload_id} 不存在 / upload {upload_id} not found")
    if who.role is not Role.admin and row.submitter != who.submitter:
        raise Problem(
            403, "Forbidden", f"上传 {upload_id} 不是你的 / upload {upload_id} is not yours"
        )
    return row


@router.get("/uploads/{upload_id}", response_model=UploadOut, responses=problems(404))
def get_upload(upload_id: UploadId, conn: Conn, who: Who) -> UploadOut:
    """Give an upload's counts (to its submitter and admins)."""
    return UploadOut.model_validate(dict(_own_upload(conn, who, upload_id)._mapping))


@router.get(
    "/uploads/{upload_id}/rejects.csv",
    response_class=Response,
    responses={**media("text/csv", "the rejected rows"), **problems(404)},
)
def get_rejects(upload_id: UploadId, conn: Conn, engine: EngineDep, who: Who) -> StreamingResponse:
    """Give the rejected rows of an upload as CSV, each with its field, rule and reason.

    Sent as it is written, a page of rows at a time, over a connection of its own that lives
    as long as the sending.
    """
    _own_upload(conn, who, upload_id)
    return StreamingResponse(
        _rejects_bytes(engine, upload_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rejects-{upload_id}.csv"'},
    )


def _rejects_bytes(engine: Engine, upload_id: int) -> Iterator[bytes]:
    yield codecs.BOM_UTF8  # so that spreadsheets read the file as UTF-8
    with engine.connect() as conn:
        for chunk in rejects_csv_chunks(conn, upload_id):
            yield chunk.encode("utf-8")


class Kinds(BaseModel):
    kinds: list[str] = Field(description="the record kinds, each with a JSON Schema")


@router.get("/schemas")
def list_schemas() -> Kinds:
    """Give the record kinds; each has a JSON Schema at /api/v1/schemas/{kind}."""
    return Kinds(kinds=list(KINDS))


class RecordSchema(RootModel[dict[str, Any]]):
    """The JSON Schema (draft 2020-12) of one record kind, as pydantic writes it."""


@router.get("/schemas/{kind}", response_model=RecordSchema, responses=problems(404))
def get_schema(kind: str) -> dict[str, Any]:
    """Give the JSON Schema of one record kind."""
    model = RECORD_TYPES.get(kind)
    if model is None:
        raise Problem(404, "Unknown kind", f"记录类型 {kind} 不存在 / unknown record kind {kind}")
    return model.model_json_schema()
