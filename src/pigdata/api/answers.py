"""Answers of public aggregate endpoints, kept while the store's version stands.

Every projection changes only when an entry is appended, and the other inputs of a public
aggregate (capacity settings, the day) are part of the store's version too
(`pigdata.api.store_version`): an aggregate computed at a version stays right until the
version changes, so the version is part of the key. This is what lets a wall of dashboards
refresh without each screen re-running the same grouped queries. The same key is the
answer's ETag, so a browser that has it already gets 304 Not Modified and no body.

An answer is also kept by the request that asked for it (path and query), so that the next
such request is answered before it enters the framework (`pigdata.api.ready`). Only the
public's requests (without a token) are kept so: an answer may differ by who reads it
(disclosure control, docs/access.md), and a token must be checked before anything is sent.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from pigdata.api.store_version import StoreVersion, read_store_version

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Target = tuple[str, bytes]  # a request's path and raw query string


@dataclass(frozen=True)
class KeptAnswer:
    """One JSON answer, the store version it was worked out at, and its ETag."""

    version: StoreVersion
    etag: str
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        return _headers(self.etag)

    def held_by(self, if_none_match: str | None) -> bool:
        """Tell whether a caller's If-None-Match names this answer."""
        return _holds(if_none_match, self.etag)


def _headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": "no-cache"}  # keep, but ask every time


def _holds(if_none_match: str | None, etag: str) -> bool:
    if if_none_match is None:
        return False
    return etag in (tag.strip() for tag in if_none_match.split(","))


class _Bounded(Generic[K, V]):
    """A thread-safe mapping that forgets its least recently used items beyond a capacity."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


class KeptAnswers:
    """The node's kept JSON answers, by key and store version, and by the request that asked."""

    def __init__(self, timezone: str, capacity: int = 1024) -> None:
        self._timezone = timezone
        self._by_key: _Bounded[tuple[Hashable, ...], bytes] = _Bounded(capacity)
        self._by_request: _Bounded[Target, KeptAnswer] = _Bounded(capacity)

    def answer(
        self,
        conn: Connection,
        key: tuple[Hashable, ...],
        compute: Callable[[], Any],
        if_none_match: str | None = None,
        target: Target | None = None,
    ) -> Response:
        """Give the JSON answer for a key at the store's current version, computing it once;
        304 when the caller already holds it (its ETag is in `if_none_match`)."""
        version = read_store_version(conn, self._timezone)
        full = (*key, version)
        digest = hashlib.blake2b(repr(full).encode(), digest_size=8).hexdigest()
        etag = f'"{version.ledger_size}-{digest}"'
        body = self._by_key.get(full)
        if body is None:
            if _holds(if_none_match, etag):  # the caller has it: no need to work it out
                return Response(status_code=304, headers=_headers(etag))
            body = orjson.dumps(compute())
            self._by_key.put(full, body)
        kept = KeptAnswer(version, etag, body)
        if target is not None:
            self._by_request.put(target, kept)
        if kept.held_by(if_none_match):
            return Response(status_code=304, headers=kept.headers)
        return Response(kept.body, media_type="application/json", headers=kept.headers)

    def ready(self, target: Target) -> KeptAnswer | None:
        """Give the answer last kept for a request, at whatever version it was worked out."""
        return self._by_request.get(target)


class Answering:
    """The node's kept answers, for one request (which may hold an ETag already)."""

    def __init__(self, kept: KeptAnswers, if_none_match: str | None, target: Target | None) -> None:
        self._kept = kept
        self._if_none_match = if_none_match
        self._target = target

    def answer(
        self, conn: Connection, key: tuple[Hashable, ...], compute: Callable[[], Any]
    ) -> Response:
        """Give the kept JSON answer for a key, or 304 Not Modified."""
        return self._kept.answer(conn, key, compute, self._if_none_match, self._target)


def get_answering(request: Request) -> Answering:
    kept: KeptAnswers = request.app.state.kept_answers
    target = (request.scope["path"], request.scope["query_string"])
    public = "authorization" not in request.headers
    return Answering(kept, request.headers.get("if-none-match"), target if public else None)


Kept = Annotated[Answering, Depends(get_answering)]
