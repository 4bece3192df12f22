"""Dependencies of the routers: the engine, the settings and the caller's principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection, Engine

from pigdata.access.principal import Principal, Role
from pigdata.access.tokens import TokenRefused, authenticate
from pigdata.api.problems import Problem
from pigdata.config import Settings

ANONYMOUS = Principal(name="anonymous", role=Role.public)
_bearer = HTTPBearer(auto_error=False, description="A token made by `pigdata token create`")


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_connection(
    request: Request, engine: Annotated[Engine, Depends(get_engine)]
) -> AsyncIterator[Connection]:
    """Give the request a connection for its lifetime.

    A request waits for a slot here, in the event loop, before it takes a connection: were it
    to wait in a worker thread instead, a burst of requests could take every thread while the
    requests that hold the connections wait for a thread to run on, and the server would
    stall until the pool timed out (see `pigdata.api.app.CONNECTION_SLOTS`)."""
    slots: anyio.Semaphore = request.app.state.connection_slots
    async with slots:
        conn = await anyio.to_thread.run_sync(engine.connect)
        try:
            yield conn
        finally:
            with anyio.CancelScope(shield=True):  # a client gone away still gives it back
                await anyio.to_thread.run_sync(conn.close)


def get_principal(
    request: Request,
    engine: Annotated[Engine, Depends(get_engine)],
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Give who the request speaks for: its token's principal, or the anonymous public.

    Only a request without an Authorization header is anonymous: a header that is empty or
    not `Bearer <token>` is refused, so that a client whose token went missing on the way
    learns it rather than silently seeing the public's view. (The bearer scheme above is
    asked only so that the OpenAPI document shows it; it would let such a header through.)
    """
    header = request.headers.get("authorization")
    if header is None:
        return ANONYMOUS
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or " " in secret:
        raise TokenRefused(
            "Authorization 请求头应为 Bearer <令牌>",
            "the Authorization header must be Bearer <token>",
            rule="access.authorization_header",
        )
    with engine.connect() as conn:
        return authenticate(conn, secret)


def require_role(who: Principal, *roles: Role) -> None:
    """Refuse a principal whose role is not one of these."""
    if who.role not in roles:
        raise Problem(
            403,
            "Forbidden",
            f"{who.submitter} 无权执行此操作 / {who.submitter} may not do this",
        )


Conn = Annotated[Connection, Depends(get_connection)]
Who = Annotated[Principal, Depends(get_principal)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
