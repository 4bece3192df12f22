"""Key files of the node and of witnesses: written whole, readable by the owner only.

The key format itself (names, key IDs, verifier and signer key texts) is pure and lives in
`pigdata.domain.signing_keys`; it is named here too, so the ledger's modules and their users
import keys from one place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from pigdata.domain.signing_keys import (
    KEY_SIZE,
    SIGNATURE_SIZE,
    Algorithm,
    KeyFormatError,
    SignerKey,
    VerifierKey,
    algorithm_of,
    canonical_b64decode,
    check_name,
    is_valid_name,
    key_id,
)

__all__ = [
    "KEY_SIZE",
    "SIGNATURE_SIZE",
    "Algorithm",
    "KeyFormatError",
    "SignerKey",
    "VerifierKey",
    "algorithm_of",
    "canonical_b64decode",
    "check_name",
    "is_valid_name",
    "key_id",
    "load_signer",
    "save_signer",
]


def save_signer(key: SignerKey, path: Path, *, overwrite: bool = False) -> None:
    """Given a signer key and a path, write the key text there, readable by the owner only.

    Parent directories are created (the last one 0700). The file is written whole under a
    temporary name and then linked into place, so a crash never leaves half a key; an existing
    file is kept unless overwrite is set, because losing a log's key cannot be undone.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(key.to_text() + "\n")
            out.flush()
            os.fsync(out.fileno())
        _install(Path(temporary), path, overwrite)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _sync_directory(path.parent)


def _install(temporary: Path, path: Path, overwrite: bool) -> None:
    """Given a written temporary file, put it at path (atomically, refusing or replacing)."""
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if path exists: no check-then-write race
    except FileExistsError:
        raise KeyFormatError(
            f"密钥文件 {path} 已存在，未覆盖", f"key file {path} exists; not overwritten"
        ) from None


def _sync_directory(directory: Path) -> None:
    """Given a directory, flush its entries to disk so the new file name survives a crash."""
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def load_signer(path: Path) -> SignerKey:
    """Given the path of a signer key file, give the key; raise KeyFormatError if malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KeyFormatError(
            f"密钥文件 {path} 不是 UTF-8 文本", f"key file {path} is not UTF-8 text"
        ) from None
    return SignerKey.parse(text.strip())
