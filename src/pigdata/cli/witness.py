"""Witness commands: make a witness key, and witness a node's latest checkpoint (from cron)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.markup import escape

from pigdata import errors
from pigdata.cli._common import console, err
from pigdata.ledger.keys import (
    Algorithm,
    KeyFormatError,
    SignerKey,
    VerifierKey,
    load_signer,
    save_signer,
)
from pigdata.ledger.note import Checkpoint, NoteError, split_note
from pigdata.ledger.witness import (
    Cosigned,
    Refusal,
    WitnessState,
    locked,
    witness_checkpoint,
)

witness_app = typer.Typer(
    help="Witness another node's ledger / 见证其他节点的账本", no_args_is_help=True
)

EXIT_REFUSED = 2  # distinct from 1 (could not run) so that a cron job can alert on it
_TIMEOUT = 30.0


class FetchError(errors.PigdataError):
    """The node could not be asked (network, or an answer that is not what the API gives).

    None of the client-side classes fits: the fault is the node's or the network's, as a
    gateway's 502 says."""

    status = 502
    title = "Bad gateway"
    rule = "witness.fetch"


@witness_app.command("init")
def init(
    name: Annotated[str, typer.Option(help="the witness's name, e.g. witness.example.org/w1")],
    key_file: Annotated[Path, typer.Option(help="where to keep the witness's private key")],
) -> None:
    """Make the witness's cosignature key if it has none, and print its verifier key."""
    if key_file.exists():
        key = _load_witness_key(key_file)
        console.print(f"key exists: {key_file}", markup=False)
    else:
        key = SignerKey.generate(name, Algorithm.COSIGNATURE_V1)
        save_signer(key, key_file)
        console.print(f"made a new witness key: {key_file}", markup=False)
    console.out(key.verifier().to_text())


def _load_witness_key(path: Path) -> SignerKey:
    key = load_signer(path)
    if key.algorithm is not Algorithm.COSIGNATURE_V1:
        raise KeyFormatError(
            f"{path} 不是见证者联署（0x04）密钥", f"{path} is not a witness (0x04) key"
        )
    return key


@witness_app.command("run")
def run(
    url: Annotated[str, typer.Option(help="the node's base URL, e.g. http://node:8000")],
    log_key: Annotated[str, typer.Option(help="the log's verifier key text (got out of band)")],
    key_file: Annotated[Path, typer.Option(help="the witness's private key file")],
    state: Annotated[Path, typer.Option(help="the witness's state file (JSON)")],
    token: Annotated[
        str | None,
        typer.Option(envvar="PIGDATA_WITNESS_TOKEN", help="admin or government token to post"),
    ] = None,
) -> None:
    """Fetch the node's latest checkpoint, check it extends the last one cosigned, cosign it
    and post the cosignature back. Exits 2 on a split view, rollback or inconsistency."""
    # A malformed key (KeyFormatError) reaches the command line's one error handler too.
    log = VerifierKey.parse(log_key.strip())
    witness = _load_witness_key(key_file)
    # A node that cannot be asked (FetchError) or a state file that cannot be read (StateError)
    # reaches the command line's one error handler, which prints it and exits 1.
    with locked(state), httpx.Client(base_url=url, timeout=_TIMEOUT) as client:
        result = witness_once(client, WitnessState.load(state), log, witness)
        if isinstance(result, Refusal):
            _report_refusal(result)
            raise typer.Exit(EXIT_REFUSED if result.is_alarm else 1)
        _report_cosigned(result)
        if token is None:
            console.print("no --token: not posted; the line is above / 未提交", markup=False)
            return
        post_cosignature(client, result, witness, token)
    console.print(f"posted to {url} / 已提交", markup=False)


def witness_once(
    client: httpx.Client, state: WitnessState, log: VerifierKey, witness: SignerKey
) -> Cosigned | Refusal:
    """Given a client on the node, the state and the keys, witness its latest checkpoint."""
    note = str(_get(client, "/api/v1/ledger/checkpoint")["note"])
    proof = None
    last = state.last(log.name)
    size = _claimed_size(note)
    if last is not None and size is not None and last.size < size and last.size > 0:
        proof = _consistency_proof(client, last.size, size)
    return witness_checkpoint(state, log, witness, note, proof, int(time.time()))


def _claimed_size(note: str) -> int | None:
    """Given a note not yet verified, give the size it claims, only to ask for the right proof.

    witness_checkpoint verifies the note itself; a note that does not parse is refused there.
    """
    try:
        return Checkpoint.parse(split_note(note)[0]).size
    except NoteError:
        return None


def _consistency_proof(client: httpx.Client, size1: int, size2: int) -> list[bytes] | None:
    """Give the node's consistency proof, or None if it refuses one (a 4xx answer).

    A node that signs a size it cannot prove is refused as inconsistent by the witness; a
    network failure is not evidence of anything, so it stops the run instead.
    """
    path = f"/api/v1/ledger/proof/consistency?size1={size1}&size2={size2}"
    try:
        answer = client.get(path)
    except httpx.HTTPError as error:
        raise FetchError("无法连接节点", f"cannot reach the node: {error}") from error
    if 400 <= answer.status_code < 500:
        return None
    try:
        return [bytes.fromhex(h) for h in _json(answer, path)["proof"]]
    except (KeyError, TypeError, ValueError):
        return None  # a malformed proof proves nothing


def _get(client: httpx.Client, path: str) -> dict[str, Any]:
    try:
        answer = client.get(path)
    except httpx.HTTPError as error:
        raise FetchError("无法连接节点", f"cannot reach the node: {error}") from error
    return _json(answer, path)


def _json(answer: httpx.Response, path: str) -> dict[str, Any]:
    if answer.status_code != 200:
        raise FetchError(
            f"节点答复 HTTP {answer.status_code}（GET {path}）",
            f"GET {path}: HTTP {answer.status_code} {answer.text[:500]}",
        )
    try:
        data = answer.json()
    except ValueError as error:
        raise FetchError(f"节点答复不是 JSON（GET {path}）", f"GET {path}: not JSON") from error
    if not isinstance(data, dict):
        raise FetchError(f"节点答复不是 JSON 对象（GET {path}）", f"GET {path}: not a JSON object")
    return data


def post_cosignature(
    client: httpx.Client, cosigned: Cosigned, witness: SignerKey, token: str
) -> dict[str, Any]:
    """Post a cosignature to the node that stores it beside its checkpoint."""
    body = {
        "size": cosigned.checkpoint.size,
        "line": cosigned.line,
        "witness_key": witness.verifier().to_text(),
    }
    path = "/api/v1/ledger/cosignatures"
    try:
        answer = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as error:
        raise FetchError("无法连接节点", f"cannot reach the node: {error}") from error
    if answer.status_code != 201:
        raise FetchError(
            f"节点答复 HTTP {answer.status_code}（POST {path}）",
            f"POST {path}: HTTP {answer.status_code} {answer.text[:500]}",
        )
    data: dict[str, Any] = answer.json()
    return data


def _report_cosigned(result: Cosigned) -> None:
    cp = result.checkpoint
    if result.previous_size is None:
        how = "first sight, trusted on first use / 首次见到，首次信任"
    elif result.previous_size == cp.size:
        how = "same checkpoint as before / 与上次相同"
    else:
        how = f"consistent with size {result.previous_size} / 与大小 {result.previous_size} 一致"
    console.print(f"cosigned {cp.origin} size {cp.size} ({how})", markup=False)
    console.out(result.line, end="")


def _report_refusal(refusal: Refusal) -> None:
    label = "ALARM / 警报" if refusal.is_alarm else "refused / 拒绝"
    err.print(f"[red]{label}: {escape(refusal.describe())}[/red]")
    console.print(f"refused: {refusal.kind.value}", markup=False)
    if refusal.seen is not None:
        console.print("--- cosigned before / 此前联署的检查点 ---", markup=False)
        console.out(refusal.seen, end="")
    console.print("--- presented now / 本次出示的检查点 ---", markup=False)
    console.out(refusal.presented, end="")
