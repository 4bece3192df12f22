"""The `pigdata` command line: one sub-command per task, thin over the services."""

from __future__ import annotations

import typer

from pigdata.cli import (
    admin,
    breeding,
    data,
    health,
    ledger,
    market,
    personal,
    quarantine,
    serve,
    stats,
    trace,
    witness,
)
from pigdata.cli._common import report_error
from pigdata.errors import PigdataError

app = typer.Typer(
    help="pigdata — 开放生猪大数据平台 / open live-pig big data platform",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(serve.up)
app.command()(serve.serve)
app.command()(serve.demo)
app.registered_commands += data.app.registered_commands
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.token_app, name="token")
app.add_typer(admin.regions_app, name="regions")
app.add_typer(ledger.keys_app, name="keys")
app.add_typer(witness.witness_app, name="witness")
app.add_typer(health.health_app, name="health")
app.add_typer(market.market_app, name="market")
app.add_typer(breeding.breeding_app, name="breeding")
app.add_typer(stats.stats_app, name="stats")
app.add_typer(personal.personal_app, name="personal")
app.add_typer(quarantine.quarantine_app, name="quarantine")
app.command()(ledger.verify)
app.command("trace")(trace.trace_command)
app.command("verify-proof")(trace.verify_proof)


def main() -> None:
    """Run the command line; an error of the platform is printed, never a traceback."""
    try:
        app()
    except PigdataError as error:
        raise SystemExit(report_error(error)) from None
