"""Running the platform: the demo dataset, the API server, and both at once (`up`)."""

from __future__ import annotations

import hashlib
from typing import Annotated

import sqlalchemy as sa
import typer
import uvicorn
from rich.table import Table
from sqlalchemy.engine import Engine

from pigdata.access.principal import Principal, Role
from pigdata.access.tokens import create_token, expiry
from pigdata.api import create_app
from pigdata.cli._common import console, open_store, progress_bar
from pigdata.config import TOKEN_LIFETIME_DAYS, Settings, get_settings
from pigdata.ingest.pipeline import IngestSummary, ingest_rows, today_in
from pigdata.ingest.readers import SourceRow
from pigdata.ingest.uploads import finish_upload, start_upload
from pigdata.ledger.node import node_signer
from pigdata.projections.rebuild import ledger_size
from pigdata.store import tables as t
from pigdata.synth import DemoSpec, demo_records

DEMO_SUBMITTER = Principal(name="demo", role=Role.admin)

DEMO_TOKENS: tuple[tuple[str, Role, str | None], ...] = (
    ("demo-admin", Role.admin, None),
    ("demo-government-chongqing", Role.government, "500000"),
    ("demo-government-rongchang", Role.government, "500153"),
    ("demo-public", Role.public, None),
)


def load_demo(engine: Engine, settings: Settings, spec: DemoSpec) -> IngestSummary:
    """Generate the demo dataset and ingest it through the pipeline, with a progress bar."""
    label = f"demo seed={spec.seed} scale={spec.scale} {spec.start_month}+{spec.months}m"
    upload_id = start_upload(
        engine, hashlib.sha256(label.encode()).hexdigest(), label, 0, DEMO_SUBMITTER.submitter
    )
    rows = (SourceRow("demo", n, record) for n, record in enumerate(demo_records(spec), 1))
    with progress_bar("demo", None) as advance:
        summary = ingest_rows(
            engine,
            rows,
            upload_id=upload_id,
            who=DEMO_SUBMITTER,
            today=today_in(settings.timezone),
            batch_size=settings.batch_size,
            on_batch=advance,
            signer=node_signer(settings),
        )
    finish_upload(engine, upload_id)
    return summary


def _demo_farm(engine: Engine) -> str | None:
    p = t.premises
    with engine.connect() as conn:
        query = (
            sa.select(p.c.code)
            .where(p.c.premises_type == "farm")
            .order_by(p.c.capacity_sows.desc(), p.c.code)
            .limit(1)
        )
        return conn.execute(query).scalar()


def issue_demo_tokens(
    engine: Engine, lifetime_days: int = TOKEN_LIFETIME_DAYS
) -> list[tuple[Principal, str]]:
    """Create (afresh, each living the node's token lifetime) one token per role for trying
    the platform out."""
    wanted = list(DEMO_TOKENS)
    farm = _demo_farm(engine)
    if farm is not None:
        wanted.insert(3, ("demo-farm", Role.farm, farm))
    ends = expiry(default_days=lifetime_days)
    issued = [
        create_token(engine, name, role, scope, expires_at=ends, replace=True)
        for name, role, scope in wanted
    ]
    return [(token.principal, token.secret) for token in issued]


def _print_welcome(settings: Settings, tokens: list[tuple[Principal, str]]) -> None:
    address = f"http://{settings.host}:{settings.port}"
    console.print(f"\n[bold]pigdata[/bold] is at {address}  ·  API docs: {address}/docs")
    console.print(f"display centre 展示中心: {address}/display  (sign in with a token below)")
    table = Table("role 角色", "scope 范围", "token 令牌 (Authorization: Bearer …)")
    for who, secret in tokens:
        table.add_row(who.role.value, who.scope or "", secret)
    console.print(table)


def demo(
    scale: Annotated[
        float, typer.Option(help="size multiplier (1 = a district, ~60k records)")
    ] = 1.0,
    seed: Annotated[
        int, typer.Option(help="random seed; the same seed gives the same data")
    ] = DemoSpec.seed,
    months: Annotated[int, typer.Option(help="months of history")] = DemoSpec.months,
    start: Annotated[str, typer.Option(help="first month, YYYY-MM")] = DemoSpec.start_month,
) -> None:
    """Generate the deterministic demo district (Rongchang) into the store."""
    settings = get_settings()
    engine = open_store(settings)
    spec = DemoSpec(seed=seed, scale=scale, start_month=start, months=months)
    summary = load_demo(engine, settings, spec)
    console.print(
        f"demo: {summary.accepted} accepted, {summary.duplicates} already present, "
        f"{summary.rejected} rejected"
    )


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Serve the API (and its docs at /docs)."""
    settings = get_settings().model_copy(
        update={k: v for k, v in (("host", host), ("port", port)) if v}
    )
    open_store(settings)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)


def up(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Set up the store, load the demo if it is empty, print a token per role, and serve."""
    settings = get_settings().model_copy(
        update={k: v for k, v in (("host", host), ("port", port)) if v}
    )
    engine = open_store(settings)
    if ledger_size(engine) == 0:
        console.print("loading the demo district / 正在生成演示数据 …")
        load_demo(engine, settings, DemoSpec.ending_in(today_in(settings.timezone)))
    tokens = issue_demo_tokens(engine, settings.token_lifetime_days)
    _print_welcome(settings, tokens)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)


__all__ = ["demo", "load_demo", "serve", "up"]
