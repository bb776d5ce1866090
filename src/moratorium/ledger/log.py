"""The append-only log interface that every part of moratorium writes to and replays from.

``Log`` is the seam of ``DESIGN.md``: ``append(entry) -> seq``, ``entries(start, stop)``, ``size``. The ledger
adds Merkle roots, checkpoints and proofs on top (``moratorium.ledger.memory``/``moratorium.ledger.sqllog``).
Sequence numbers start at 0 and equal the Merkle leaf index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from moratorium.ledger.entry import SignedEntry

__all__ = ["EntryVerifier", "Log"]

EntryVerifier = Callable[[SignedEntry], None]
"""Called on every entry before it is appended; raises to refuse it (e.g. a bad signature)."""


@runtime_checkable
class Log(Protocol):
    """An append-only sequence of signed entries."""

    @property
    def size(self) -> int:
        """Number of entries (the tree size)."""
        ...

    def append(self, entry: SignedEntry) -> int:
        """Verify and append ``entry``; return its sequence number once it is durable."""
        ...

    def entries(self, start: int = 0, stop: int | None = None) -> Sequence[SignedEntry]:
        """Entries ``start <= seq < stop`` (``stop`` defaults to the size)."""
        ...
