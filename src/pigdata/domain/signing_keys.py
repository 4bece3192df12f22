"""Ed25519 identities in the C2SP signed-note key format (https://c2sp.org/signed-note).

A key has a name (non-empty, no Unicode spaces, no '+') and a 32-bit key ID, the first four
bytes of SHA-256(name || 0x0A || algorithm byte || 32-byte public key), big-endian. The texts
are those of Go's golang.org/x/mod/sumdb/note, so outside tools read them unchanged:

- verifier key: ``name+<8 hex key ID>+base64(algorithm byte || public key)``
- signer key:   ``PRIVATE+KEY+name+<8 hex key ID>+base64(algorithm byte || 32-byte seed)``

Two algorithms are used: plain Ed25519 note signatures (0x01), which the ledger signs its
checkpoints with, and Ed25519 witness cosignatures (0x04, https://c2sp.org/tlog-cosignature),
whose signed message differs, so the same key bytes give a different key ID.

The format is pure (no I/O) and a premises record carries a verifier key, so it lives in the
domain, below the ledger that signs with it; key files are `pigdata.ledger.keys`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass, field
from enum import IntEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pigdata.errors import InvalidInput

KEY_SIZE = 32  # Ed25519 public keys and seeds
SIGNATURE_SIZE = 64  # Ed25519 signatures
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX_ID = re.compile(r"[0-9a-fA-F]{8}")  # Go parses the ID with ParseUint(s, 16, 32), len 8


class Algorithm(IntEnum):
    """The signature type byte of a key (c2sp.org/signed-note, "Signature types")."""

    ED25519 = 0x01
    COSIGNATURE_V1 = 0x04


class KeyFormatError(InvalidInput):
    """A key name, key text or key file that is not in the signed-note format."""

    rule = "signing_key.format"


def is_valid_name(name: str) -> bool:
    """Given a key name, say whether the signed-note format allows it.

    Besides the spec's rule (non-empty, no Unicode spaces, no '+'), control characters and
    unpaired surrogates are refused: a name appears inside notes, which may not hold either.
    """
    if not name or "+" in name:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 for ch in name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_name(name: str) -> str:
    """Given a key name, give it back, or raise KeyFormatError if it is not allowed."""
    if not is_valid_name(name):
        raise KeyFormatError(
            f"密钥名称无效：{name!r}（不能为空，不能含空白或 '+'）",
            f"invalid key name {name!r} (must be non-empty, without spaces or '+')",
        )
    return name


def key_id(name: str, algorithm: Algorithm, public_key: bytes) -> int:
    """Given a key's name, algorithm and public key, give its 32-bit key ID."""
    material = name.encode("utf-8") + b"\n" + bytes([algorithm]) + public_key
    return int.from_bytes(hashlib.sha256(material).digest()[:4], "big")


def canonical_b64decode(text: str) -> bytes | None:
    """Given base64 text, give its bytes if it is the one canonical standard spelling, else None.

    Canonical only: otherwise the unused low bits of the last character could change without
    changing the bytes, and one key or signature would have several spellings.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def _b64decode(text: str, what: tuple[str, str]) -> bytes:
    """Given base64 text, give its bytes, accepting only the canonical standard encoding."""
    data = canonical_b64decode(text)
    if data is None:
        raise KeyFormatError(f"{what[0]}的 base64 编码无效", f"{what[1]} is not valid base64")
    return data


def _key_material(encoded: str, what: tuple[str, str]) -> tuple[Algorithm, bytes]:
    """Given base64(algorithm byte || 32 bytes), give the algorithm and the 32 bytes."""
    data = _b64decode(encoded, what)
    if len(data) != 1 + KEY_SIZE:
        raise KeyFormatError(
            f"{what[0]}长度应为 {1 + KEY_SIZE} 字节", f"{what[1]} must be {1 + KEY_SIZE} bytes"
        )
    return algorithm_of(data[0]), data[1:]


def algorithm_of(value: int) -> Algorithm:
    """Given a signature type byte, give the Algorithm; raise KeyFormatError if unsupported."""
    try:
        return Algorithm(value)
    except ValueError:
        raise KeyFormatError(
            f"不支持的签名算法 0x{value:02x}", f"unsupported signature type 0x{value:02x}"
        ) from None


def _check_id(hex_id: str, expected: int) -> None:
    """Given the hex key ID of a key text and the recomputed ID, raise if they differ."""
    if not _HEX_ID.fullmatch(hex_id):
        raise KeyFormatError("密钥 ID 应为 8 位十六进制数", "key ID must be 8 hex digits")
    if int(hex_id, 16) != expected:
        raise KeyFormatError(
            f"密钥 ID {hex_id} 与名称和公钥不符（应为 {expected:08x}）",
            f"key ID {hex_id} does not match the name and key (expected {expected:08x})",
        )


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A public key that checks signatures: name, algorithm, 32-byte Ed25519 key, key ID."""

    name: str
    public_key: bytes
    algorithm: Algorithm = Algorithm.ED25519
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.public_key) != KEY_SIZE:
            raise KeyFormatError(
                f"公钥长度应为 {KEY_SIZE} 字节", f"public key must be {KEY_SIZE} bytes"
            )
        object.__setattr__(self, "algorithm", algorithm_of(self.algorithm))
        object.__setattr__(self, "public_key", bytes(self.public_key))
        object.__setattr__(self, "key_id", key_id(self.name, self.algorithm, self.public_key))

    def to_text(self) -> str:
        """Given this key, give its verifier key text ``name+keyid+base64(alg||key)``."""
        encoded = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Given a verifier key text, give the key; raise KeyFormatError if malformed."""
        parts = text.split("+", 2)  # base64 may itself contain '+', the name may not
        if len(parts) != 3:
            raise KeyFormatError(
                "验证密钥格式应为 名称+ID+密钥", "verifier key must be name+id+key"
            )
        name, hex_id, encoded = parts
        check_name(name)
        algorithm, public_key = _key_material(encoded, ("公钥", "public key"))
        key = cls(name, public_key, algorithm)
        _check_id(hex_id, key.key_id)
        return key

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Given a message and an Ed25519 signature, say whether this key made it."""
        if len(signature) != SIGNATURE_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class SignerKey:
    """A private key that signs: name, algorithm and 32-byte Ed25519 seed (never printed)."""

    name: str
    private_key: bytes = field(repr=False)
    algorithm: Algorithm = Algorithm.ED25519

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.private_key) != KEY_SIZE:
            raise KeyFormatError(
                f"私钥种子长度应为 {KEY_SIZE} 字节", f"private key seed must be {KEY_SIZE} bytes"
            )
        object.__setattr__(self, "algorithm", algorithm_of(self.algorithm))
        object.__setattr__(self, "private_key", bytes(self.private_key))

    @classmethod
    def generate(cls, name: str, algorithm: Algorithm = Algorithm.ED25519) -> SignerKey:
        """Given a key name (and algorithm), give a new random key."""
        return cls(name, os.urandom(KEY_SIZE), algorithm)

    def verifier(self) -> VerifierKey:
        """Given this key, give its public half."""
        public = self._private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return VerifierKey(self.name, public, self.algorithm)

    @property
    def key_id(self) -> int:
        """Given this key, give its 32-bit key ID (that of its public half)."""
        return self.verifier().key_id

    def sign(self, message: bytes) -> bytes:
        """Given message bytes, give the 64-byte Ed25519 signature over them."""
        return self._private().sign(message)

    def to_text(self) -> str:
        """Given this key, give its signer key text ``PRIVATE+KEY+name+keyid+base64``."""
        encoded = base64.b64encode(bytes([self.algorithm]) + self.private_key).decode("ascii")
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id:08x}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        """Given a signer key text, give the key; raise KeyFormatError if malformed."""
        if not text.startswith(_PRIVATE_PREFIX):
            raise KeyFormatError(
                "签名密钥应以 PRIVATE+KEY+ 开头", "signer key must start with PRIVATE+KEY+"
            )
        parts = text[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise KeyFormatError(
                "签名密钥格式应为 PRIVATE+KEY+名称+ID+密钥",
                "signer key must be PRIVATE+KEY+name+id+key",
            )
        name, hex_id, encoded = parts
        check_name(name)
        algorithm, seed = _key_material(encoded, ("私钥", "private key"))
        key = cls(name, seed, algorithm)
        # The ID is that of the public key, so it can only be checked after deriving it.
        _check_id(hex_id, key.key_id)
        return key

    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.private_key)
