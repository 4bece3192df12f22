"""Ledger entry bytes: canonical JSON (RFC 8785) of the record, its submitter and arrival time.

The record values are strings, integers, booleans and lists of them, and every object key is
ASCII, so JSON with sorted keys, no whitespace and unescaped non-ASCII text is exactly the
JCS form; the tests check this against an independent RFC 8785 implementation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from pigdata.domain.records import AnyRecord

# Version 2: personal values are commitments (pigdata.ledger.personal) and the submitter is
# the role and scope that authorised the write, not a token's name. Version 1 entries, which
# held both as they were, stay valid and readable.
ENTRY_VERSION = 2


def canonical_json(value: Any) -> bytes:
    """Give the RFC 8785 bytes of a JSON value made of strings, integers, booleans, lists."""
    # orjson's result keeps the 4 KiB buffer it was written into; a batch keeps hundreds of
    # thousands of these bytes, so each is copied into an object of its own size (a page
    # fault and 4 KiB of memory less per record, for a copy of a few hundred bytes).
    return memoryview(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).tobytes()


def record_body(record: AnyRecord) -> dict[str, Any]:
    """Give the record as JSON values, absent optional fields left out."""
    return record.model_dump(mode="json", exclude_none=True)


def record_digest(record_bytes: bytes) -> bytes:
    """Give the SHA-256 of a record's canonical bytes: the same record twice, the same digest."""
    return hashlib.sha256(record_bytes).digest()


def digest_prefix(digest: bytes) -> int:
    """Give a record digest's first 8 bytes as a signed 64-bit integer, the indexed key."""
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class EntryEnvelope:
    """What a ledger entry says besides the record: who sent it and when it arrived."""

    submitter: str
    received: str  # RFC 3339 UTC, millisecond precision

    def entry_bytes(self, body: dict[str, Any], vouched: dict[str, str] | None = None) -> bytes:
        """Give the canonical bytes of the whole entry, the input of its leaf hash."""
        return self.wrap(canonical_json(body), vouched)

    def wrap(self, record_bytes: bytes, vouched: dict[str, str] | None = None) -> bytes:
        """Give the entry bytes around a record's canonical bytes, without encoding it again.

        The keys in canonical (sorted) order are received, record, submitter, v and, when a
        premises signed the record, vouched.
        """
        head, tail = self.frame()
        if vouched is not None:
            tail = tail[:-1] + b',"vouched":' + canonical_json(vouched) + b"}"
        return head + record_bytes + tail

    def frame(self) -> tuple[bytes, bytes]:
        """Give the entry bytes before and after the record's bytes."""
        head = b'{"received":' + canonical_json(self.received) + b',"record":'
        tail = b',"submitter":' + canonical_json(self.submitter) + b',"v":%d}' % ENTRY_VERSION
        return head, tail


def decode_entry(data: bytes) -> dict[str, Any]:
    """Give the parsed JSON object of stored entry bytes."""
    parsed: dict[str, Any] = orjson.loads(data)
    return parsed
