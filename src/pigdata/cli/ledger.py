"""Ledger commands: the node's key, and the audit of the whole store."""

from __future__ import annotations

import typer
from rich.markup import escape

from pigdata.cli._common import console, err, open_store
from pigdata.config import get_settings
from pigdata.ledger.node import node_signer
from pigdata.projections.audit import audit

keys_app = typer.Typer(help="The node's signing key / 节点密钥", no_args_is_help=True)


@keys_app.command("init")
def keys_init() -> None:
    """Make the node's Ed25519 key if it has none, and print its verifier key."""
    settings = get_settings()
    existed = settings.key_file.exists()
    signer = node_signer(settings)
    assert signer is not None
    console.print(
        f"{'key exists' if existed else 'made a new key'}: {settings.key_file}", markup=False
    )
    console.out(signer.key.verifier().to_text())


@keys_app.command("show")
def keys_show() -> None:
    """Print the node's verifier key (public): name+id+key, as checkpoints are checked with."""
    signer = node_signer(get_settings(), create=False)
    if signer is None:
        err.print("no key yet: run `pigdata keys init` / 尚无密钥")
        raise typer.Exit(1)
    console.out(signer.key.verifier().to_text())


def verify() -> None:
    """Audit the store: entries' hashes, the tree against signed checkpoints, and every
    projection row against a rebuild from the ledger. Exits 1 naming what is wrong."""
    settings = get_settings()
    engine = open_store(settings)
    signer = node_signer(settings, create=False)
    findings = audit(
        engine,
        signer.key.verifier() if signer else None,
        on_step=lambda step: err.print(f"checking {step} …"),
    )
    if signer is None:
        err.print("no node key: checkpoint signatures were not checked / 未检查签名")
    for finding in findings:
        console.print(escape(finding.describe()))
    if findings:
        console.print(f"[red]{len(findings)} problem(s) found / 发现 {len(findings)} 处问题[/red]")
        raise typer.Exit(1)
    console.print("the store is intact / 数据完整：账本、树、检查点与投影表一致")
