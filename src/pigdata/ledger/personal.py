"""Personal data and the ledger: entries commit to salted hashes, the values live beside them.

China's Personal Information Protection Law (PIPL, arts. 6, 28, 47) asks that personal
information be kept to what a purpose needs, disclosed only to those entitled to it, and
deleted on request. A ledger entry, once signed into the tree, can never change; a proof
bundle goes to anyone who scans a QR code. So an entry of version 2 never holds a personal
value. In its place it holds the commitment

    "sha256:" + hex(SHA-256(salt ‖ UTF-8 bytes of the value))

with a fresh random 16-byte salt per value. The value and its salt are kept beside the
ledger (table ``personal_values``), shown to entitled readers (and put into their proof
bundles as disclosures, which anyone can check against the commitment), and dropped on an
erasure request: the entry, its leaf hash and every proof stay as they were, and with the
salt gone the commitment can no longer be tested against a guessed name.

What is personal: the names of natural persons a record carries (a movement's carrier, a
premises' owner), wherever the record sits (a correction's replacement too), and a premises'
signature over a record that carries one (a signature over the plain record would let anyone
test guesses of the name against it). The submitting token's name is not in a version 2 entry
at all: the entry names the role and scope that authorised the write.

This module is pure: no store, so that a bundle can be checked with it alone.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

# Fields holding a natural person's name, by record kind.
PERSONAL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "movement": ("carrier",),
    "premises": ("owner",),
}
# (field, its path in an entry) of each kind's own personal fields
_TOP_PATHS = {
    kind: tuple((n, f"record.{n}") for n in names) for kind, names in PERSONAL_FIELDS.items()
}
_TOP = len("record.")
COMMITMENT_PREFIX = "sha256:"
SALT_BYTES = 16
SIGNATURE_PATH = "vouched.signature"
# What an erased value reads as in the projections (a Text value, so records still parse).
ERASED = "〔已删除 erased〕"


@dataclass(frozen=True, slots=True)
class Sealed:
    """One personal value taken out of an entry: where it was, its salt and the value."""

    path: str  # dotted, from the entry's top: "record.carrier", "vouched.signature"
    salt: bytes
    value: str

    @property
    def commitment(self) -> str:
        return commitment(self.salt, self.value)


def commitment(salt: bytes, value: str) -> str:
    """Give the commitment an entry holds in place of a personal value."""
    return COMMITMENT_PREFIX + hashlib.sha256(salt + value.encode("utf-8")).hexdigest()


def is_commitment(value: Any) -> bool:
    """Tell whether a value is a commitment (a personal value is never this long hex form)."""
    return (
        isinstance(value, str)
        and len(value) == len(COMMITMENT_PREFIX) + 64
        and value.startswith(COMMITMENT_PREFIX)
    )


def record_paths(record: Mapping[str, Any], prefix: str = "record") -> Iterator[tuple[str, str]]:
    """Give (dotted path, field) of each personal field present in a record body."""
    for name in PERSONAL_FIELDS.get(str(record.get("kind")), ()):
        if name in record:
            yield f"{prefix}.{name}", name
    replacement = record.get("replacement")
    if record.get("kind") == "correction" and isinstance(replacement, Mapping):
        yield from record_paths(replacement, f"{prefix}.replacement")


def committed_paths(entry: Mapping[str, Any]) -> list[str]:
    """Give the paths at which a stored entry holds commitments (none in a version 1 entry)."""
    record = entry.get("record")
    if not isinstance(record, Mapping):
        return []
    paths = [path for path, _ in record_paths(record)] + [SIGNATURE_PATH]
    return [path for path in paths if is_commitment(entry_value(entry, path))]


def has_commitments(entry: Mapping[str, Any]) -> bool:
    """Tell whether a stored entry holds commitments (a version 2 entry with personal values)."""
    return bool(committed_paths(entry))


def sealed(record: Mapping[str, Any]) -> bool:
    """Tell whether a record body still holds a commitment in place of a personal value."""
    return any(
        is_commitment(entry_value(record, path[len("record.") :]))
        for path, _ in record_paths(record)
    )


def has_personal(record: Mapping[str, Any]) -> bool:
    """Tell whether a record body carries any personal value."""
    kind = record.get("kind")
    if kind != "correction":  # the common case: the record's own fields only
        return any(name in record for name in PERSONAL_FIELDS.get(str(kind), ()))
    return next(record_paths(record), None) is not None


class SaltPool:
    """Salts for many values from few system calls: os.urandom drawn a block at a time.

    Each salt is still fresh random bytes from the operating system's generator, used once;
    a bulk file's hundreds of thousands of values need not cost a system call each.
    """

    def __init__(self, block: int = 64 * 1024) -> None:
        self._block = block
        self._bytes = b""
        self._at = 0

    def __call__(self, size: int) -> bytes:
        if self._at + size > len(self._bytes):
            self._bytes, self._at = os.urandom(max(self._block, size)), 0
        salt = self._bytes[self._at : self._at + size]
        self._at += size
        return salt


def seal(
    record: Mapping[str, Any], salt: Callable[[int], bytes] = os.urandom
) -> tuple[dict[str, Any], list[Sealed]]:
    """Give the record with each personal value replaced by its commitment, and the values."""
    kind = record.get("kind")
    if kind != "correction":  # the common case, a record's own fields: no paths to walk
        sealed = [
            Sealed(path, salt(SALT_BYTES), str(record[name]))
            for name, path in _TOP_PATHS.get(str(kind), ())
            if name in record
        ]
        committed = dict(record)
        for one in sealed:
            committed[one.path[_TOP:]] = one.commitment
        return committed, sealed
    sealed = [
        Sealed(path, salt(SALT_BYTES), str(_at(record, path))) for path, _ in record_paths(record)
    ]
    committed = _replaced(record, {s.path: s.commitment for s in sealed})
    return committed, sealed


def seal_canonical(
    record: Mapping[str, Any], canonical: bytes, salt: Callable[[int], bytes] = os.urandom
) -> tuple[bytes, list[Sealed]] | None:
    """Give a record's canonical bytes with its own personal values sealed, and the values.

    The same bytes as the canonical JSON of `seal(record)[0]`, made by replacing each
    value's bytes in place rather than encoding the record a second time. In canonical JSON
    a key's opening quote follows `{` or `,` and is never escaped, which no text inside a
    string can give, so `,"carrier":` marks the field itself. None for a correction, whose
    personal values sit in its replacement: the caller seals and encodes it whole.
    """
    kind = record.get("kind")
    if kind == "correction":
        return None
    sealed: list[Sealed] = []
    for name, path in _TOP_PATHS.get(str(kind), ()):
        if name not in record:
            continue
        one = Sealed(path, salt(SALT_BYTES), str(record[name]))
        key = b'"' + name.encode() + b'":'
        value = _json_text(one.value)
        for opener in (b",", b"{"):
            at = canonical.find(opener + key + value)
            if at >= 0:
                start = at + 1 + len(key)
                commitment_json = b'"' + one.commitment.encode() + b'"'
                canonical = canonical[:start] + commitment_json + canonical[start + len(value) :]
                break
        else:  # the bytes are not this record's canonical form: nothing to seal by
            raise ValueError(f"{name} not found in the record's canonical bytes")
        sealed.append(one)
    return canonical, sealed


def _json_text(value: str) -> bytes:
    # A string's canonical JSON, as pigdata.ledger.entry.canonical_json gives it.
    return orjson.dumps(value)


def seal_value(path: str, value: str, salt: Callable[[int], bytes] = os.urandom) -> Sealed:
    """Seal one personal value found at a path (for writers that build the bytes themselves)."""
    return Sealed(path, salt(SALT_BYTES), value)


def seal_signature(signature: str, salt: Callable[[int], bytes] = os.urandom) -> Sealed:
    """Seal a premises' signature over a record that carries personal values."""
    return seal_value(SIGNATURE_PATH, signature, salt)


def reveal(record: Mapping[str, Any], values: Mapping[str, str | None]) -> dict[str, Any]:
    """Give the record with the known values put back (an erased one, None, reads ERASED).

    A path with no value given keeps its commitment: the caller gave what it may see.
    """
    found = {path: values[path] for path, _ in record_paths(record) if path in values}
    return _replaced(record, {path: ERASED if v is None else v for path, v in found.items()})


def _at(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split(".")[1:]:
        value = value[part]
    return value


def _replaced(record: Mapping[str, Any], by_path: Mapping[str, str]) -> dict[str, Any]:
    copy = dict(record)
    for path, value in by_path.items():
        parts = path.split(".")[1:]
        target = copy
        for part in parts[:-1]:
            target[part] = dict(target[part])
            target = target[part]
        target[parts[-1]] = value
    return copy


def entry_value(entry: Mapping[str, Any], path: str) -> Any:
    """Give what an entry holds at a dotted path (None when it holds nothing there)."""
    value: Any = entry
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value
