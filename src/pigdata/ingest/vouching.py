"""Records a premises vouches for: an Ed25519 signature over the record's canonical bytes,
checked against the key the premises registered, and kept in the ledger entry."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pigdata.domain.issues import Issue
from pigdata.domain.records import AnyRecord, Premises
from pigdata.ingest.context import BatchContext
from pigdata.ledger.keys import VerifierKey

SIGNATURE_FIELD = "_signature"


def _refused(zh: str, en: str, rule: str = "signature.invalid") -> Issue:
    return Issue(SIGNATURE_FIELD, rule, zh, en)


def _key_for(record: AnyRecord, ctx: BatchContext) -> tuple[str, str | None]:
    # A premises signs its own registration with the key it registers; other records are
    # signed by their owner premises (the first one they name).
    if isinstance(record, Premises):
        return record.code, record.signing_key
    owner = record.premises_refs()[0] if record.premises_refs() else ""
    info = ctx.premises.get(owner)
    return owner, info.signing_key if info else None


def check_signature(
    record: AnyRecord, canonical: bytes, signature: Any, ctx: BatchContext
) -> tuple[dict[str, str] | None, Issue | None]:
    """Give what the ledger keeps of a valid signature (premises, key, signature), or why not."""
    premises, key_text = _key_for(record, ctx)
    if key_text is None:
        return None, _refused(
            f"场所 {premises or '?'} 未登记签名公钥",
            f"premises {premises or '?'} has no registered signing key",
            "signature.no_key",
        )
    try:
        raw = base64.b64decode(str(signature), validate=True)
    except (binascii.Error, ValueError):
        return None, _refused("签名不是 base64", "the signature is not base64")
    key = VerifierKey.parse(key_text)
    if len(raw) != 64 or not key.verify(canonical, raw):
        return None, _refused(
            f"签名与场所 {premises} 的公钥不符",
            f"the signature does not verify with premises {premises}'s key",
        )
    return {"premises": premises, "key": key_text, "signature": str(signature)}, None
