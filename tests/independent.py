"""Independent verifiers from PyPI, adapted to our proofs, for tests to compare against."""

from __future__ import annotations

import base64

from sigstore._internal.merkle import verify_merkle_inclusion
from sigstore.errors import VerificationError
from sigstore.models import TransparencyLogEntry
from sigstore_models.rekor.v1 import TransparencyLogEntry as RekorEntry


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sigstore_verifies(data: bytes, index: int, size: int, proof: list[bytes], head: bytes) -> bool:
    """Ask sigstore's `verify_merkle_inclusion` (sigstore/_internal/merkle.py).

    It takes a Rekor log entry: we build one holding our proof, with the raw entry bytes as
    its canonicalized body (sigstore hashes the leaf itself, with its own RFC 6962 code). The
    log id, kind and checkpoint are placeholders that its Merkle check does not read.
    """
    inner = RekorEntry.from_dict(
        {
            "logIndex": str(index),
            "logId": {"keyId": _b64(b"pigdata-test")},
            "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
            "inclusionProof": {
                "logIndex": str(index),
                "rootHash": _b64(head),
                "treeSize": str(size),
                "hashes": [_b64(h) for h in proof],
                "checkpoint": {"envelope": "unused by the Merkle check"},
            },
            "canonicalizedBody": _b64(data),
        }
    )
    try:
        verify_merkle_inclusion(TransparencyLogEntry(inner))
    except VerificationError:
        return False
    return True
