"""Traceability commands: an animal's life with its proof bundle, and checking a bundle offline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table
from sqlalchemy.engine import Connection

from pigdata.cli._common import console, err, fail, open_store
from pigdata.config import Settings, get_settings
from pigdata.ledger.bundle_format import Bundle
from pigdata.ledger.bundle_make import make_bundle
from pigdata.ledger.bundle_verify import BundleReport, verify_bundle
from pigdata.ledger.node import node_signer
from pigdata.services.trace import trace
from pigdata.web.timeline import events


def trace_command(
    ear_tag: Annotated[str, typer.Argument(help="the animal's 15-digit ear tag")],
    bundle: Annotated[
        Path | None, typer.Option("--bundle", help="write the proof bundle (JSON) here")
    ] = None,
    disclose: Annotated[
        bool,
        typer.Option(
            "--disclose",
            help="put the entries' personal values into the bundle (for an entitled reader, "
            "never for the public)",
        ),
    ] = False,
) -> None:
    """Print an animal's life (birth, movements, markets, slaughter) from the ledger, and
    write the proof bundle of the entries behind it for `pigdata verify-proof`."""
    settings = get_settings()
    engine = open_store(settings)
    with engine.connect() as conn:
        found = trace(conn, ear_tag)
        if found is None:
            raise fail(f"账本中没有耳标 {ear_tag} 的记录 / no record of ear tag {ear_tag}")
        made = _bundle(conn, settings, found.seqs(), disclose) if bundle is not None else None
    table = Table(title=f"耳标 {found.ear_tag} / ear tag {found.ear_tag}", show_lines=True)
    for header in ("日期 Date", "事件 Event", "详情 Details", "条目 Entries"):
        table.add_column(header)
    for event in events(found):
        details = "\n".join(
            f"{d.label.zh} {d.label.en}: {d.value}" + (f" ({d.value_en})" if d.value_en else "")
            for d in event.details
        )
        if event.note:
            details += f"\n({event.note.zh} / {event.note.en})"
        table.add_row(
            event.day.isoformat(),
            f"{event.title.zh}\n{event.title.en}",
            details,
            " ".join(f"#{seq}" for seq in event.seqs),
        )
    console.print(table, markup=False)
    if bundle is not None and made is not None:
        bundle.write_bytes(orjson.dumps(made, option=orjson.OPT_INDENT_2) + b"\n")
        console.print(
            f"proof bundle of {len(made['entries'])} entries at size {made['size']}: {bundle}",
            markup=False,
        )


def _bundle(conn: Connection, settings: Settings, seqs: list[int], disclose: bool) -> Bundle:
    signer = node_signer(settings, create=False)
    if signer is None:
        raise fail("节点尚无签名密钥，无法给出证明 / the node has no key: no proof to give")
    return make_bundle(conn, seqs, signer.key.verifier(), seqs if disclose else ())


def verify_proof(
    path: Annotated[Path, typer.Argument(help="a proof bundle, or a saved /api/v1/trace answer")],
    log_key: Annotated[
        str | None,
        typer.Option("--log-key", help="the node's published verifier key (trusted)"),
    ] = None,
    witness_key: Annotated[
        list[str] | None,
        typer.Option("--witness-key", help="a witness's verifier key; must have cosigned"),
    ] = None,
) -> None:
    """Verify a proof bundle offline: the checkpoint's signature, each entry's inclusion, and
    witness cosignatures; print what was verified and who vouched. Exits 1 on any failure."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise fail(f"无法读取证明包 / cannot read the bundle: {error}") from error
    # The trace page's download is the whole API answer; its bundle is one field of it.
    if isinstance(data, dict) and "checkpoint" not in data and "bundle" in data:
        data = data["bundle"]
    report = verify_bundle(data, log_key, witness_key or ())
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_report(report: BundleReport) -> None:
    source = (
        "given key / 给定公钥" if report.key_source == "given" else "bundle's own key / 自带公钥"
    )
    if report.signed_by:
        console.print(
            f"checkpoint / 检查点: {report.origin} size {report.size} root {report.root_hash}\n"
            f"signed by / 签名者: {report.signed_by} ✓ ({source})",
            markup=False,
        )
    table = Table(title="entries / 条目")
    for header in ("index", "kind", "submitted by", "vouched by", "leaf hash", "result"):
        table.add_column(header)
    for entry in report.entries:
        vouched = "—"
        if entry.vouched is not None:
            mark = "✓" if entry.vouched.verified else "✗"
            if entry.vouched.withheld:
                mark = "(signature withheld with personal data / 签名随个人信息不公开)"
            vouched = f"{entry.vouched.premises} {entry.vouched.key} {mark}"
        table.add_row(
            str(entry.index),
            entry.kind or "?",
            entry.submitter or "?",
            vouched,
            (entry.leaf_hash or "")[:16],
            "included ✓" if entry.included else "failed ✗",
        )
    console.print(table, markup=False)
    for entry in report.entries:
        for path, value in entry.disclosed.items():
            console.print(f"entry {entry.index} {path} = {value} (disclosed ✓)", markup=False)
        if entry.withheld:
            paths = ", ".join(entry.withheld)
            console.print(
                f"entry {entry.index}: personal data withheld / 个人信息不公开: {paths}",
                markup=False,
            )
    for witness in report.witnesses:
        when = ""
        if witness.timestamp is not None:
            moment = datetime.fromtimestamp(witness.timestamp, UTC).isoformat()
            when = f" at {witness.timestamp} ({moment})"
        console.print(
            f"witness {witness.name}+{witness.key_id}: {witness.status}{when}", markup=False
        )
    for note in report.notes:
        err.print(f"note: {note}", markup=False)
    for problem in report.problems:
        err.print(f"problem: {problem}", markup=False)
    verdict = "verified / 验证通过" if report.ok else "FAILED / 验证失败"
    console.print(f"{verdict}: {len(report.entries)} entries", markup=False)
