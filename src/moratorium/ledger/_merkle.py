"""Merkle methods shared by every log: roots and proofs at any past size, read from perfect-subtree nodes."""

from __future__ import annotations

from moratorium.errors import InputError
from moratorium.ledger import rfc6962

__all__ = ["MerkleMethods", "entry_message"]

_SIG_KEY = b',"signature":"'


def entry_message(leaf: bytes) -> bytes:
    """The canonical entry inside canonical leaf bytes ``{"entry":E,"signature":"S"}``, i.e. ``E``.

    RFC 8785 sorts ``entry`` before ``signature`` and serialises nested objects canonically, so the bytes the
    author signed (after the context string) are a slice of the leaf: no second canonicalisation is needed.
    """
    if not leaf.startswith(b'{"entry":') or not leaf.endswith(b'"}'):
        raise ValueError("not a canonical signed entry")
    return leaf[9 : leaf.rindex(_SIG_KEY)]


class MerkleMethods:
    """Mixin: ``root_hash``, ``inclusion_proof`` and ``consistency_proof`` over ``_node`` and ``size``."""

    @property
    def size(self) -> int:
        raise NotImplementedError

    def _node(self, level: int, index: int) -> bytes:
        raise NotImplementedError

    def _check_size(self, size: int | None) -> int:
        current = self.size
        size = current if size is None else size
        if not 0 <= size <= current:
            raise InputError(f"tree size {size} is outside 0..{current}", field="size")
        return size

    def root_hash(self, size: int | None = None) -> bytes:
        """``MTH`` of the first ``size`` entries (default: all), RFC 9162 §2.1.1."""
        return rfc6962.root_from(self._check_size(size), self._node)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Inclusion proof of entry ``index`` in the tree of ``size`` entries (RFC 9162 §2.1.3.1)."""
        return rfc6962.inclusion_proof_from(index, self._check_size(size), self._node)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """Consistency proof from ``size1`` to ``size2`` entries (RFC 9162 §2.1.4.1), ``0 < size1``."""
        return rfc6962.consistency_proof_from(size1, self._check_size(size2), self._node)
