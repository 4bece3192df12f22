"""JSON request bodies read by orjson, the codec the ledger and the archive write with.

The standard library's reader takes what no JSON writer of the node can write back: a lone
UTF-16 surrogate (`"\\ud800"`, which no database driver can store), `NaN` and `Infinity`.
Such a body reached a store or the archive's encoder and came back as a 500. Read by orjson,
it is refused before any endpoint runs, as the framework refuses any body that is not JSON:
422 problem+json, rule `json_invalid`. (orjson reads an integer beyond 64 bits as a float;
the bounded integer types of pigdata.api.bounds and the records refuse it from there.) A
string with U+0000 in it is refused here too (422, rule `input.nul`, `pigdata.api.nul`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from pigdata.api.nul import RULE, holds_nul, nul_refused
from pigdata.errors import InvalidInput

_UNREAD = object()


class _NulInBody(InvalidInput, HTTPException):
    """A body with a NUL character in a string (`pigdata.api.nul`).

    The framework turns any error but an HTTPException raised while it reads a body into
    400 "error parsing the body"; this one is an HTTPException too, so that it passes
    through to the handler of pigdata's errors (first in its method resolution order)."""

    def __init__(self) -> None:
        error = nul_refused("body")
        InvalidInput.__init__(self, error.zh, error.en, rule=RULE)
        self.status_code = self.status
        self.detail = self.message
        self.headers = None


class _OrjsonRequest(Request):
    _parsed: Any = _UNREAD

    async def json(self) -> Any:
        if self._parsed is _UNREAD:
            # orjson.JSONDecodeError is a json.JSONDecodeError: the framework answers 422.
            parsed = orjson.loads(await self.body())
            if holds_nul(parsed):
                raise _NulInBody
            self._parsed = parsed
        return self._parsed


class JsonBodyRoute(APIRoute):
    """A route whose JSON body is read by orjson (the route class of routers with bodies)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(_OrjsonRequest(request.scope, request.receive))

        return handle
