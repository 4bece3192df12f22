"""Verifying proof bundles offline: the checkpoint's signature, each entry's inclusion, the
witnesses' cosignatures, the premises' signatures and any disclosures.

`verify_bundle` needs nothing but the bundle (and, to trust the result, the log's key got
some other way): SHA-256, Ed25519 and the pure functions of `merkle`, `note` and
`personal`. It imports no store (an import-linter contract in pyproject.toml holds it to
that), so that anyone can check a bundle with this module alone. It never raises on a
malformed bundle; it says what is wrong instead. The format is `bundle_format`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import orjson

from pigdata.ledger import merkle, personal
from pigdata.ledger.bundle_format import BadEntry, ReadBundle, ReadEntry, b64, read_bundle, unb64
from pigdata.ledger.entry import canonical_json
from pigdata.ledger.keys import Algorithm, KeyFormatError, VerifierKey
from pigdata.ledger.note import (
    Checkpoint,
    NoteError,
    SignatureLine,
    open_checkpoint,
    split_note,
    verify_cosignature,
)

ENTRY_FIELDS = frozenset({"received", "record", "submitter", "v", "vouched"})

KeySource = Literal["given", "bundle"]
WitnessStatus = Literal["verified", "failed", "missing", "unchecked"]


@dataclass(frozen=True, slots=True)
class VouchCheck:
    """A premises' own signature over the record, kept in the entry as ``vouched``."""

    premises: str | None
    key: str | None  # the premises' key as name+id
    verified: bool
    problem: str | None = None
    # The signature is sealed with the record's personal values and was not disclosed: it
    # cannot be checked by this reader, which is not a fault of the entry.
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class EntryCheck:
    """What one entry of a bundle proved: its leaf hash, inclusion, and who vouched for it."""

    index: int | None
    leaf_hash: str | None  # hex
    included: bool
    kind: str | None  # the record's kind; "correction→movement" for a replacement
    submitter: str | None  # who sent the record to the ledger
    received: str | None
    vouched: VouchCheck | None  # the record's premises signed it, when present
    other_fields: dict[str, Any]  # fields this version does not know, shown as they are
    record: dict[str, Any] | None  # as the entry holds it: personal values as commitments
    problem: str | None = None
    withheld: tuple[str, ...] = ()  # paths of personal values not disclosed to this reader
    disclosed: dict[str, str] = field(default_factory=dict)  # path → value, each checked


@dataclass(frozen=True, slots=True)
class WitnessCheck:
    """One witness's cosignature: verified, failed, missing (a given key), or unchecked."""

    name: str
    key_id: str  # 8 hex digits
    status: WitnessStatus
    timestamp: int | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class BundleReport:
    """The outcome of `verify_bundle`: ok only if every check passed."""

    key_source: KeySource
    log_key: str | None
    signed_by: str | None  # the log key's name+id, once its signature verified
    origin: str | None
    size: int | None
    root_hash: str | None  # base64, as in the checkpoint
    entries: tuple[EntryCheck, ...]
    witnesses: tuple[WitnessCheck, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Tell whether the checkpoint verified and every entry is included in it."""
        return (
            not self.problems
            and self.signed_by is not None
            and all(e.included for e in self.entries)
        )

    def to_json(self) -> dict[str, Any]:
        """Give the report as JSON values."""
        return {**asdict(self), "ok": self.ok}


def verify_bundle(
    bundle: object, log_key_text: str | None = None, witness_keys: Sequence[str] = ()
) -> BundleReport:
    """Check a bundle offline: the checkpoint's signature, each entry's inclusion, witnesses.

    With `log_key_text` (the node's key as published, got from a channel you trust) that key
    is used; without it the bundle's own `log_key`, which shows only that the bundle is
    consistent with itself, and the report says so. Each witness key given must have a valid
    cosignature in the checkpoint; other cosignature lines are listed as unchecked.
    """
    problems: list[str] = []
    notes: list[str] = []
    source: KeySource = "given" if log_key_text is not None else "bundle"
    read = read_bundle(bundle)
    if read is None:
        problems.append("证明包不是 JSON 对象 / the bundle is not a JSON object")
        return BundleReport(source, log_key_text, None, None, None, None, (), (), tuple(problems))
    key = _log_key(read, log_key_text, problems, notes)
    opened = _checkpoint(read, key, problems, notes) if key is not None else None
    checkpoint = opened[0] if opened else None
    witnesses = _witnesses(opened[1], key, witness_keys, problems) if opened and key else ()
    problems.extend(read.disclosure_problems)
    disclosed = _disclosed(read)
    entries = tuple(_entries(read.entries, checkpoint, disclosed, problems))
    return BundleReport(
        key_source=source,
        log_key=key.to_text() if key is not None else None,
        signed_by=f"{key.name}+{key.key_id:08x}" if key and checkpoint else None,
        origin=checkpoint.origin if checkpoint else None,
        size=checkpoint.size if checkpoint else None,
        root_hash=b64(checkpoint.root_hash) if checkpoint else None,
        entries=entries,
        witnesses=witnesses,
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _log_key(
    bundle: ReadBundle, given: str | None, problems: list[str], notes: list[str]
) -> VerifierKey | None:
    """Give the key to check the checkpoint with: the given one, else the bundle's own."""
    if given is None:
        notes.append(
            "使用证明包自带的日志公钥：请与节点公布的公钥核对 / used the bundle's own log key: "
            "compare it with the key the node publishes"
        )
    elif bundle.log_key != given:
        notes.append(
            "证明包自带的日志公钥与给定的不同 / the bundle's log key differs from the given one"
        )
    text = given if given is not None else bundle.log_key
    if text is None:
        problems.append("缺少日志公钥 / no log key")
        return None
    return _parse_key(
        text, Algorithm.ED25519, problems, "日志公钥 / log key", "an Ed25519 note key"
    )


def _checkpoint(
    bundle: ReadBundle, key: VerifierKey, problems: list[str], notes: list[str]
) -> tuple[Checkpoint, str] | None:
    """Open the checkpoint with the log key alone (witness lines are checked one by one)."""
    note = bundle.checkpoint
    if note is None:
        problems.append("缺少检查点 / no checkpoint")
        return None
    try:
        checkpoint, _ = open_checkpoint(note, key)
    except NoteError as error:
        problems.append(f"检查点签名无效 / the checkpoint does not verify: {error}")
        return None
    # The bundle's own size and origin are conveniences; a mismatch means it was altered.
    if bundle.size != checkpoint.size:
        problems.append(
            f"证明包的 size {bundle.size!r} 与检查点 {checkpoint.size} 不符 / "
            "the bundle's size is not the checkpoint's"
        )
    if bundle.origin != checkpoint.origin:
        problems.append(
            "证明包的 origin 与检查点不符 / the bundle's origin is not the checkpoint's"
        )
    if key.name != checkpoint.origin:
        # tlog-checkpoint names the log's key after its origin; pigdata always does.
        notes.append(f"日志密钥名 {key.name} 不是来源 {checkpoint.origin} / key name is not origin")
    return checkpoint, note


def _witnesses(
    note: str, log_key: VerifierKey, texts: Sequence[str], problems: list[str]
) -> tuple[WitnessCheck, ...]:
    text, lines = split_note(note)  # cannot fail: the note was opened already
    checks: list[WitnessCheck] = []
    claimed: set[tuple[str, int]] = {(log_key.name, log_key.key_id)}
    for key_text in dict.fromkeys(texts):  # a key given twice is checked once
        witness = _witness_key(key_text, problems)
        if witness is None:
            continue
        claimed.add((witness.name, witness.key_id))
        checks.append(_cosignature(text, lines, witness, problems))
    checks.extend(
        WitnessCheck(line.name, f"{line.key_id:08x}", "unchecked")
        for line in dict.fromkeys(lines)
        if (line.name, line.key_id) not in claimed
    )
    return tuple(checks)


def _witness_key(text: str, problems: list[str]) -> VerifierKey | None:
    return _parse_key(
        text, Algorithm.COSIGNATURE_V1, problems, "见证者公钥 / witness key", "a cosignature key"
    )


def _parse_key(
    text: str, algorithm: Algorithm, problems: list[str], what: str, wanted: str
) -> VerifierKey | None:
    """Give a verifier key of the wanted algorithm, or None with the problem noted."""
    try:
        key = VerifierKey.parse(text)
    except KeyFormatError as error:
        problems.append(f"{what} 无效 / invalid: {error}")
        return None
    if key.algorithm is not algorithm:
        problems.append(f"{key.name}：{what} 类型不对 / is not {wanted}")
        return None
    return key


def _cosignature(
    text: str, lines: Sequence[SignatureLine], witness: VerifierKey, problems: list[str]
) -> WitnessCheck:
    key_id = f"{witness.key_id:08x}"
    mine = [s for s in lines if (s.name, s.key_id) == (witness.name, witness.key_id)]
    if not mine:
        problems.append(f"见证者 {witness.name} 未联署 / witness {witness.name} did not cosign")
        return WitnessCheck(witness.name, key_id, "missing")
    try:
        stamps = {verify_cosignature(text, line.to_text(), witness) for line in mine}
    except NoteError as error:
        problems.append(f"见证者 {witness.name} 的联署无效 / bad cosignature: {error}")
        return WitnessCheck(witness.name, key_id, "failed", problem=str(error))
    return WitnessCheck(witness.name, key_id, "verified", timestamp=max(stamps))


Disclosed = dict[int, dict[str, tuple[bytes, str]]]  # index → path → (salt, value)


def _disclosed(bundle: ReadBundle) -> Disclosed:
    """Give the bundle's disclosures by entry and path; each is checked against its entry's
    commitment with the entry."""
    found: Disclosed = {}
    for item in bundle.disclosures:
        found.setdefault(item.index, {})[item.path] = (item.salt, item.value)
    return found


def _entries(
    read: tuple[ReadEntry | BadEntry, ...] | None,
    checkpoint: Checkpoint | None,
    disclosed: Disclosed,
    problems: list[str],
) -> list[EntryCheck]:
    if read is None:
        # An empty bundle would "verify" while proving nothing anyone asked about.
        problems.append("证明包中没有条目 / the bundle holds no entries")
        return []
    checks = [_entry(item, checkpoint, disclosed) for item in read]
    for check in checks:
        if check.problem:
            problems.append(f"条目 {check.index}: {check.problem}")
    named = {check.index for check in checks}
    if set(disclosed) - named:
        problems.append("有披露不属于证明包中的条目 / a disclosure names no entry of the bundle")
    return checks


def _entry(
    item: ReadEntry | BadEntry, checkpoint: Checkpoint | None, disclosed: Disclosed
) -> EntryCheck:
    if isinstance(item, BadEntry):
        return EntryCheck(item.index, None, False, None, None, None, None, {}, None, item.problem)
    leaf = merkle.leaf_hash(item.entry)
    included = checkpoint is not None and merkle.verify_inclusion(
        leaf, item.index, checkpoint.size, list(item.proof), checkpoint.root_hash
    )
    problem = None
    if checkpoint is None:
        problem = "没有可信的检查点 / no verified checkpoint to check against"
    elif not included:
        problem = "包含证明不成立 / the inclusion proof does not lead to the checkpoint's root"
    return _described(
        item.index, leaf, included, item.entry, problem, disclosed.get(item.index, {})
    )


def _described(
    index: int,
    leaf: bytes,
    included: bool,
    data: bytes,
    problem: str | None,
    disclosed: dict[str, tuple[bytes, str]],
) -> EntryCheck:
    """Read what an entry says: its record's kind, its submitter and any extra fields."""
    try:
        entry = orjson.loads(data)
    except orjson.JSONDecodeError:
        entry = None
    if not isinstance(entry, dict):
        problem = problem or "条目不是 JSON 对象 / the entry is not a JSON object"
        return EntryCheck(index, leaf.hex(), included, None, None, None, None, {}, None, problem)
    record = entry.get("record")
    record = record if isinstance(record, dict) else None
    others = {k: v for k, v in entry.items() if k not in ENTRY_FIELDS}
    opened, withheld, bad = _opened(entry, disclosed)
    problem = problem or bad
    vouched = _vouched(entry.get("vouched"), record, opened) if "vouched" in entry else None
    if vouched is not None and not vouched.verified and not vouched.withheld:
        problem = problem or vouched.problem
    return EntryCheck(
        index=index,
        leaf_hash=leaf.hex(),
        included=included,
        kind=_kind(record),
        submitter=_text(entry.get("submitter")),
        received=_text(entry.get("received")),
        vouched=vouched,
        other_fields=others,
        record=record,
        problem=problem,
        withheld=withheld,
        disclosed=opened,
    )


def _opened(
    entry: dict[str, Any], disclosed: dict[str, tuple[bytes, str]]
) -> tuple[dict[str, str], tuple[str, ...], str | None]:
    """Check disclosures against the entry's commitments: (values opened, paths withheld,
    the problem if a disclosure does not match)."""
    committed = personal.committed_paths(entry)
    opened: dict[str, str] = {}
    for path, (salt, value) in disclosed.items():
        if path not in committed or personal.commitment(salt, value) != personal.entry_value(
            entry, path
        ):
            return {}, tuple(committed), f"{path} 的披露与承诺不符 / disclosure does not match"
        opened[path] = value
    return opened, tuple(p for p in committed if p not in opened), None


def _vouched(raw: Any, record: dict[str, Any] | None, opened: dict[str, str]) -> VouchCheck:
    """Check a premises' signature: Ed25519 over the record's RFC 8785 bytes (docs/ledger.md).

    The record inside the entry is already canonical JSON of strings, integers, booleans
    and lists, so encoding the parsed record again gives exactly the bytes that were signed.
    A record with personal values was signed as sent: its signature is sealed with them, and
    checks only when they and it are disclosed.
    """
    if not isinstance(raw, dict):
        return VouchCheck(None, None, False, "vouched 不是对象 / vouched is not an object")
    premises = _text(raw.get("premises"))
    try:
        key = VerifierKey.parse(str(raw.get("key")))
    except KeyFormatError as error:
        return VouchCheck(premises, None, False, f"场所公钥无效 / bad premises key: {error}")
    name = f"{key.name}+{key.key_id:08x}"
    if personal.is_commitment(raw.get("signature")):
        record = personal.reveal(record, opened) if record is not None else None
        if personal.SIGNATURE_PATH not in opened or record is None or personal.sealed(record):
            return VouchCheck(premises, name, False, withheld=True)
        raw = {**raw, "signature": opened[personal.SIGNATURE_PATH]}
    signature = unb64(raw.get("signature"))
    valid = (
        record is not None
        and signature is not None
        and key.algorithm is Algorithm.ED25519
        and key.verify(canonical_json(record), signature)
    )
    if not valid:
        return VouchCheck(premises, name, False, f"场所 {premises} 的签名无效 / bad signature")
    return VouchCheck(premises, name, True)


def _kind(record: dict[str, Any] | None) -> str | None:
    if record is None:
        return None
    kind = _text(record.get("kind"))
    replacement = record.get("replacement")
    if kind == "correction" and isinstance(replacement, dict):
        return f"correction→{replacement.get('kind')}"
    return kind


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
