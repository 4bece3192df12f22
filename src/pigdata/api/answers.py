"""Answers of public aggregate endpoints, kept until the ledger grows.

Every projection changes only when an entry is appended, so an aggregate computed at a
ledger size stays right until the size changes: the size is part of the key, and a new
entry makes every kept answer unreachable. This is what lets a wall of dashboards refresh
without each screen re-running the same grouped queries. The same key is the answer's ETag,
so a browser that has it already gets 304 Not Modified and no body.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Annotated, Any

import orjson
import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from pigdata.store import tables as t


class KeptAnswers:
    """A bounded, thread-safe store of JSON answers keyed by request and ledger size."""

    def __init__(self, capacity: int = 1024) -> None:
        self._capacity = capacity
        self._answers: OrderedDict[tuple[Hashable, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def answer(
        self,
        conn: Connection,
        key: tuple[Hashable, ...],
        compute: Callable[[], Any],
        if_none_match: str | None = None,
    ) -> Response:
        """Give the JSON answer for a key at the current ledger size, computing it once;
        304 when the caller already holds it (its ETag is in `if_none_match`)."""
        size = conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0
        full = (*key, int(size))
        etag = f'"{size}-{hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}  # keep, but ask every time
        if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
            return Response(status_code=304, headers=headers)
        with self._lock:
            body = self._answers.get(full)
            if body is not None:
                self._answers.move_to_end(full)
        if body is None:
            body = orjson.dumps(compute())
            with self._lock:
                self._answers[full] = body
                while len(self._answers) > self._capacity:
                    self._answers.popitem(last=False)
        return Response(body, media_type="application/json", headers=headers)


class Answering:
    """The node's kept answers, for one request (which may hold an ETag already)."""

    def __init__(self, kept: KeptAnswers, if_none_match: str | None) -> None:
        self._kept = kept
        self._if_none_match = if_none_match

    def answer(
        self, conn: Connection, key: tuple[Hashable, ...], compute: Callable[[], Any]
    ) -> Response:
        """Give the kept JSON answer for a key, or 304 Not Modified."""
        return self._kept.answer(conn, key, compute, self._if_none_match)


def get_answering(request: Request) -> Answering:
    kept: KeptAnswers = request.app.state.kept_answers
    return Answering(kept, request.headers.get("if-none-match"))


Kept = Annotated[Answering, Depends(get_answering)]
