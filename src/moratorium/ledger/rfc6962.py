"""RFC 9162 Merkle tree hashing, proof generation and proof verification.

Hashing is RFC 9162 §2.1.1 (SHA-256, ``0x00`` prefix for leaves, ``0x01`` for interior nodes, the empty
tree hashes to SHA-256 of the empty string). Proof generation follows the ``PATH`` and ``SUBPROOF`` recursions
of §2.1.3.1 and §2.1.4.1; verification follows the algorithms of §2.1.3.2 and §2.1.4.2 as the
transparency-dev/merkle reference verifier implements them, including its edge cases: a leaf hash of the
wrong length is an error, and so is a consistency proof from the empty tree.

Verification is compute-then-compare: ``root_from_inclusion_proof`` returns the root a proof implies and
``verify_inclusion`` compares it with the expected root, raising ``VerificationError`` that names both.

Proof generation is written against a *node reader* ``node(level, index)`` that returns the hash of the
perfect subtree covering leaves ``[index * 2**level, (index + 1) * 2**level)``; a persistent log stores those
nodes and so answers any proof with at most ``2 * log2(n)`` reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from moratorium.errors import InputError, VerificationError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "NodeReader",
    "consistency_proof",
    "consistency_proof_from",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "inclusion_proof_from",
    "perfect_levels",
    "root_from",
    "root_from_inclusion_proof",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeReader = Callable[[int, int], bytes]
"""``node(level, index)``: hash of the perfect subtree of ``2**level`` leaves from ``index * 2**level``."""


def hash_leaf(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``, the leaf hash of RFC 9162 §2.1.1."""
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``, the interior node hash of RFC 9162 §2.1.1."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def perfect_levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every perfect subtree hash of a tree: ``levels[l][i]`` is the node ``(l, i)``."""
    levels = [list(leaf_hashes)]
    sha256 = hashlib.sha256
    while len(levels[-1]) >= 2:
        below = levels[-1]
        # hash_children inlined (the audit hashes about one interior node per entry); an odd last node waits
        pairs = zip(below[::2], below[1::2], strict=False)
        levels.append([sha256(b"\x01" + left + right).digest() for left, right in pairs])
    return levels


def _reader(leaves: Sequence[bytes]) -> NodeReader:
    levels = perfect_levels([hash_leaf(d) for d in leaves])
    return lambda level, index: levels[level][index]


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """``MTH(D[n])`` of RFC 9162 §2.1.1 over the leaf *data* (not leaf hashes)."""
    return root_from(len(leaves), _reader(leaves))


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int | None = None) -> list[bytes]:
    """``PATH(index, D[size])`` of RFC 9162 §2.1.3.1 over the first ``size`` leaves (default: all)."""
    size = len(leaves) if size is None else size
    if size > len(leaves):
        raise InputError(f"size {size} exceeds the {len(leaves)} leaves given")
    return inclusion_proof_from(index, size, _reader(leaves[:size]))


def consistency_proof(leaves: Sequence[bytes], size1: int, size2: int | None = None) -> list[bytes]:
    """``PROOF(size1, D[size2])`` of RFC 9162 §2.1.4.1 (``size2`` defaults to all leaves)."""
    size2 = len(leaves) if size2 is None else size2
    if size2 > len(leaves):
        raise InputError(f"size {size2} exceeds the {len(leaves)} leaves given")
    return consistency_proof_from(size1, size2, _reader(leaves[:size2]))


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``), RFC 9162 §2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)


def _range_hash(start: int, end: int, node: NodeReader) -> bytes:
    """``MTH(D[start:end])`` where ``start`` is a multiple of the largest power of two <= ``end - start``.

    Such a range (every range the RFC recursions visit) is a run of perfect subtrees of decreasing size, one
    per set bit of ``end - start``; they are read once each and folded right to left.
    """
    parts: list[bytes] = []
    pos = start
    for level in range((end - start).bit_length() - 1, -1, -1):
        if (end - start) >> level & 1:
            parts.append(node(level, pos >> level))
            pos += 1 << level
    acc = parts[-1]
    for left in reversed(parts[:-1]):
        acc = hash_children(left, acc)
    return acc


def root_from(size: int, node: NodeReader) -> bytes:
    """The root hash of the first ``size`` leaves from perfect subtree nodes (``popcount(size)`` reads)."""
    if size < 0:
        raise InputError(f"tree size must not be negative, got {size}")
    return EMPTY_ROOT if size == 0 else _range_hash(0, size, node)


def inclusion_proof_from(index: int, size: int, node: NodeReader) -> list[bytes]:
    """``PATH(index, D[size])`` of RFC 9162 §2.1.3.1 read from perfect subtree nodes."""
    if not 0 <= index < size:
        raise InputError(f"leaf index {index} is outside a tree of size {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            proof.append(_range_hash(start + k, end, node))
            end = start + k
        else:
            proof.append(_range_hash(start, start + k, node))
            start += k
    proof.reverse()
    return proof


def consistency_proof_from(size1: int, size2: int, node: NodeReader) -> list[bytes]:
    """``PROOF(size1, D[size2])`` of RFC 9162 §2.1.4.1 read from perfect subtree nodes.

    ``0 < size1 <= size2`` as in the RFC: a proof from the empty tree proves nothing and is refused.
    """
    if not 0 < size1 <= size2:
        raise InputError(f"a consistency proof needs 0 < size1 <= size2, got size1={size1}, size2={size2}")
    proof: list[bytes] = []
    start, end, m, complete = 0, size2, size1, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(_range_hash(start + k, end, node))
            end = start + k
        else:
            proof.append(_range_hash(start, start + k, node))
            start += k
            m -= k
            complete = False
    if not complete:
        proof.append(_range_hash(start, end, node))
    proof.reverse()
    return proof


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise VerificationError(f"{what} has {len(value)} bytes, expected {HASH_SIZE}")


def _decomp_inclusion(index: int, size: int) -> tuple[int, int]:
    """Split an inclusion proof's length into its inner part and its border part (transparency-dev/merkle)."""
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = hash_children(seed, h) if (index >> i) & 1 == 0 else hash_children(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1:
            seed = hash_children(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for h in proof:
        seed = hash_children(h, seed)
    return seed


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for ``leaf_hash`` at ``index`` in a tree of ``size``.

    RFC 9162 §2.1.3.2. Raises ``VerificationError`` if the index is outside the tree, a hash has the wrong
    length, or the proof has the wrong number of elements.
    """
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is beyond tree size {size}")
    _check_hash(leaf_hash, "leaf hash")
    for i, h in enumerate(proof):
        _check_hash(h, f"proof[{i}]")
    inner, border = _decomp_inclusion(index, size)
    if len(proof) != inner + border:
        raise VerificationError(f"inclusion proof has {len(proof)} hashes, expected {inner + border}")
    res = _chain_inner(leaf_hash, proof[:inner], index)
    return _chain_border_right(res, proof[inner:])


def _match(expected: bytes, calculated: bytes, what: str) -> None:
    if expected != calculated:
        raise VerificationError(f"{what} mismatch: expected {expected.hex()}, calculated {calculated.hex()}")


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Return None if ``proof`` shows ``leaf_hash`` at ``index`` in the tree of ``size`` with ``root``.

    Raises ``VerificationError`` naming the expected and the calculated root otherwise (RFC 9162 §2.1.3.2).
    """
    _match(root, root_from_inclusion_proof(leaf_hash, index, size, proof), "root")


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """Return None if ``proof`` shows the tree ``(size2, root2)`` extends ``(size1, root1)``.

    RFC 9162 §2.1.4.2. Raises ``VerificationError`` naming the expected and calculated roots otherwise. As in
    the reference verifier, a proof from the empty tree is refused (it proves nothing), as is size1 > size2.
    """
    if size2 < size1:
        raise VerificationError(f"size2 ({size2}) < size1 ({size1})")
    if size1 == 0:
        raise VerificationError("consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise VerificationError(f"size1 = size2 = {size1} but the proof has {len(proof)} hashes, not 0")
        _match(root1, root2, "root")
        return
    if not proof:
        raise VerificationError("empty consistency proof")
    for i, h in enumerate(proof):
        _check_hash(h, f"proof[{i}]")
    inner, border = _decomp_inclusion(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1
    inner -= shift
    # The proof starts with the hash of the perfect subtree of 2**shift leaves ending at size1, unless size1
    # itself is that power of two, whose root root1 already is.
    if size1 == 1 << shift:
        seed, rest = root1, list(proof)
    else:
        seed, rest = proof[0], list(proof[1:])
    if len(rest) != inner + border:
        expected = inner + border + len(proof) - len(rest)
        raise VerificationError(f"consistency proof has {len(proof)} hashes, expected {expected}")
    mask = (size1 - 1) >> shift
    hash1 = _chain_border_right(_chain_inner_right(seed, rest[:inner], mask), rest[inner:])
    _match(root1, hash1, "root1")
    hash2 = _chain_border_right(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    _match(root2, hash2, "root2")
