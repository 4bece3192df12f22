"""A fuzzing campaign over the HTTP API: schemathesis with a token of each role.

On a fresh store (SQLite in a scratch folder, or a new PostgreSQL database) holding the small
demo district, a real node is served on a loopback port and schemathesis runs over its
OpenAPI document once per role (admin, the county's government, a farm, the anonymous
public), with the checks of tests/api/test_fuzzing.py: no 5xx, and every answer's status,
media type, headers and body as declared. Prints, per role, the operations tested, the
cases sent and the failures found; the figures of a run are in docs/access.md (Fuzzing).

    python benchmarks/fuzz_api.py [--examples 100] [--seed 20240801] [--role admin ...]
        [--postgres postgresql+psycopg://pigdata@127.0.0.1:54329/pigdata]

Bounded by counts, not time: `--examples` generated cases per operation and phase, beside
the coverage phase's edge cases and the stateful phase's sequences.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import schemathesis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parent.parent))  # for tests.*

from pigdata.api.background import served
from pigdata.config import Settings
from pigdata.store.engine import make_engine
from pigdata.store.schema import upgrade

from tests.fuzzing import ROLES, fuzz, load_node


@contextmanager
def fresh_database(folder: Path, postgres: str | None) -> Iterator[str]:
    """Give the URL of an empty database: a SQLite file, or a new PostgreSQL database."""
    if postgres is None:
        yield f"sqlite:///{folder / 'fuzz.db'}"
        return
    name = f"pigdata_fuzz_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation")
    parser.add_argument("--seed", type=int, default=20240801)
    parser.add_argument("--role", action="append", choices=ROLES, help="default: every role")
    parser.add_argument("--postgres", help="a PostgreSQL URL to make a scratch database on")
    args = parser.parse_args()
    backend = "postgresql" if args.postgres else "sqlite"
    print(f"schemathesis {schemathesis.__version__}, {date.today()}, {backend}, ", end="")
    print(f"{args.examples} examples per operation, seed {args.seed}")
    print("| role | operations | cases | cases failed | failures | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with fresh_database(folder, args.postgres) as url:
            settings = Settings(
                database_url=url, archive_dir=folder / "archive", key_file=folder / "node.key"
            )
            engine = make_engine(url)
            upgrade(engine)
            secrets = load_node(engine, settings)
            with served(settings) as base_url:
                for role in args.role or ROLES:
                    started = time.perf_counter()
                    campaign = fuzz(
                        base_url,
                        role,
                        secrets.get(role),
                        folder,
                        max_examples=args.examples,
                        seed=args.seed,
                    )
                    seconds = time.perf_counter() - started
                    found = sum(int(f["count"]) for f in campaign.failures)
                    print(
                        f"| {role} | {campaign.operations} | {campaign.cases:,} "
                        f"| {campaign.cases_failed} | {found} | {seconds:.0f} |",
                        flush=True,
                    )
                    if not campaign.clean:
                        failed = True
                        print(campaign.summary(), file=sys.stderr)
            engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
