"""Answers of public aggregate endpoints, kept until the ledger grows.

Every projection changes only when an entry is appended, so an aggregate computed at a
ledger size stays right until the size changes: the size is part of the key, and a new
entry makes every kept answer unreachable. This is what lets a wall of dashboards refresh
without each screen re-running the same grouped queries.
"""

from __future__ import annotations

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
        self, conn: Connection, key: tuple[Hashable, ...], compute: Callable[[], Any]
    ) -> Response:
        """Give the JSON answer for a key at the current ledger size, computing it once."""
        size = conn.execute(sa.select(t.ledger_head.c.size)).scalar() or 0
        full = (*key, int(size))
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
        return Response(body, media_type="application/json")


def get_kept_answers(request: Request) -> KeptAnswers:
    kept: KeptAnswers = request.app.state.kept_answers
    return kept


Kept = Annotated[KeptAnswers, Depends(get_kept_answers)]
