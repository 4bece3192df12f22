"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from pigdata import __version__
from pigdata.api.answers import KeptAnswers
from pigdata.api.nul import RefuseNul
from pigdata.api.openapi import declare_responses
from pigdata.api.problems import install_problem_handlers
from pigdata.api.ready import ReadyAnswers
from pigdata.api.routers import (
    breeding,
    catalogue,
    display,
    health,
    intake,
    ledger,
    market,
    meta,
    personal,
    places,
    quarantine,
    regional,
    spread,
    stats,
    trace,
    witness,
)
from pigdata.api.store_version import VersionWatch, engine_version_reader
from pigdata.config import Settings, get_settings
from pigdata.store.engine import POOL_CONNECTIONS, make_engine
from pigdata.web.display import STATIC_URL, static_dir

DESCRIPTION = """
开放生猪大数据平台 — open live-pig big data platform.

Send records of the whole chain (premises, animals, herd reports, movements, trades,
slaughter, prices, outbreaks, corrections) as JSON batches or files; every accepted record is
an entry of the ledger. Authenticate with `Authorization: Bearer <token>`
(`pigdata token create`); without a token you are the anonymous public and see aggregates.
"""


# The engine's pool opens at most 2 × POOL_CONNECTIONS connections. Requests that hold a
# connection for their lifetime (and may open a second one to write) are limited to
# CONNECTION_SLOTS, and the threads that run synchronous endpoints and dependencies (each of
# which may open one connection of its own) to REQUEST_THREADS, so that
# 2 × CONNECTION_SLOTS + REQUEST_THREADS connections are always there: no thread ever waits
# for a connection, so the requests that hold them always find a thread to finish on.
CONNECTION_SLOTS = POOL_CONNECTIONS // 2
REQUEST_THREADS = POOL_CONNECTIONS


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
    yield
    app.state.engine.dispose()
    app.state.version_engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Give the API application for a node's settings."""
    settings = settings or get_settings()
    app = FastAPI(title="pigdata", version=__version__, description=DESCRIPTION, lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.kept_answers = KeptAnswers(settings.timezone)
    app.state.connection_slots = anyio.Semaphore(CONNECTION_SLOTS)
    # The version watch reads on an engine of its own, outside the request connections'
    # budget (CONNECTION_SLOTS), so that it never waits behind them.
    app.state.version_engine = make_engine(settings.database_url, pool=1)
    read = engine_version_reader(app.state.version_engine, settings.timezone)
    watch = VersionWatch(read, settings.answer_max_age)
    app.add_middleware(ReadyAnswers, kept=app.state.kept_answers, watch=watch)
    app.add_middleware(RefuseNul)  # outermost: before a kept answer is looked up
    install_problem_handlers(app)
    routers = (meta, intake, catalogue, ledger, personal, places, regional, witness, trace, display)
    services = (health, spread, stats, market, breeding, quarantine)
    for module in (*routers, *services):
        app.include_router(module.router)
    # The display centre's scripts, styles and vendored libraries (no CDN, no other host).
    app.mount(STATIC_URL, StaticFiles(directory=static_dir()), name="static")
    declare_responses(app)
    return app
