"""Kept answers sent before a request enters the framework.

A kept answer (`pigdata.api.answers`) already saves the grouped queries, but a request that
reaches it still passes the framework's routing and dependencies and takes two worker-thread
hops and a pooled connection to read the store's version: about a millisecond of one core,
so one server process answered no more than 800 requests a second. This middleware answers
a GET for which an answer is kept at the store's current version (`VersionWatch`) straight
from the event loop, with the same body and headers the endpoint would send; every other
request goes on to the application as before, and so does every request with a token.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Receive, Scope, Send

from pigdata.api.answers import KeptAnswer, KeptAnswers
from pigdata.api.store_version import VersionWatch


class ReadyAnswers:
    """ASGI middleware: a kept answer that still stands is sent at once."""

    def __init__(self, app: ASGIApp, kept: KeptAnswers, watch: VersionWatch) -> None:
        self.app = app
        self._kept = kept
        self._watch = watch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "GET":
            try:
                await self.app(scope, receive, send)
            finally:  # even a failed request may have written part of a batch
                self._watch.written()
            return
        if _header(scope, b"authorization") is not None:  # a token is checked by the app
            await self.app(scope, receive, send)
            return
        kept = self._kept.ready((scope["path"], scope["query_string"]))
        if kept is None or not await self._stands(kept):
            await self.app(scope, receive, send)
            return
        await _send_kept(kept, _header(scope, b"if-none-match"), send)

    async def _stands(self, kept: KeptAnswer) -> bool:
        try:
            return kept.version == await self._watch.current()
        except SQLAlchemyError:  # the store cannot be read: the endpoint says so properly
            return False


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_kept(kept: KeptAnswer, if_none_match: str | None, send: Send) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in kept.headers.items()]
    if kept.held_by(if_none_match):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers += [
        (b"content-length", str(len(kept.body)).encode()),
        (b"content-type", b"application/json"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": kept.body})
