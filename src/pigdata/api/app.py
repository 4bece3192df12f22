"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from pigdata import __version__
from pigdata.api.answers import KeptAnswers
from pigdata.api.problems import install_problem_handlers
from pigdata.api.routers import (
    breeding,
    catalogue,
    display,
    health,
    intake,
    ledger,
    market,
    meta,
    places,
    regional,
    stats,
    trace,
    witness,
)
from pigdata.config import Settings, get_settings
from pigdata.store.engine import make_engine
from pigdata.web.display import STATIC_URL, static_dir

DESCRIPTION = """
开放生猪大数据平台 — open live-pig big data platform.

Send records of the whole chain (premises, animals, herd reports, movements, trades,
slaughter, prices, outbreaks, corrections) as JSON batches or files; every accepted record is
an entry of the ledger. Authenticate with `Authorization: Bearer <token>`
(`pigdata token create`); without a token you are the anonymous public and see aggregates.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Give the API application for a node's settings."""
    settings = settings or get_settings()
    app = FastAPI(title="pigdata", version=__version__, description=DESCRIPTION)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.kept_answers = KeptAnswers()
    install_problem_handlers(app)
    routers = (meta, intake, catalogue, ledger, places, regional, witness, trace, display)
    services = (health, stats, market, breeding)
    for module in (*routers, *services):
        app.include_router(module.router)
    # The display centre's scripts, styles and vendored libraries (no CDN, no other host).
    app.mount(STATIC_URL, StaticFiles(directory=static_dir()), name="static")
    return app
