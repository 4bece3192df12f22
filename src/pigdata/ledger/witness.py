"""A witness: checks that each checkpoint of a log extends the last one it cosigned.

A witness (for pigdata, typically a sub-centre's node) holds its own cosignature key, the
log's verifier key and a small state file. Given a checkpoint note and, when the tree grew, a
consistency proof from the size it last cosigned, `witness_checkpoint` either cosigns
(https://c2sp.org/tlog-cosignature) or refuses, naming why and keeping both notes as
evidence. The log's key only tells the witness *which* log a note comes from; that the log
is honest is exactly what the witness checks, so a ledger rewritten and re-signed with the
log's own key is refused as inconsistent with what the witness saw before.

The first checkpoint of a log is cosigned without a check (trust on first use): there is
nothing to compare it with.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pigdata import errors
from pigdata.ledger import merkle
from pigdata.ledger.keys import SignerKey, VerifierKey
from pigdata.ledger.note import Checkpoint, NoteError, cosign, open_checkpoint

STATE_VERSION = 1
_MAX_EVIDENCE = 100  # a state file that keeps every alarm forever could grow without bound


class RefusalKind(StrEnum):
    """Why a witness refused to cosign."""

    split_view = "split_view"  # two different checkpoints of one size: the log forked
    rollback = "rollback"  # smaller than a checkpoint already cosigned
    inconsistent = "inconsistent"  # no valid proof that the new tree extends the old one
    bad_signature = "bad_signature"  # not a checkpoint signed by the log's key
    wrong_origin = "wrong_origin"  # signed by the log's key but naming another log


ALARMS = frozenset({RefusalKind.split_view, RefusalKind.rollback, RefusalKind.inconsistent})
"""Refusals that prove (or strongly suggest) the log misbehaved, as opposed to bad input."""


@dataclass(frozen=True, slots=True)
class Seen:
    """The last checkpoint a witness cosigned for one log: its size, root and signed note."""

    size: int
    root_hash: bytes
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "root_hash": self.root_hash.hex(), "note": self.note}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seen:
        return cls(int(data["size"]), bytes.fromhex(data["root_hash"]), str(data["note"]))


@dataclass(frozen=True, slots=True)
class Cosigned:
    """A checkpoint the witness vouched for, with the cosignature line to give the log."""

    checkpoint: Checkpoint
    note: str
    line: str
    timestamp: int
    previous_size: int | None  # None on first sight (trust on first use)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A checkpoint the witness would not cosign: why, in Chinese and English, and evidence."""

    kind: RefusalKind
    message_zh: str
    message_en: str
    presented: str  # the note the log gave now
    seen: str | None = None  # the note the witness cosigned before, if it bears on the refusal

    @property
    def is_alarm(self) -> bool:
        """Given this refusal, say whether it is evidence against the log (not bad input)."""
        return self.kind in ALARMS

    def describe(self) -> str:
        return f"{self.kind.value}: {self.message_zh} / {self.message_en}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "presented": self.presented,
            "seen": self.seen,
        }


class StateError(errors.InvalidInput):
    """A witness state file that cannot be read."""

    rule = "witness.state"


@dataclass(slots=True)
class WitnessState:
    """What a witness remembers, per log origin, in a JSON file written atomically.

    `logs` holds the last cosigned checkpoint of each log; `evidence` the refusals that are
    alarms, so that a split view stays on record even if the cron job's output is lost.
    """

    path: Path
    logs: dict[str, Seen] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> WitnessState:
        """Given the state file's path, give the state (empty if the file does not exist)."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        try:
            data = json.loads(raw)
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"version {data.get('version')!r}")
            logs = {origin: Seen.from_json(seen) for origin, seen in data["logs"].items()}
            evidence = list(data.get("evidence", []))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise StateError(
                f"见证状态文件 {path} 无法读取：{error}",
                f"witness state {path} unreadable: {error}",
            ) from None
        return cls(path, logs, evidence)

    def last(self, origin: str) -> Seen | None:
        """Given a log's origin, give the last checkpoint cosigned for it, or None."""
        return self.logs.get(origin)

    def record(self, origin: str, seen: Seen) -> None:
        """Remember a cosigned checkpoint, on disk before the cosignature is given out.

        Written first so that a crash can never leave a cosignature out in the world that
        the witness has forgotten, which would let the log fork from under it.
        """
        self.logs[origin] = seen
        self.save()

    def keep_evidence(self, refusal: Refusal) -> None:
        """Remember an alarm (once per presented note), and save."""
        entry = refusal.to_json()
        if any(e.get("presented") == refusal.presented for e in self.evidence):
            return
        self.evidence = [*self.evidence, entry][-_MAX_EVIDENCE:]
        self.save()

    def save(self) -> None:
        """Write the state to its file atomically: a temporary file, fsync, then rename."""
        data = {
            "version": STATE_VERSION,
            "logs": {origin: seen.to_json() for origin, seen in sorted(self.logs.items())},
            "evidence": self.evidence,
        }
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        with contextlib.suppress(OSError):  # not every platform can open a directory
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the state file, so two runs never cosign two forks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def witness_checkpoint(
    state: WitnessState,
    log_key: VerifierKey,
    witness_key: SignerKey,
    note: str,
    consistency_proof: Sequence[bytes] | None,
    now: int,
) -> Cosigned | Refusal:
    """Given the state, the log's and the witness's keys, a signed checkpoint note, the
    consistency proof from the last cosigned size (None if none was got) and the time in unix
    seconds, cosign the checkpoint (updating the state first) or give the refusal.

    The log's origin is its key's name (docs/checkpoints.md), so a note signed by the log's
    key but naming another origin is refused.
    """
    try:
        checkpoint, opened = open_checkpoint(note, log_key)
    except NoteError as error:
        return Refusal(
            RefusalKind.bad_signature,
            f"检查点未能用日志密钥验证：{error}",
            f"the checkpoint does not verify with the log's key: {error}",
            note,
        )
    if checkpoint.origin != log_key.name:
        return Refusal(
            RefusalKind.wrong_origin,
            f"检查点来源 {checkpoint.origin} 不是日志 {log_key.name}",
            f"the checkpoint's origin {checkpoint.origin} is not the log {log_key.name}",
            note,
        )
    last = state.last(checkpoint.origin)
    refusal = _compare(last, checkpoint, note, consistency_proof)
    if refusal is not None:
        if refusal.is_alarm:
            state.keep_evidence(refusal)
        return refusal
    state.record(checkpoint.origin, Seen(checkpoint.size, checkpoint.root_hash, note))
    line = cosign(opened.text, witness_key, now)
    return Cosigned(checkpoint, note, line, now, last.size if last else None)


def _compare(
    last: Seen | None, new: Checkpoint, note: str, proof: Sequence[bytes] | None
) -> Refusal | None:
    """Given the last cosigned checkpoint and a new one, give the refusal, or None if the new
    one extends (or equals) the last."""
    if last is None:
        return None  # trust on first use: nothing to compare with
    if new.size == last.size:
        if new.root_hash == last.root_hash:
            return None
        return Refusal(
            RefusalKind.split_view,
            f"分叉视图：大小 {new.size} 有两个不同的检查点（根哈希不同）",
            f"split view: two different checkpoints of size {new.size} (different roots)",
            note,
            last.note,
        )
    if new.size < last.size:
        return Refusal(
            RefusalKind.rollback,
            f"回滚：检查点大小 {new.size} 小于已联署的 {last.size}",
            f"rollback: checkpoint size {new.size} is below the cosigned size {last.size}",
            note,
            last.note,
        )
    if last.size == 0:
        return None  # every tree extends the empty tree; RFC 9162 has no proof for size 0
    if proof is None:
        return Refusal(
            RefusalKind.inconsistent,
            f"日志未给出从 {last.size} 到 {new.size} 的一致性证明",
            f"the log gave no consistency proof from {last.size} to {new.size}",
            note,
            last.note,
        )
    if not merkle.verify_consistency(last.size, new.size, proof, last.root_hash, new.root_hash):
        return Refusal(
            RefusalKind.inconsistent,
            f"不一致：大小 {new.size} 的树不是已联署的大小 {last.size} 的树的延续"
            "（账本可能被改写）",
            f"inconsistent: the tree of size {new.size} does not extend the cosigned tree of "
            f"size {last.size} (the ledger may have been rewritten)",
            note,
            last.note,
        )
    return None
