"""RFC 9162 (Certificate Transparency v2) section 2.1 Merkle trees, as pure functions.

This module is the verification API for third parties: everything here is plain hashing over
`bytes`, with no database, network or state. A leaf is hashed as SHA-256(0x00 || data) and an
interior node as SHA-256(0x01 || left || right); the tree over n leaves splits at the largest
power of two below n (RFC 9162 2.1.1), and the empty tree's hash is SHA-256 of nothing.

Verifying (what a client of the ledger needs):

- `verify_inclusion(leaf_hash, index, size, proof, root)`: RFC 9162 2.1.3.2.
- `verify_consistency(size1, size2, proof, root1, root2)`: RFC 9162 2.1.4.2.
- `root_from_inclusion(leaf_hash, index, size, proof)`: the root a proof leads to.

Both `verify_*` functions give False for any malformed input instead of raising: a hash that
is not 32 `bytes`, a negative number, an index not below the size, `size1` of 0 or above
`size2`, or a proof that is too short or too long.

Building (what the log needs): `root` hashes a list of leaf hashes; `inclusion_proof` and
`consistency_proof` build proofs from any `SubtreeHashes` source, so a stored tree answers
them without being loaded; `subtree_from_leaves` is such a source over an in-memory list, and
`range_hash` builds one from complete power-of-two subtrees only.

>>> leaves = [leaf_hash(data) for data in (b"a", b"b", b"c")]
>>> head = root(leaves)
>>> proof = inclusion_proof(2, 3, subtree_from_leaves(leaves))
>>> verify_inclusion(leaves[2], 2, 3, proof, head)
True
>>> old_head = root(leaves[:2])
>>> verify_consistency(2, 3, consistency_proof(2, 3, subtree_from_leaves(leaves)), old_head, head)
True
>>> verify_inclusion(leaves[1], 2, 3, proof, head)
False
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from itertools import chain

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompleteHashes",
    "SubtreeHashes",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root",
    "root_from_inclusion",
    "subtree_from_leaves",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The Merkle Tree Hash of the empty list (RFC 9162 2.1.1)."""

SubtreeHashes = Callable[[int, int], bytes]
"""`subtree(start, end)` gives the Merkle Tree Hash of leaves [start, end), end > start.

The proof builders only ever ask for two kinds of range (see `inclusion_proof`): complete
subtrees [k·2^h, (k+1)·2^h) and right-edge ranges [k·2^h, size) with size - k·2^h < 2^h.
"""

CompleteHashes = Callable[[int, int], bytes]
"""`complete(level, index)` gives the hash of the complete subtree of leaves
[index·2^level, (index+1)·2^level); level 0 is the leaf hashes themselves."""


def leaf_hash(data: bytes | bytearray) -> bytes:
    """Give the leaf hash SHA-256(0x00 || data) of one entry."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Give the interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


# --- Building -------------------------------------------------------------------------------


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Give the Merkle Tree Hash MTH(D[n]) of a list of leaf hashes (RFC 9162 2.1.1).

    Level by level rather than recursively, so millions of leaves cost O(n) hashes and no
    recursion depth.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        level = _parent_level(level)
    return level[0]


def _parent_level(level: list[bytes]) -> list[bytes]:
    """Pair up one level; an odd last node moves up unchanged.

    Carrying the odd node up gives exactly RFC 9162's split at the largest power of two: the
    left part of every split is a complete subtree, so it pairs off evenly at every level and
    only the right edge is ever left over.
    """
    parents = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        parents.append(level[-1])
    return parents


def _split_point(width: int) -> int:
    """Give k, the largest power of two smaller than width (width > 1), as in RFC 9162."""
    return 1 << ((width - 1).bit_length() - 1)


def inclusion_proof(index: int, size: int, subtree: SubtreeHashes) -> list[bytes]:
    """Give PATH(index, D[size]), the inclusion proof of one leaf (RFC 9162 2.1.3.1).

    Walks from the root down to the leaf, taking the sibling of each range on the way, then
    gives them leaf-first as the RFC orders them. Each sibling is one `subtree(start, end)`
    call, O(log size) in all, and every range asked for is one of:

    - a complete subtree [k·2^h, (k+1)·2^h) with (k+1)·2^h <= size, or
    - the right-edge range [k·2^h, size) with 0 < size - k·2^h < 2^h.

    Raises ValueError unless 0 <= index < size.
    """
    if not 0 <= index < size:
        raise ValueError(f"index {index} is not within a tree of size {size}")
    siblings: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split_point(hi - lo)
        if index < mid:
            siblings.append(subtree(mid, hi))
            hi = mid
        else:
            siblings.append(subtree(lo, mid))
            lo = mid
    siblings.reverse()
    return siblings


def consistency_proof(size1: int, size2: int, subtree: SubtreeHashes) -> list[bytes]:
    """Give PROOF(size1, D[size2]), the consistency proof between two sizes (RFC 9162 2.1.4.1).

    The RFC's SUBPROOF recursion unrolled: walk down from the root until a range ends exactly
    at size1, taking the sibling of each range on the way, then give them deepest first. The
    proof starts with that last range's own hash unless the range starts at leaf 0, where the
    RFC's flag b is still true: the verifier already holds that hash as the old root.

    O(log size2) `subtree` calls, asking only for the kinds of range `inclusion_proof` asks
    for: complete subtrees [k·2^h, (k+1)·2^h) with (k+1)·2^h <= size2, and right-edge ranges
    [k·2^h, size2) with 0 < size2 - k·2^h < 2^h. (The range ending at size1 is always a
    complete subtree.) size1 == size2 gives the empty proof.

    Raises ValueError unless 0 < size1 <= size2.
    """
    if not 0 < size1 <= size2:
        raise ValueError(f"sizes {size1} and {size2} do not satisfy 0 < size1 <= size2")
    siblings: list[bytes] = []
    lo, hi = 0, size2
    # Invariant lo < size1 <= hi, so a range still in the loop holds at least two leaves.
    while hi != size1:
        mid = lo + _split_point(hi - lo)
        if size1 <= mid:
            siblings.append(subtree(mid, hi))
            hi = mid
        else:
            siblings.append(subtree(lo, mid))
            lo = mid
    siblings.reverse()
    if lo == 0:
        return siblings
    return [subtree(lo, hi), *siblings]


def subtree_from_leaves(leaf_hashes: Sequence[bytes]) -> SubtreeHashes:
    """Give a `SubtreeHashes` over an in-memory list, hashing each asked range afresh.

    For tests and small trees: each call costs O(end - start) hashes. It answers any range
    0 <= start <= end <= len(leaf_hashes), aligned or not, and raises ValueError otherwise.
    """

    def subtree(start: int, end: int) -> bytes:
        if not 0 <= start <= end <= len(leaf_hashes):
            raise ValueError(f"range [{start}, {end}) is not within {len(leaf_hashes)} leaves")
        return root(leaf_hashes[start:end])

    return subtree


def range_hash(start: int, end: int, complete: CompleteHashes) -> bytes:
    """Give the Merkle Tree Hash of leaves [start, end) from complete subtrees alone.

    start must be a multiple of the smallest power of two >= end - start: exactly the ranges
    RFC 9162's split produces, so every range `inclusion_proof` and `consistency_proof` ask
    for qualifies. Such a range is the complete subtrees given by the binary digits of its
    width, largest first, and its hash folds them from the right, since each split takes the
    largest power of two as its left part. That is popcount(end - start) calls to `complete`,
    O(log n). An empty range gives EMPTY_ROOT. Raises ValueError for other ranges.
    """
    width = end - start
    if start < 0 or width < 0:
        raise ValueError(f"range [{start}, {end}) is not a range of leaves")
    if width == 0:
        return EMPTY_ROOT
    if start % (1 << (width - 1).bit_length()):
        raise ValueError(f"range [{start}, {end}) is not aligned as RFC 9162 splits a tree")
    parts = [complete(level, index) for level, index in _complete_parts(start, width)]
    acc = parts.pop()
    for part in reversed(parts):
        acc = node_hash(part, acc)
    return acc


def _complete_parts(start: int, width: int) -> list[tuple[int, int]]:
    """Give (level, index) of the complete subtrees tiling [start, start + width).

    Leftmost first, following the binary digits of width from the largest: start is aligned
    to each of them, so each is one stored complete subtree.
    """
    parts: list[tuple[int, int]] = []
    for level in reversed(range(width.bit_length())):
        if width >> level & 1:
            parts.append((level, start >> level))
            start += 1 << level
    return parts


# --- Verifying ------------------------------------------------------------------------------


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_count(value: object) -> bool:
    # bool is an int too, but a True index is a caller's mistake, not a number.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _shift_to_odd(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift fn and sn together until fn is odd or 0 (RFC 9162 2.1.3.2 step 4.b.2).

    Skips the levels where the path runs up the tree's right edge with no sibling. An odd fn
    is left alone, so callers need not test the RFC's "if LSB(fn) is not set" first.
    """
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def root_from_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes | None:
    """Give the root hash that an inclusion proof leads to, or None if it is malformed.

    RFC 9162 2.1.3.2 steps 1 to 4 and the sn == 0 check of step 5: it does not know the
    expected root, so comparing is the caller's (see `verify_inclusion`). None for a leaf hash
    or proof element that is not 32 bytes, a negative index or size, index >= size, or a
    proof of the wrong length.
    """
    if not (_is_hash(leaf_hash) and _is_count(index) and _is_count(size) and index < size):
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        # Each element is checked as it is used, so an overlong proof is refused at its first
        # extra element rather than after scanning all of it.
        if sn == 0 or not _is_hash(p):
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Tell whether `proof` shows leaf `index` of the tree of `size` leaves has `leaf_hash`.

    RFC 9162 2.1.3.2. Never raises for bad input: anything malformed gives False. Note that
    the proof binds the size only through the root, so take both from one signed tree head.
    """
    return _is_hash(root) and root_from_inclusion(leaf_hash, index, size, proof) == root


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """Tell whether `proof` shows the tree (size2, root2) extends the tree (size1, root1).

    RFC 9162 2.1.4.2. For size1 == size2 the proof must be empty and the roots equal. size1
    of 0 is refused: the RFC defines proofs only for 0 < size1, and an empty tree proves
    nothing about the newer one. Never raises for bad input: anything malformed gives False.
    """
    if not (_is_count(size1) and _is_count(size2) and 0 < size1 <= size2):
        return False
    if not (_is_hash(root1) and _is_hash(root2)):
        return False
    if size1 == size2:
        return len(proof) == 0 and root1 == root2
    return _roots_from_consistency(size1, size2, proof, root1) == (root1, root2)


def _roots_from_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes
) -> tuple[bytes, bytes] | None:
    """Give (fr, sr) of RFC 9162 2.1.4.2 steps 1 to 6 and the sn == 0 check, or None."""
    if not proof:
        return None
    path: Iterator[bytes] = iter(proof)
    if size1 & (size1 - 1) == 0:
        # A power-of-two old tree is a complete subtree the proof leaves out: its hash is root1.
        path = chain([root1], path)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = next(path)
    if not _is_hash(fr):
        return None
    for c in path:
        if sn == 0 or not _is_hash(c):
            return None
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return (fr, sr) if sn == 0 else None
