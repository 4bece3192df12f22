"""Text with a NUL character (U+0000) is refused at the edge, 422 rule `input.nul`.

PostgreSQL's text type cannot hold U+0000 (SQLite's can): a path, query or body string with
one reached a query or an insert and was answered 500 on PostgreSQL only. No code, name or
text of the platform has a use for it, so it is refused before any endpoint runs: in the
path and the query here, by middleware, and in JSON bodies where they are read
(`pigdata.api.json_body`).
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from pigdata.api.problems import problem_response
from pigdata.errors import InvalidInput

RULE = "input.nul"


def nul_refused(where: str) -> InvalidInput:
    """Give the error of a NUL character in the request's `where` (path, query, body)."""
    return InvalidInput(
        f"请求的 {where} 含有 NUL 字符（U+0000）",
        f"the request's {where} holds a NUL character (U+0000)",
        rule=RULE,
    )


def holds_nul(value: Any) -> bool:
    """Tell whether a parsed JSON value has a NUL character in a string or a key."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class RefuseNul:
    """ASGI middleware: a path or query string with %00 in it is answered 422."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = (
                "path"
                if "\x00" in scope["path"]
                else "query"
                if b"%00" in scope["query_string"]
                else None
            )
            if where is not None:
                error = nul_refused(where)
                response = problem_response(
                    error.status,
                    error.title,
                    error.message,
                    rule=error.rule,
                    zh=error.zh,
                    en=error.en,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
