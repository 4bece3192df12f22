"""The wire format of proof bundles, shared by the maker and the verifier.

In the spirit of C2SP tlog-proof, but for several entries under one checkpoint. A bundle is
one JSON object (docs/trace.md), members in this order:

- ``origin``: the log's origin line;
- ``log_key``: the log's verifier key text, as the node publishes it;
- ``checkpoint``: the signed checkpoint note, with every witness cosignature line the node
  holds for it;
- ``size``: the checkpoint's tree size;
- ``entries``: ``{"index", "entry", "proof"}`` each, the entry bytes and the proof's hashes
  in standard base64, the proof being RFC 9162's PATH(index, D[size]);
- ``disclosures`` (only in a bundle made for a reader entitled to them): ``{"index", "path",
  "salt", "value"}`` each, a personal value and the salt of the entry's commitment to it
  (`pigdata.ledger.personal`).

The maker (`bundle_make`) builds the TypedDicts below, which are the JSON as sent. The
verifier (`bundle_verify`) reads whatever JSON value it is given with `read_bundle`, which
never raises: a bundle comes from anywhere, and a report has to say what in it is wrong, so
each member is read into a typed value, or None, or a `BadEntry` saying what is wrong. This
module is pure (no store), like the verifier.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NotRequired, TypedDict


class BundleEntry(TypedDict):
    """One entry of a bundle as sent: its index, its bytes and its inclusion proof."""

    index: int
    entry: str  # standard base64 of the entry's bytes
    proof: list[str]  # standard base64 of each hash of PATH(index, D[size])


class Disclosure(TypedDict):
    """A personal value of an entry and the salt of the entry's commitment to it, as sent."""

    index: int
    path: str  # the dotted path of the value in the entry's record
    salt: str  # standard base64
    value: str


class Bundle(TypedDict):
    """A proof bundle as sent (the members' order is the JSON's)."""

    origin: str
    log_key: str
    checkpoint: str
    size: int
    entries: list[BundleEntry]
    disclosures: NotRequired[list[Disclosure]]


def b64(data: bytes) -> str:
    """Give the standard base64 of bytes, as a bundle spells them."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: object) -> bytes | None:
    """Give the bytes of canonical standard base64, or None (one value, one spelling)."""
    if not isinstance(text, str):
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):  # ValueError: text that is not ASCII
        return None
    return data if b64(data) == text else None


def bundle_entry(index: int, entry: bytes, proof: Sequence[bytes]) -> BundleEntry:
    """Give an entry of a bundle: its index, its bytes and its inclusion proof's hashes."""
    return {"index": index, "entry": b64(entry), "proof": [b64(h) for h in proof]}


def disclosure(index: int, path: str, salt: bytes, value: str) -> Disclosure:
    """Give the disclosure of an entry's personal value at a path, with its salt."""
    return {"index": index, "path": path, "salt": b64(salt), "value": value}


# --- Reading what was received --------------------------------------------------------------

_BAD_INDEX = "条目序号无效 / bad index"


@dataclass(frozen=True, slots=True)
class ReadEntry:
    """An entry of a received bundle whose members are well-formed (not yet checked)."""

    index: int
    entry: bytes
    proof: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class BadEntry:
    """An entry of a received bundle that cannot be read, and why."""

    index: int | None  # None when the index itself is what is wrong
    problem: str


@dataclass(frozen=True, slots=True)
class ReadDisclosure:
    """A disclosure of a received bundle, well-formed (not yet checked against its entry)."""

    index: int
    path: str
    salt: bytes
    value: str


@dataclass(frozen=True, slots=True)
class ReadBundle:
    """A received bundle, member by member: typed, or None where missing or malformed."""

    log_key: str | None
    checkpoint: str | None
    # The size and origin are conveniences the checkpoint also holds; they are compared
    # with the checkpoint's as they were sent, since any other value means an altered bundle.
    size: object
    origin: object
    entries: tuple[ReadEntry | BadEntry, ...] | None  # None: not a list, or an empty one
    disclosures: tuple[ReadDisclosure, ...]
    disclosure_problems: tuple[str, ...]


def read_bundle(data: object) -> ReadBundle | None:
    """Read a received JSON value as a bundle; None if it is not a JSON object."""
    if not isinstance(data, dict):
        return None
    raw_entries = data.get("entries")
    entries = (
        tuple(read_entry(item) for item in raw_entries)
        if isinstance(raw_entries, list) and raw_entries
        else None
    )
    disclosed, problems = read_disclosures(data.get("disclosures", []))
    return ReadBundle(
        log_key=_text(data.get("log_key")),
        checkpoint=_text(data.get("checkpoint")),
        size=data.get("size"),
        origin=data.get("origin"),
        entries=entries,
        disclosures=disclosed,
        disclosure_problems=problems,
    )


def read_entry(item: object) -> ReadEntry | BadEntry:
    """Read one member of ``entries``."""
    if not isinstance(item, dict):
        return BadEntry(None, _BAD_INDEX)
    index = item.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        return BadEntry(None, _BAD_INDEX)
    data = unb64(item.get("entry"))
    proof_items = item.get("proof")
    proof = [unb64(p) for p in proof_items] if isinstance(proof_items, list) else None
    if data is None or proof is None or any(p is None for p in proof):
        return BadEntry(index, "条目或证明的 base64 无效 / entry or proof is not base64")
    return ReadEntry(index, data, tuple(p for p in proof if p is not None))


def read_disclosures(raw: object) -> tuple[tuple[ReadDisclosure, ...], tuple[str, ...]]:
    """Read ``disclosures``: the well-formed ones, and a problem for each that is not."""
    if not isinstance(raw, list):
        return (), ("disclosures 不是列表 / disclosures is not a list",)
    found: list[ReadDisclosure] = []
    problems: list[str] = []
    for item in raw:
        index = item.get("index") if isinstance(item, dict) else None
        path = item.get("path") if isinstance(item, dict) else None
        salt = unb64(item.get("salt")) if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if not (
            isinstance(index, int) and isinstance(path, str) and salt and isinstance(value, str)
        ):
            problems.append("一项披露格式不对 / a disclosure is malformed")
            continue
        found.append(ReadDisclosure(index, path, salt, value))
    return tuple(found), tuple(problems)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
