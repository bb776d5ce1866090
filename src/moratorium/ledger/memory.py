"""An in-memory ``Log``: the reference implementation the SQL log shares its test suite with."""

from __future__ import annotations

from collections.abc import Sequence

from moratorium.errors import InputError
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.log import EntryVerifier

__all__ = ["MemoryLog"]


class MemoryLog:
    """Entries in a Python list; ``verifier`` (if given) vets each entry before it is appended."""

    def __init__(self, verifier: EntryVerifier | None = None) -> None:
        self._entries: list[SignedEntry] = []
        self._verifier = verifier

    @property
    def size(self) -> int:
        return len(self._entries)

    def append(self, entry: SignedEntry) -> int:
        if self._verifier is not None:
            self._verifier(entry)
        self._entries.append(entry)
        return len(self._entries) - 1

    def entries(self, start: int = 0, stop: int | None = None) -> Sequence[SignedEntry]:
        stop = self.size if stop is None else stop
        if not 0 <= start <= stop <= self.size:
            raise InputError(f"range [{start}, {stop}) is outside the log of size {self.size}")
        return tuple(self._entries[start:stop])
