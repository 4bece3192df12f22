"""Errors as RFC 9457 problem details (application/problem+json), in Chinese and English."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from pigdata.errors import PigdataError

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error answered as problem details."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra


def problem_response(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """Give a problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of the app as problem details.

    Every error the platform means to show has one handler, that of `PigdataError`, which
    gives its status, title, rule and both texts; no subclass has a handler of its own. Any
    other exception is a bug, answered 500 by the handler of `Exception`.
    """

    @app.exception_handler(PigdataError)
    async def _pigdata(_: Request, exc: PigdataError) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.message, rule=exc.rule, zh=exc.zh, en=exc.en, **exc.extra
        )

    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "rule": e["type"], "en": e["msg"]}
            for e in exc.errors()
        ]
        return problem_response(
            422, "Invalid request", "请求格式不正确 / the request is not valid", errors=errors
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Logged by the server; the caller gets a problem document, never a stack trace.
        return problem_response(
            500,
            "Internal error",
            "服务器内部错误，数据未受影响 / internal error; no data was changed",
        )

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail), str(exc.detail))
