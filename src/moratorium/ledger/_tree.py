"""The right edge of a growing Merkle tree (a compact range), shared by the in-memory and the SQL log.

Appending leaf ``i`` completes one perfect subtree per trailing 1-bit of ``i`` (RFC 9162 §2.1.1 splits every
tree at the largest power of two, so the perfect subtrees are exactly the nodes that never change again). The
edge keeps the roots of the perfect subtrees that make up the current tree, largest first: ``popcount(size)``
hashes, from which the root is folded.
"""

from __future__ import annotations

from collections.abc import Sequence

from moratorium.ledger.rfc6962 import EMPTY_ROOT, NodeReader, hash_children

__all__ = ["CompactRange"]


class CompactRange:
    """Perfect-subtree roots covering leaves ``[0, size)``, largest first."""

    def __init__(self, size: int = 0, edge: Sequence[bytes] = ()) -> None:
        if len(edge) != bin(size).count("1"):
            raise ValueError(f"a tree of size {size} has {bin(size).count('1')} edge nodes, got {len(edge)}")
        self.size = size
        self.edge = list(edge)

    @classmethod
    def load(cls, size: int, node: NodeReader) -> CompactRange:
        """Read the edge of a stored tree: one node per set bit of ``size``."""
        edge: list[bytes] = []
        pos = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                edge.append(node(level, pos >> level))
                pos += 1 << level
        return cls(size, edge)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; return the ``(level, index, hash)`` of each perfect subtree it completes."""
        completed: list[tuple[int, int, bytes]] = []
        index, level, acc = self.size, 0, leaf_hash
        while index & 1:
            acc = hash_children(self.edge.pop(), acc)
            index >>= 1
            level += 1
            completed.append((level, index, acc))
        self.edge.append(acc)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.edge:
            return EMPTY_ROOT
        acc = self.edge[-1]
        for left in reversed(self.edge[:-1]):
            acc = hash_children(left, acc)
        return acc

    def copy(self) -> CompactRange:
        return CompactRange(self.size, self.edge)
