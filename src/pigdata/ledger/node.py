"""The node's own identity: its signing key and origin, made on first use."""

from __future__ import annotations

from pigdata.config import Settings
from pigdata.ledger.keys import SignerKey, load_signer, save_signer
from pigdata.ledger.log import LogSigner


def node_signer(settings: Settings, *, create: bool = True) -> LogSigner | None:
    """Give the node's checkpoint signer, making its key if it has none (and `create`)."""
    path = settings.key_file
    if not path.exists():
        if not create:
            return None
        save_signer(SignerKey.generate(settings.origin), path)
    key = load_signer(path)
    return LogSigner(origin=settings.origin, key=key)
