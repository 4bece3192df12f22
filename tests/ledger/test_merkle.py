"""RFC 9162 Merkle trees: reference vectors, the RFC's own definitions, tampering, sigstore.

Reference vectors are the RFC 6962 test tree that Certificate Transparency implementations
share (transparency-dev/merkle testonly constants, as used by trillian's log verifier tests):
its eight leaf inputs, the hash of every complete subtree, the root at every size, and its
inclusion and consistency proofs. The proofs are spelled through the node table, NODE[level]
[index] being the complete subtree of 2^level leaves starting at index·2^level.
"""

from __future__ import annotations

import doctest
from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pigdata.ledger import merkle
from pigdata.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    SubtreeHashes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_hash,
    root,
    root_from_inclusion,
    subtree_from_leaves,
    verify_consistency,
    verify_inclusion,
)

from tests.independent import sigstore_verifies
from tests.strategies import hash_bits as bits
from tests.strategies import salts
from tests.strategies import tree_sizes as sizes

INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
NODE = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
# (index, size, proof as (level, index) nodes); trillian numbers leaves from 1, these from 0.
INCLUSION_VECTORS = [
    (0, 1, []),
    (0, 8, [(0, 1), (1, 1), (2, 1)]),
    (5, 8, [(0, 4), (1, 3), (2, 0)]),
    (2, 3, [(1, 0)]),
    (1, 5, [(0, 0), (1, 1), (0, 4)]),
]
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (1, 8, [(0, 1), (1, 1), (2, 1)]),
    (6, 8, [(1, 2), (1, 3), (2, 0)]),
    (2, 5, [(1, 1), (0, 4)]),
    (6, 7, [(1, 2), (0, 6), (2, 0)]),
]
LEAVES = [leaf_hash(data) for data in INPUTS]


def node(level: int, index: int) -> bytes:
    return bytes.fromhex(NODE[level][index])


def memo_subtree(leaves: Sequence[bytes]) -> SubtreeHashes:
    # Hypothesis tests ask for every index of a tree; each range is then hashed only once.
    return cache(subtree_from_leaves(leaves))


def complete_from_leaves(
    leaves: Sequence[bytes], calls: list[tuple[int, int]]
) -> merkle.CompleteHashes:
    """A `complete(level, index)` over a list, recording the calls and refusing partial ones."""

    def complete(level: int, index: int) -> bytes:
        start, end = index << level, (index + 1) << level
        assert end <= len(leaves), f"({level}, {index}) is not a complete subtree"
        calls.append((level, index))
        return root(leaves[start:end])

    return complete


def leaves_of(size: int, salt: bytes = b"") -> list[bytes]:
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(size)]


def flip(data: bytes, bit: int) -> bytes:
    """Flip one bit (bit modulo the data's length in bits)."""
    bit %= len(data) * 8
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- The RFC's definitions, transcribed recursively as a second, independent reading -------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def rfc_mth(d: Sequence[bytes]) -> bytes:
    if not d:
        return EMPTY_ROOT
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(rfc_mth(d[:k]), rfc_mth(d[k:]))


def rfc_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*rfc_path(m, d[:k]), rfc_mth(d[k:])]
    return [*rfc_path(m - k, d[k:]), rfc_mth(d[:k])]


def rfc_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [rfc_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*rfc_subproof(m, d[:k], b), rfc_mth(d[k:])]
    return [*rfc_subproof(m - k, d[k:], False), rfc_mth(d[:k])]


def rfc_stack_root(d: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.2's stack-based construction (appending one leaf at a time)."""
    stack: list[bytes] = []
    for i, h in enumerate(d):
        stack.append(h)
        merges = 0
        while (i >> merges) & 1:
            merges += 1
        for _ in range(merges):
            right, left = stack.pop(), stack.pop()
            stack.append(node_hash(left, right))
    while len(stack) > 1:
        right, left = stack.pop(), stack.pop()
        stack.append(node_hash(left, right))
    return stack[0] if stack else EMPTY_ROOT


# --- Known vectors --------------------------------------------------------------------------


def test_leaf_and_node_hashes_match_the_reference_table() -> None:
    assert [h.hex() for h in LEAVES] == NODE[0]
    subtree = subtree_from_leaves(LEAVES)
    for level, row in enumerate(NODE):
        for index, expected in enumerate(row):
            assert subtree(index << level, (index + 1) << level).hex() == expected


@pytest.mark.parametrize("size", range(9))
def test_reference_roots(size: int) -> None:
    assert root(LEAVES[:size]).hex() == ROOTS[size]


def test_empty_tree_is_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert len(EMPTY_ROOT) == HASH_SIZE


@pytest.mark.parametrize(("index", "size", "nodes"), INCLUSION_VECTORS)
def test_reference_inclusion_proofs(index: int, size: int, nodes: list[tuple[int, int]]) -> None:
    expected = [node(*n) for n in nodes]
    assert inclusion_proof(index, size, subtree_from_leaves(LEAVES[:size])) == expected
    head = bytes.fromhex(ROOTS[size])
    assert verify_inclusion(LEAVES[index], index, size, expected, head)
    assert root_from_inclusion(LEAVES[index], index, size, expected) == head


@pytest.mark.parametrize(("size1", "size2", "nodes"), CONSISTENCY_VECTORS)
def test_reference_consistency_proofs(size1: int, size2: int, nodes: list[tuple[int, int]]) -> None:
    expected = [node(*n) for n in nodes]
    assert consistency_proof(size1, size2, subtree_from_leaves(LEAVES[:size2])) == expected
    root1, root2 = bytes.fromhex(ROOTS[size1]), bytes.fromhex(ROOTS[size2])
    assert verify_consistency(size1, size2, expected, root1, root2)


def test_rfc_9162_seven_leaf_example() -> None:
    # RFC 9162 2.1.5: leaves d0..d6 are a..f and j; g, h, i are level-1 nodes, k = MTH(d0..d3),
    # l = MTH(d4..d6).
    d = leaves_of(7, b"rfc")
    sub = subtree_from_leaves(d)
    _a, b, c, dd, _e, f, j = d
    g, h, i = sub(0, 2), sub(2, 4), sub(4, 6)
    k, ll = sub(0, 4), sub(4, 7)
    assert root(d) == node_hash(k, ll)
    assert inclusion_proof(0, 7, sub) == [b, h, ll]
    assert inclusion_proof(3, 7, sub) == [c, g, ll]
    assert inclusion_proof(4, 7, sub) == [f, j, k]
    assert inclusion_proof(6, 7, sub) == [i, k]
    assert consistency_proof(3, 7, sub) == [c, dd, g, ll]
    assert consistency_proof(4, 7, sub) == [ll]
    assert consistency_proof(6, 7, sub) == [i, j, k]
    assert root(d[:3]) == node_hash(g, c)
    assert root(d[:6]) == node_hash(k, i)


def test_module_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(merkle, raise_on_error=False, verbose=False)
    assert tried > 0
    assert failures == 0


# --- Against the RFC's recursive definitions, exhaustively for small trees -----------------


def test_root_matches_the_rfc_definitions() -> None:
    d = leaves_of(300, b"mth")
    for n in range(301):
        expected = rfc_mth(d[:n])
        assert root(d[:n]) == expected
        assert rfc_stack_root(d[:n]) == expected


def test_proofs_match_the_rfc_definitions() -> None:
    d = leaves_of(64, b"proofs")
    for n in range(1, 65):
        sub = memo_subtree(d[:n])
        for m in range(n):
            assert inclusion_proof(m, n, sub) == rfc_path(m, d[:n])
        for m in range(1, n + 1):
            assert consistency_proof(m, n, sub) == rfc_subproof(m, d[:n], True)


# --- Which ranges the proof builders ask for, and range_hash --------------------------------


def allowed_range(start: int, end: int, size: int) -> bool:
    """A complete aligned subtree inside the tree, or a right-edge range [k·2^h, size)."""
    width = end - start
    if width <= 0 or end > size:
        return False
    complete = width & (width - 1) == 0 and start % width == 0
    right_edge = end == size and start % (1 << (width - 1).bit_length()) == 0
    return complete or right_edge


def recording(leaves: Sequence[bytes], calls: list[tuple[int, int]]) -> SubtreeHashes:
    inner = subtree_from_leaves(leaves)

    def subtree(start: int, end: int) -> bytes:
        calls.append((start, end))
        return inner(start, end)

    return subtree


def test_proofs_ask_only_for_complete_or_right_edge_ranges() -> None:
    d = leaves_of(130, b"ranges")
    for n in range(1, 131):
        for m in range(n):
            calls: list[tuple[int, int]] = []
            proof = inclusion_proof(m, n, recording(d[:n], calls))
            assert len(calls) == len(proof)
            assert all(allowed_range(s, e, n) for s, e in calls), (m, n, calls)
        for m in range(1, n + 1):
            calls = []
            proof = consistency_proof(m, n, recording(d[:n], calls))
            assert len(calls) == len(proof)
            assert all(allowed_range(s, e, n) for s, e in calls), (m, n, calls)


def test_range_hash_builds_every_aligned_range_from_complete_subtrees() -> None:
    d = leaves_of(70, b"range_hash")
    for start in range(70):
        for end in range(start + 1, 71):
            if start % (1 << (end - start - 1).bit_length()):
                continue
            calls: list[tuple[int, int]] = []
            assert range_hash(start, end, complete_from_leaves(d, calls)) == root(d[start:end])
            assert len(calls) == (end - start).bit_count()


def test_proofs_from_range_hash_equal_proofs_from_leaves() -> None:
    # What the storage layer does: answer each asked range from complete subtrees only.
    d = leaves_of(100, b"stored")
    for n in (1, 2, 3, 7, 8, 9, 31, 64, 65, 99, 100):
        calls: list[tuple[int, int]] = []
        complete = complete_from_leaves(d[:n], calls)

        def stored(start: int, end: int, complete: merkle.CompleteHashes = complete) -> bytes:
            return range_hash(start, end, complete)

        assert range_hash(0, n, complete) == root(d[:n])
        for m in range(n):
            assert inclusion_proof(m, n, stored) == inclusion_proof(
                m, n, subtree_from_leaves(d[:n])
            )
        for m in range(1, n + 1):
            assert consistency_proof(m, n, stored) == rfc_subproof(m, d[:n], True)


def test_range_hash_refuses_misaligned_or_reversed_ranges() -> None:
    complete = complete_from_leaves(leaves_of(16), [])
    assert range_hash(5, 5, complete) == EMPTY_ROOT
    for start, end in [(1, 3), (2, 5), (4, 9), (3, 2), (-1, 1)]:
        with pytest.raises(ValueError):
            range_hash(start, end, complete)


def test_builders_refuse_impossible_requests() -> None:
    sub = subtree_from_leaves(leaves_of(4))
    for index, size in [(-1, 4), (4, 4), (0, 0)]:
        with pytest.raises(ValueError):
            inclusion_proof(index, size, sub)
    for size1, size2 in [(0, 4), (-1, 4), (5, 4)]:
        with pytest.raises(ValueError):
            consistency_proof(size1, size2, sub)
    assert consistency_proof(4, 4, sub) == []
    with pytest.raises(ValueError):
        sub(0, 5)


def test_root_of_100000_leaves_is_iterative_and_quick() -> None:
    # A sanity run, not a benchmark (no timing assert): a recursive or quadratic root would
    # show here as a RecursionError or a stalled test.
    d = leaves_of(100_000)
    head = root(d)
    calls: list[tuple[int, int]] = []
    assert range_hash(0, 100_000, complete_from_leaves(d, calls)) == head
    assert len(calls) == (100_000).bit_count()


# --- Random trees: proofs verify, and any tampering is refused --------------------------------


@settings(max_examples=60, deadline=None)
@given(sizes, salts)
def test_every_inclusion_proof_verifies(size: int, salt: bytes) -> None:
    d = leaves_of(size, salt)
    head, sub = root(d), memo_subtree(d)
    for index in range(size):
        proof = inclusion_proof(index, size, sub)
        assert verify_inclusion(d[index], index, size, proof, head)


@settings(max_examples=60, deadline=None)
@given(st.data(), sizes, salts)
def test_consistency_proofs_verify(data: st.DataObject, size2: int, salt: bytes) -> None:
    d = leaves_of(size2, salt)
    sub = memo_subtree(d)
    for size1 in {1, size2, *data.draw(st.lists(st.integers(1, size2), max_size=20))}:
        proof = consistency_proof(size1, size2, sub)
        assert verify_consistency(size1, size2, proof, root(d[:size1]), root(d))


InclusionArgs = tuple[bytes, int, int, list[bytes], bytes]
ConsistencyArgs = tuple[int, int, list[bytes], bytes, bytes]


def proof_mutations(proof: list[bytes], bit: int, extra: bytes) -> dict[str, list[bytes]]:
    """Every single change to a proof's elements: a flipped bit, one more, one fewer."""
    cases = {"extended": [*proof, extra], "prefixed": [extra, *proof]}
    for i in range(len(proof)):
        cases[f"proof[{i}] bit"] = [*proof[:i], flip(proof[i], bit), *proof[i + 1 :]]
    if proof:
        cases["truncated"] = proof[:-1]
        cases["first dropped"] = proof[1:]
    return cases


def inclusion_mutations(good: InclusionArgs, bit: int, extra: bytes) -> dict[str, InclusionArgs]:
    """Every single change that must make a good inclusion proof fail (against the same root)."""
    leaf, index, size, proof, head = good
    cases: dict[str, InclusionArgs] = {
        "leaf bit": (flip(leaf, bit), index, size, proof, head),
        "root bit": (leaf, index, size, proof, flip(head, bit)),
        "index - 1": (leaf, index - 1, size, proof, head),
        "index + 1": (leaf, index + 1, size, proof, head),
    }
    for desc, bad in proof_mutations(proof, bit, extra).items():
        cases[desc] = (leaf, index, size, bad, head)
    return cases


@settings(max_examples=150, deadline=None)
@given(st.data(), sizes, salts, bits, st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE))
def test_tampered_inclusion_proofs_fail(
    data: st.DataObject, size: int, salt: bytes, bit: int, extra: bytes
) -> None:
    d = leaves_of(size + 1, salt)  # one more leaf, for the honest root of size + 1
    index = data.draw(st.integers(0, size - 1))
    head, sub = root(d[:size]), subtree_from_leaves(d[:size])
    proof = inclusion_proof(index, size, sub)
    assert verify_inclusion(d[index], index, size, proof, head)
    good = (d[index], index, size, proof, head)
    for desc, case in inclusion_mutations(good, bit, extra).items():
        assert not verify_inclusion(*case), desc
    # A changed size is checked against that size's honest root: a proof binds the size only
    # through the root (see test_inclusion_binds_the_size_through_the_root).
    for other in (size - 1, size + 1):
        if index < other:
            assert not verify_inclusion(d[index], index, other, proof, root(d[:other])), other


def consistency_mutations(
    good: ConsistencyArgs, bit: int, extra: bytes
) -> dict[str, ConsistencyArgs]:
    """Every single change that must make a good consistency proof fail (same roots)."""
    size1, size2, proof, root1, root2 = good
    cases: dict[str, ConsistencyArgs] = {
        "root1 bit": (size1, size2, proof, flip(root1, bit), root2),
        "root2 bit": (size1, size2, proof, root1, flip(root2, bit)),
        "size1 - 1": (size1 - 1, size2, proof, root1, root2),
        "size1 + 1": (size1 + 1, size2, proof, root1, root2),
    }
    for desc, bad in proof_mutations(proof, bit, extra).items():
        cases[desc] = (size1, size2, bad, root1, root2)
    return cases


@settings(max_examples=150, deadline=None)
@given(st.data(), sizes, salts, bits, st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE))
def test_tampered_consistency_proofs_fail(
    data: st.DataObject, size2: int, salt: bytes, bit: int, extra: bytes
) -> None:
    d = leaves_of(size2 + 1, salt)
    size1 = data.draw(st.integers(1, size2))
    root1, root2 = root(d[:size1]), root(d[:size2])
    proof = consistency_proof(size1, size2, subtree_from_leaves(d[:size2]))
    assert verify_consistency(size1, size2, proof, root1, root2)
    good = (size1, size2, proof, root1, root2)
    for desc, case in consistency_mutations(good, bit, extra).items():
        assert not verify_consistency(*case), desc
    # Changed sizes are checked against their honest roots, as for inclusion. Equal sizes
    # share the empty proof, so (size1 - 1, size2 - 1) is only a change when size1 < size2.
    changed = [(size1, size2 - 1), (size1, size2 + 1)]
    if size1 < size2:
        changed.append((size1 - 1, size2 - 1))
    for other1, other2 in changed:
        if 0 < other1 <= other2:
            honest1, honest2 = root(d[:other1]), root(d[:other2])
            assert not verify_consistency(other1, other2, proof, honest1, honest2), other1


def test_inclusion_binds_the_size_through_the_root() -> None:
    # Leaf 0's proof in a tree of 3 also computes root(3) when read as a proof in a tree of 4:
    # both paths go left twice. So a verifier must take the size and the root from one signed
    # tree head, as RFC 9162 clients do; a changed size against its honest root fails.
    d = leaves_of(4)
    proof = inclusion_proof(0, 3, subtree_from_leaves(d[:3]))
    assert verify_inclusion(d[0], 0, 4, proof, root(d[:3]))
    assert not verify_inclusion(d[0], 0, 4, proof, root(d))


# --- Malformed input: False, never an exception ---------------------------------------------


def good_inclusion() -> tuple[bytes, int, int, list[bytes], bytes]:
    d = leaves_of(11, b"malformed")
    return d[6], 6, 11, inclusion_proof(6, 11, subtree_from_leaves(d)), root(d)


def good_consistency() -> tuple[int, int, list[bytes], bytes, bytes]:
    d = leaves_of(11, b"malformed")
    return 5, 11, consistency_proof(5, 11, subtree_from_leaves(d)), root(d[:5]), root(d)


BAD_HASHES: list[Any] = [b"", b"\x00" * 31, b"\x00" * 33, "x" * 32, None, 7, bytearray(32)]
BAD_COUNTS: list[Any] = [-1, -(2**70), 1.0, "3", None, True]


def test_good_fixtures_verify() -> None:
    assert verify_inclusion(*good_inclusion())
    assert verify_consistency(*good_consistency())


@pytest.mark.parametrize("bad", BAD_HASHES)
def test_inclusion_refuses_malformed_hashes(bad: Any) -> None:
    leaf, index, size, proof, head = good_inclusion()
    assert not verify_inclusion(bad, index, size, proof, head)
    assert not verify_inclusion(leaf, index, size, proof, bad)
    assert not verify_inclusion(leaf, index, size, [bad, *proof[1:]], head)
    assert not verify_inclusion(leaf, index, size, [*proof[:-1], bad], head)
    assert root_from_inclusion(bad, index, size, proof) is None


@pytest.mark.parametrize("bad", BAD_COUNTS)
def test_inclusion_refuses_malformed_numbers(bad: Any) -> None:
    leaf, index, size, proof, head = good_inclusion()
    assert not verify_inclusion(leaf, bad, size, proof, head)
    assert not verify_inclusion(leaf, index, bad, proof, head)


def test_inclusion_refuses_impossible_positions() -> None:
    leaf, index, size, proof, head = good_inclusion()
    assert not verify_inclusion(leaf, size, size, proof, head)
    assert not verify_inclusion(leaf, size + 5, size, proof, head)
    assert not verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(leaf, index, size, [], head)
    assert not verify_inclusion(leaf, index, size, [*proof, *proof], head)
    assert not verify_inclusion(leaf, index, size, proof * 10_000, head)
    # A one-leaf tree's root is its leaf hash and its proof is empty, nothing more.
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [leaf], leaf)


@pytest.mark.parametrize("bad", BAD_HASHES)
def test_consistency_refuses_malformed_hashes(bad: Any) -> None:
    size1, size2, proof, root1, root2 = good_consistency()
    assert not verify_consistency(size1, size2, proof, bad, root2)
    assert not verify_consistency(size1, size2, proof, root1, bad)
    assert not verify_consistency(size1, size2, [bad, *proof[1:]], root1, root2)
    assert not verify_consistency(size1, size2, [*proof[:-1], bad], root1, root2)
    assert not verify_consistency(size1, size1, [], bad, bad)


def test_consistency_refuses_a_malformed_first_element_after_a_power_of_two() -> None:
    # With size1 a power of two the verifier starts from root1, so the first proof element is
    # consumed in the loop rather than as the seed: it must be checked there too.
    d = leaves_of(11)
    proof = consistency_proof(4, 11, subtree_from_leaves(d))
    assert verify_consistency(4, 11, proof, root(d[:4]), root(d))
    for bad in BAD_HASHES:
        assert not verify_consistency(4, 11, [bad, *proof[1:]], root(d[:4]), root(d))


@pytest.mark.parametrize("bad", BAD_COUNTS)
def test_consistency_refuses_malformed_numbers(bad: Any) -> None:
    size1, size2, proof, root1, root2 = good_consistency()
    assert not verify_consistency(bad, size2, proof, root1, root2)
    assert not verify_consistency(size1, bad, proof, root1, root2)


def test_consistency_refuses_impossible_sizes() -> None:
    size1, size2, proof, root1, root2 = good_consistency()
    # size1 of 0: RFC 9162 defines proofs for 0 < size1 only, and we refuse rather than
    # accept anything as trillian does.
    assert not verify_consistency(0, size2, proof, EMPTY_ROOT, root2)
    assert not verify_consistency(0, size2, [], EMPTY_ROOT, root2)
    assert not verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    assert not verify_consistency(size2, size1, proof, root2, root1)
    assert not verify_consistency(size1, size2, [], root1, root2)
    assert not verify_consistency(size1, size2, proof * 10_000, root1, root2)


def test_equal_sizes_need_an_empty_proof_and_equal_roots() -> None:
    _, size2, proof, _, root2 = good_consistency()
    assert verify_consistency(size2, size2, [], root2, root2)
    assert not verify_consistency(size2, size2, [root2], root2, root2)
    assert not verify_consistency(size2, size2, proof, root2, root2)
    assert not verify_consistency(size2, size2, [], root2, flip(root2, 0))


def test_verifiers_accept_any_sequence() -> None:
    leaf, index, size, proof, head = good_inclusion()
    assert verify_inclusion(leaf, index, size, tuple(proof), head)
    size1, size2, cproof, root1, root2 = good_consistency()
    assert verify_consistency(size1, size2, tuple(cproof), root1, root2)


# --- An independent verifier: sigstore's RFC 6962 inclusion check --------------------------


def test_sigstore_agrees_on_the_reference_tree() -> None:
    for size in range(1, 9):
        head = root(LEAVES[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, subtree_from_leaves(LEAVES[:size]))
            assert sigstore_verifies(INPUTS[index], index, size, proof, head)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=24), min_size=1, max_size=300), st.data(), bits)
def test_sigstore_verifies_our_inclusion_proofs(
    entries: list[bytes], data: st.DataObject, bit: int
) -> None:
    d = [leaf_hash(e) for e in entries]
    size, head, sub = len(d), root(d), memo_subtree(d)
    indexes = {0, size - 1, *data.draw(st.lists(st.integers(0, size - 1), max_size=10))}
    for index in indexes:
        proof = inclusion_proof(index, size, sub)
        assert sigstore_verifies(entries[index], index, size, proof, head)
        # The oracle is not vacuous: it refuses what ours refuses.
        assert not sigstore_verifies(entries[index], index, size, proof, flip(head, bit))
        if proof:
            bad = [flip(proof[0], bit), *proof[1:]]
            assert not sigstore_verifies(entries[index], index, size, bad, head)
