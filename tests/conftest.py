"""Fixtures: a fresh real database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from PIGDATA_TEST_POSTGRES_URL, which the test command sets after starting
the server (scripts/postgres.sh). Without it the PostgreSQL half is skipped, except in CI
(CI=true), where a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine, make_url

from pigdata.config import Settings
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

# No test has a wall-clock limit: hypothesis's per-example deadline would fail a correct
# test on a busy machine.
hypothesis_settings.register_profile("pigdata", deadline=None)
hypothesis_settings.load_profile("pigdata")

POSTGRES_URL = os.environ.get("PIGDATA_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ("sqlite", "postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL or not IN_CI:
        return
    pytest.exit("CI=true but PIGDATA_TEST_POSTGRES_URL is not set: PostgreSQL is missing", 2)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """Give the name of a migrated template database that each test copies."""
    if not POSTGRES_URL:
        yield None
        return
    name = f"pigdata_tmpl_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    template = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    upgrade(template)
    template.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_template: str | None
) -> Iterator[str]:
    """Give the URL of a new, migrated, empty database of each backend."""
    with new_database(request.param, tmp_path, postgres_template) as url:
        yield url


@contextmanager
def new_database(backend: str, folder: Path, template: str | None) -> Iterator[str]:
    """Give the URL of a new database: a SQLite file in the folder, or a PostgreSQL copy of
    the migrated template (SQLite files are migrated by whoever opens them)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'pigdata.db'}"
        return
    with postgres_database(template) as url:
        yield url


@contextmanager
def postgres_database(template: str | None) -> Iterator[str]:
    """Give the URL of a new database copied from the migrated template, dropped after."""
    if not POSTGRES_URL or template is None:
        pytest.skip("PostgreSQL not available (set PIGDATA_TEST_POSTGRES_URL)")
    name = f"pigdata_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Give node settings on the test database, archiving into the test's folder."""
    return Settings(
        database_url=database_url,
        archive_dir=tmp_path / "archive",
        key_file=tmp_path / "keys" / "node.key",
        batch_size=500,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """Give an engine on the test database, at the current schema."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def server(settings: Settings, engine: Engine) -> Iterator[str]:
    """Give the base URL of the API served by a real Uvicorn server on a free loopback port."""
    from pigdata.api.background import served

    with served(settings) as url:
        yield url
