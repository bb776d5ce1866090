"""An in-memory ``Log``: the reference implementation the SQL log shares its test suite with.

Besides the spine's ``Log`` interface it has the ledger's Merkle methods (``root_hash``, ``inclusion_proof``,
``consistency_proof``), a keyring and checkpoint storage, keeping every perfect subtree hash in lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from moratorium.errors import ConflictError, InputError
from moratorium.ledger._merkle import MerkleMethods
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.log import EntryVerifier
from moratorium.ledger.rfc6962 import hash_leaf

__all__ = ["MemoryLog"]


class MemoryLog(MerkleMethods):
    """Entries in a Python list; ``verifier`` (if given) vets each entry before it is appended.

    An entry whose leaf bytes are already in the log is refused as a replay (``ConflictError``).
    """

    def __init__(self, verifier: EntryVerifier | None = None) -> None:
        self._entries: list[SignedEntry] = []
        self._verifier = verifier
        self._levels: list[list[bytes]] = [[]]
        self._range = CompactRange()
        self._seen: dict[bytes, int] = {}
        self._keys: dict[str, PublicKey] = {}
        self._checkpoints: dict[tuple[str, int, bytes], str] = {}
        self._cosigned: dict[tuple[str, str], str] = {}

    @property
    def size(self) -> int:
        return len(self._entries)

    def append(self, entry: SignedEntry) -> int:
        return self.append_many([entry])[0]

    def append_many(self, entries: Iterable[SignedEntry]) -> list[int]:
        """Append a batch, all or nothing; return the sequence numbers."""
        batch = list(entries)
        hashes = [hash_leaf(e.leaf_data()) for e in batch]
        for i, (entry, h) in enumerate(zip(batch, hashes, strict=True)):
            if self._verifier is not None:
                self._verifier(entry)
            if h in self._seen or h in hashes[:i]:
                where = self._seen.get(h, "in this batch")
                raise ConflictError(f"replayed entry: identical to entry {where}")
        seqs = []
        for entry, h in zip(batch, hashes, strict=True):
            seq = len(self._entries)
            self._entries.append(entry)
            self._seen[h] = seq
            self._levels[0].append(h)
            for level, _index, node in self._range.append(h):
                if level == len(self._levels):
                    self._levels.append([])
                self._levels[level].append(node)
            seqs.append(seq)
        return seqs

    def entries(self, start: int = 0, stop: int | None = None) -> Sequence[SignedEntry]:
        stop = self.size if stop is None else stop
        if not 0 <= start <= stop <= self.size:
            raise InputError(f"range [{start}, {stop}) is outside the log of size {self.size}")
        return tuple(self._entries[start:stop])

    def _node(self, level: int, index: int) -> bytes:
        return self._levels[level][index]

    def register_key(self, key: PublicKey) -> None:
        """Keep ``key`` as its party's key; a different key for a known party is a ``ConflictError``."""
        known = self._keys.get(key.party)
        if known is not None and known != key:
            raise ConflictError(f"party {key.party!r} already has a different key in this log", field="party")
        self._keys[key.party] = key

    def keyring(self) -> dict[str, PublicKey]:
        return dict(self._keys)

    def save_checkpoint(self, origin: str, size: int, root: bytes, note: str) -> None:
        self._checkpoints[(origin, size, root)] = note

    def checkpoints(self, *, origin: str | None = None, size: int | None = None) -> list[str]:
        rows = sorted(self._checkpoints.items(), key=lambda kv: -kv[0][1])
        return [n for (o, s, _r), n in rows if origin in (None, o) and size in (None, s)]

    def cosigned_state(self, cosigner: str, origin: str) -> str | None:
        return self._cosigned.get((cosigner, origin))

    def set_cosigned_state(self, cosigner: str, origin: str, note: str) -> None:
        self._cosigned[(cosigner, origin)] = note

    def close(self) -> None:
        """Nothing to release (present so that code can treat every log alike)."""
