"""Benchmark stores kept between runs: building a province-sized store takes minutes, and
only the reading is measured, so each script builds its store once and finds it again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

Check = Callable[[Engine], bool]
Build = Callable[[Engine], None]


def cached_sqlite(path: Path, is_loaded: Check, build: Build) -> Engine:
    """Give the SQLite store at path, building it afresh when missing or not as expected."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    if not is_loaded(engine):
        engine.dispose()
        path.unlink()
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        print(f"building {path} ...", flush=True)
        build(engine)
    return engine


def _database(server: str, name: str) -> Engine:
    engine = make_engine(make_url(server).set(database=name).render_as_string(False))
    upgrade(engine)
    return engine


def cached_postgres(server: str, name: str, is_loaded: Check, build: Build) -> Engine:
    """Give the database `name` on the server, building it afresh when missing or not as
    expected."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if found is not None:
            probe = _database(server, name)
            kept = is_loaded(probe)
            probe.dispose()
            if not kept:
                conn.execute(sa.text(f'DROP DATABASE "{name}"'))
                found = None
        if found is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = _database(server, name)
    if not is_loaded(engine):
        print(f"building PostgreSQL database {name} ...", flush=True)
        build(engine)
    return engine
