"""C2SP signed notes, checkpoints and cosignatures, as pure functions over text.

- signed note (https://c2sp.org/signed-note): text ending in a newline, a blank line, then
  lines ``— <key name> base64(key ID (4 bytes, big-endian) || signature)``, each ending in a
  newline; the em dash is U+2014. Ed25519 signs the text's UTF-8 bytes, final newline included.
- checkpoint (https://c2sp.org/tlog-checkpoint): the text of the ledger's signed note: origin,
  decimal tree size, base64 root hash, then optional extension lines.
- cosignature (https://c2sp.org/tlog-cosignature, Ed25519 cosignature/v1): a witness signs
  ``cosignature/v1\\ntime <unix seconds>\\n`` followed by the checkpoint text; its signature is
  key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64).

Every malformed input raises NoteError, whose message is in Chinese and English.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pigdata.errors import InvalidInput
from pigdata.ledger.keys import (
    SIGNATURE_SIZE,
    Algorithm,
    SignerKey,
    VerifierKey,
    canonical_b64decode,
    is_valid_name,
)
from pigdata.ledger.merkle import HASH_SIZE

SIGNATURE_PREFIX = "\u2014 "  # em dash, space: the start of every signature line
MAX_SIGNATURES = 100  # as Go's note.Open; the spec asks verifiers to accept at least 16
MAX_TIMESTAMP = 2**63 - 1  # tlog-cosignature: a timestamp must not exceed 2^63 - 1
MAX_TREE_SIZE = 2**63 - 1  # Go's sumdb/tlog reads the size as int64; so does our database
COSIGNATURE_HEADER = "cosignature/v1\n"
_TIMESTAMP_SIZE = 8
_COSIGNATURE_SIZE = _TIMESTAMP_SIZE + SIGNATURE_SIZE
_DECIMAL = re.compile(r"0|[1-9][0-9]*")  # ASCII digits, no sign, no leading zeros


class NoteError(InvalidInput):
    """A note, checkpoint or signature line that is malformed or does not verify."""

    rule = "note.format"


# ---------------------------------------------------------------------------------------------
# Text rules shared by notes and checkpoints


def _as_text(data: str | bytes) -> str:
    """Given note text or its bytes, give the text; bytes must be UTF-8."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("不是有效的 UTF-8 文本", "not valid UTF-8") from None


def _note_bytes(text: str) -> bytes:
    """Given note text, give its UTF-8 bytes, refusing control characters other than newline.

    The signed-note spec forbids them, and an unpaired surrogate has no UTF-8 form at all.
    """
    for ch in text:
        if ord(ch) < 0x20 and ch != "\n":
            raise NoteError(
                f"含有不允许的控制字符 U+{ord(ch):04X}",
                f"contains the forbidden control character U+{ord(ch):04X}",
            )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError("不是有效的 UTF-8 文本", "not valid UTF-8") from None


def _check_line(line: str, zh: str, en: str) -> None:
    """Given one line of a checkpoint, raise unless it is non-empty note text without newline."""
    if not line or "\n" in line:
        raise NoteError(f"{zh}不能为空或含换行", f"{en} must be non-empty, without newlines")
    _note_bytes(line)


def _decode_base64(text: str, zh: str, en: str) -> bytes:
    """Given base64 text, give its bytes, accepting only the canonical standard encoding."""
    data = canonical_b64decode(text)
    if data is None:
        raise NoteError(f"{zh}的 base64 编码无效", f"{en} is not valid base64")
    return data


# ---------------------------------------------------------------------------------------------
# Signature lines and signed notes


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """One signature of a note: key name, 32-bit key ID, and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise NoteError(f"签名行的密钥名称无效：{self.name!r}", f"bad key name {self.name!r}")
        if not 0 <= self.key_id < 2**32:
            raise NoteError("密钥 ID 应为 32 位无符号整数", "key ID must be a 32-bit unsigned int")
        if not self.signature:
            raise NoteError("签名为空", "empty signature")

    @property
    def key(self) -> str:
        """Given this line, give ``name+keyid``, how messages name its key."""
        return f"{self.name}+{self.key_id:08x}"

    def to_text(self) -> str:
        """Given this signature, give its line ``— name base64(id || signature)`` with newline."""
        raw = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(raw).decode('ascii')}\n"

    @classmethod
    def parse(cls, line: str) -> SignatureLine:
        """Given one signature line (its final newline optional), give the signature."""
        body = line.removesuffix("\n")
        if "\n" in body or not body.startswith(SIGNATURE_PREFIX):
            raise NoteError(
                "签名行应以破折号“— ”开头且只占一行",
                "a signature line is one line starting with an em dash and a space",
            )
        name, space, encoded = body[len(SIGNATURE_PREFIX) :].partition(" ")
        if not space or not is_valid_name(name):
            raise NoteError(f"签名行的密钥名称无效：{name!r}", f"bad key name {name!r}")
        raw = _decode_base64(encoded, "签名", "signature")
        if len(raw) < 5:  # a key ID and at least one byte of signature
            raise NoteError("签名太短", "signature too short")
        return cls(name, int.from_bytes(raw[:4], "big"), raw[4:])


def split_note(note: str | bytes) -> tuple[str, tuple[SignatureLine, ...]]:
    """Given a signed note, give its text and its signature lines, checking form only.

    The text ends at the last blank line (the spec lets the text itself hold blank lines).
    """
    whole = _as_text(note)
    _note_bytes(whole)
    split = whole.rfind("\n\n")
    if split < 0:
        raise NoteError("缺少正文与签名之间的空行", "no blank line between text and signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("签名部分为空或未以换行结尾", "signatures missing or not newline-ended")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"签名超过 {MAX_SIGNATURES} 个", f"more than {MAX_SIGNATURES} signatures")
    return text, tuple(SignatureLine.parse(line) for line in lines)


def sign_note(text: str, signers: Sequence[SignerKey]) -> str:
    """Given note text and Ed25519 signer keys, give the signed note."""
    data = _signable_text(text)
    if not signers:
        raise NoteError("至少需要一个签名密钥", "at least one signer is needed")
    lines = []
    for signer in signers:
        if signer.algorithm is not Algorithm.ED25519:
            # A cosignature key signs a different message; cosign() makes those lines.
            raise NoteError(
                f"{signer.name} 是见证者联署密钥，请用 cosign",
                f"{signer.name} is a cosignature key; use cosign()",
            )
        lines.append(SignatureLine(signer.name, signer.key_id, signer.sign(data)).to_text())
    return text + "\n" + "".join(lines)


def _signable_text(text: str) -> bytes:
    """Given note text to sign, give its bytes, raising unless it ends in a newline."""
    if not text.endswith("\n"):
        raise NoteError("笔记正文必须以换行结尾", "note text must end with a newline")
    return _note_bytes(text)


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """A signature that verified: the key, its line, and (cosignatures only) the timestamp."""

    key: VerifierKey
    line: SignatureLine
    timestamp: int | None = None

    @property
    def name(self) -> str:
        """Given this signature, give its key name."""
        return self.key.name

    @property
    def key_id(self) -> int:
        """Given this signature, give its key ID."""
        return self.key.key_id


@dataclass(frozen=True, slots=True)
class VerifiedNote:
    """An opened note: its text, verified signatures, and signature lines of unknown keys."""

    text: str
    signatures: tuple[VerifiedSignature, ...]
    unverified: tuple[SignatureLine, ...] = field(default=())

    @property
    def cosignatures(self) -> tuple[VerifiedSignature, ...]:
        """Given this note, give its verified witness cosignatures (each with its timestamp)."""
        return tuple(s for s in self.signatures if s.timestamp is not None)

    def verified_by(self, key: VerifierKey) -> bool:
        """Given a verifier key, say whether a signature by it verified."""
        return any(s.key == key for s in self.signatures)


def open_note(note: str | bytes, verifiers: Sequence[VerifierKey]) -> VerifiedNote:
    """Given a signed note and the known keys, give the verified note or raise NoteError.

    Lines whose (name, key ID) match no known key are kept unverified, as the spec requires;
    every line of a known key must verify, and at least one must. Known cosignature (0x04)
    keys are checked as witness cosignatures over the text.
    """
    text, lines = split_note(note)
    data = text.encode("utf-8")
    known = _index(verifiers)
    verified: dict[tuple[str, int], VerifiedSignature] = {}
    unknown: dict[SignatureLine, None] = {}  # a dict keeps first-seen order and drops repeats
    for line in lines:
        key = known.get((line.name, line.key_id))
        if key is None:
            unknown.setdefault(line)
            continue
        signature = _verify_line(key, line, data)
        verified.setdefault((line.name, line.key_id), signature)  # a repeat is checked, not kept
    if not verified:
        raise NoteError("没有来自已知密钥的有效签名", "no signature by a known key")
    return VerifiedNote(text, tuple(verified.values()), tuple(unknown))


def _index(verifiers: Iterable[VerifierKey]) -> dict[tuple[str, int], VerifierKey]:
    """Given verifier keys, give them by (name, key ID), refusing two keys for one pair."""
    known: dict[tuple[str, int], VerifierKey] = {}
    for key in verifiers:
        other = known.setdefault((key.name, key.key_id), key)
        if other != key:
            raise NoteError(
                f"两个不同的密钥共用 {key.name}+{key.key_id:08x}",
                f"two different keys share {key.name}+{key.key_id:08x}",
            )
    return known


def _verify_line(key: VerifierKey, line: SignatureLine, data: bytes) -> VerifiedSignature:
    """Given a known key, its signature line and the note text bytes, check the signature."""
    if key.algorithm is Algorithm.COSIGNATURE_V1:
        timestamp = _check_cosignature(key, line, data)
        return VerifiedSignature(key, line, timestamp)
    if not key.verify(data, line.signature):
        raise _invalid(line)
    return VerifiedSignature(key, line)


def _invalid(line: SignatureLine) -> NoteError:
    return NoteError(f"密钥 {line.key} 的签名无效", f"invalid signature by key {line.key}")


def add_cosignatures(note: str, lines: Sequence[str]) -> str:
    """Given a signed note and signature lines (e.g. from cosign), give the note with them.

    A new line replaces an older line of the same key (a witness's newer cosignature), as
    Go's note.Sign does. Lines are checked for form only: verify them before adding.
    """
    text, existing = split_note(note)
    new = {(s.name, s.key_id): s for s in map(SignatureLine.parse, lines)}  # last one wins
    kept = [s for s in existing if (s.name, s.key_id) not in new]
    every = [*kept, *new.values()]
    if len(every) > MAX_SIGNATURES:
        raise NoteError(f"签名超过 {MAX_SIGNATURES} 个", f"more than {MAX_SIGNATURES} signatures")
    return text + "\n" + "".join(s.to_text() for s in every)


# ---------------------------------------------------------------------------------------------
# Checkpoints


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head: origin, tree size, 32-byte root hash, optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "来源行", "the origin")
        if isinstance(self.size, bool) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise NoteError(
                f"树大小应在 0 到 {MAX_TREE_SIZE} 之间", f"tree size must be 0..{MAX_TREE_SIZE}"
            )
        if len(self.root_hash) != HASH_SIZE:
            raise NoteError(f"根哈希应为 {HASH_SIZE} 字节", f"root hash must be {HASH_SIZE} bytes")
        object.__setattr__(self, "root_hash", bytes(self.root_hash))
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for line in self.extensions:
            _check_line(line, "扩展行", "an extension line")

    def to_text(self) -> str:
        """Given this checkpoint, give its note text, every line ending in a newline."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str | bytes) -> Checkpoint:
        """Given checkpoint note text (not the signed note), give the checkpoint.

        Strict: exactly the form to_text gives, so one checkpoint has one text.
        """
        body = _as_text(text)
        _note_bytes(body)
        if not body.endswith("\n"):
            raise NoteError("检查点必须以换行结尾", "a checkpoint must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("检查点至少有三行", "a checkpoint has at least three lines")
        origin, size, root, *extensions = lines
        return cls(origin, _parse_size(size), _parse_root(root), tuple(extensions))


def _parse_size(line: str) -> int:
    """Given the tree size line, give the size; only canonical ASCII decimal is accepted."""
    if not _DECIMAL.fullmatch(line):
        raise NoteError(
            f"树大小 {line!r} 不是规范的十进制数", f"tree size {line!r} is not canonical decimal"
        )
    return int(line)


def _parse_root(line: str) -> bytes:
    """Given the root hash line, give the hash; it must be 32 bytes in canonical base64."""
    root = _decode_base64(line, "根哈希", "root hash")
    if len(root) != HASH_SIZE:
        raise NoteError(f"根哈希应为 {HASH_SIZE} 字节", f"root hash must be {HASH_SIZE} bytes")
    return root


def open_checkpoint(
    note: str | bytes, log: VerifierKey, witnesses: Sequence[VerifierKey] = ()
) -> tuple[Checkpoint, VerifiedNote]:
    """Given a signed checkpoint, the log's key and witness keys, give what they vouch for.

    The log's own signature is required; witness cosignatures present are verified and
    listed in the note's cosignatures, and counting them against a quorum is the caller's.
    """
    opened = open_note(note, [log, *witnesses])
    if not opened.verified_by(log):
        raise NoteError(
            f"检查点没有日志密钥 {log.name} 的签名", f"checkpoint not signed by log key {log.name}"
        )
    return Checkpoint.parse(opened.text), opened


# ---------------------------------------------------------------------------------------------
# Cosignatures


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """Given checkpoint text and a timestamp, give the bytes a cosignature/v1 signs."""
    return _cosigned(timestamp, _note_bytes(checkpoint_text))


def _cosigned(timestamp: int, text: bytes) -> bytes:
    return f"{COSIGNATURE_HEADER}time {timestamp}\n".encode("ascii") + text


def cosign(checkpoint_text: str, witness: SignerKey, timestamp: int) -> str:
    """Given checkpoint text, a witness's cosignature key and unix seconds, give the line."""
    if witness.algorithm is not Algorithm.COSIGNATURE_V1:
        raise NoteError(
            f"{witness.name} 不是联署（0x04）密钥", f"{witness.name} is not a cosignature key"
        )
    Checkpoint.parse(checkpoint_text)  # a witness vouches for checkpoints, nothing else
    _check_timestamp(timestamp)
    signature = witness.sign(cosigned_message(checkpoint_text, timestamp))
    payload = timestamp.to_bytes(_TIMESTAMP_SIZE, "big") + signature
    return SignatureLine(witness.name, witness.key_id, payload).to_text()


def verify_cosignature(checkpoint_text: str, line: str, witness: VerifierKey) -> int:
    """Given checkpoint text, a cosignature line and the witness's key, give the timestamp."""
    if witness.algorithm is not Algorithm.COSIGNATURE_V1:
        raise NoteError(
            f"{witness.name} 不是联署（0x04）密钥", f"{witness.name} is not a cosignature key"
        )
    Checkpoint.parse(checkpoint_text)
    signature = SignatureLine.parse(line)
    if (signature.name, signature.key_id) != (witness.name, witness.key_id):
        raise NoteError(
            f"签名行来自 {signature.key}，不是见证者 {witness.name}+{witness.key_id:08x}",
            f"line is by {signature.key}, not witness {witness.name}+{witness.key_id:08x}",
        )
    return _check_cosignature(witness, signature, checkpoint_text.encode("utf-8"))


def _check_cosignature(key: VerifierKey, line: SignatureLine, text: bytes) -> int:
    """Given a witness key, its line and the cosigned text bytes, give the timestamp."""
    if len(line.signature) != _COSIGNATURE_SIZE:
        raise _invalid(line)
    timestamp = int.from_bytes(line.signature[:_TIMESTAMP_SIZE], "big")
    if timestamp > MAX_TIMESTAMP:
        raise _invalid(line)
    if not key.verify(_cosigned(timestamp, text), line.signature[_TIMESTAMP_SIZE:]):
        raise _invalid(line)
    return timestamp


def _check_timestamp(timestamp: int) -> None:
    if isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError(
            f"时间戳应在 0 到 {MAX_TIMESTAMP} 之间", f"timestamp must be 0..{MAX_TIMESTAMP}"
        )
