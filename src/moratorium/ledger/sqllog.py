"""The persistent append-only log: signed entries in a SQL store (``moratorium.store.logstore``).

It implements the spine's ``Log`` interface plus the ledger's Merkle methods. Every perfect subtree hash is
stored (RFC 9162 §2.1.1 nodes that never change once complete), so a root at any past size costs
``popcount(size)`` reads and an inclusion or consistency proof at most ``2 * log2(n)`` (``node_reads`` counts
them).

An append is verified, written in one transaction and committed durably before its sequence number is
returned. By default an entry must carry a valid signature by its author's key *as registered in this log*
(``register_key``), so the log file alone is enough to audit it; pass ``verifier=`` to replace that check.
An entry already present (same leaf bytes) is refused as a replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import ConflictError, InputError, VerificationError
from moratorium.ledger._merkle import MerkleMethods, entry_message
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.entry import ENTRY_SIGNING_CONTEXT, SignedEntry
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.log import EntryVerifier
from moratorium.ledger.rfc6962 import hash_leaf
from moratorium.store.logstore import LogStore

__all__ = ["SqlLog"]


class SqlLog(MerkleMethods):
    """A log in a SQLite file or a PostgreSQL database (``url``: a path or a SQLAlchemy URL)."""

    def __init__(self, url: str, *, verifier: EntryVerifier | None = None, create: bool = True) -> None:
        self._store = LogStore(url, create=create)
        self.url = self._store.url
        self._verifier = verifier
        self._keys: dict[str, PublicKey] = {}
        self._ed: dict[str, Ed25519PublicKey] = {}
        self._reload_keys()
        self._range = CompactRange.load(self._store.size(), self._store.node)

    # -- Log -------------------------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._range.size

    @property
    def node_reads(self) -> int:
        """Number of Merkle node reads so far (proof cost accounting)."""
        return self._store.node_reads

    def append(self, entry: SignedEntry) -> int:
        """Verify and append one entry; return its sequence number once committed."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Iterable[SignedEntry]) -> list[int]:
        """Verify and append a batch in one transaction (all or nothing); return the sequence numbers."""
        batch = list(entries)
        if not batch:
            return []
        leaves = [e.leaf_data() for e in batch]
        hashes = [hash_leaf(d) for d in leaves]
        for entry, leaf in zip(batch, leaves, strict=True):
            self._check(entry, leaf)
        if len(set(hashes)) != len(hashes):
            raise ConflictError("replayed entry: the batch holds the same entry twice")
        present = self._store.find_leaves(hashes)
        if present:
            raise ConflictError(f"replayed entry: identical to entry {min(present.values())}")
        work = self._range.copy()
        start = work.size
        nodes = [node for h in hashes for node in work.append(h)]
        try:
            self._store.append(list(zip(leaves, hashes, strict=True)), nodes, expected_size=start)
        except ConflictError:
            self._range = CompactRange.load(self._store.size(), self._store.node)
            raise
        self._range = work
        return list(range(start, start + len(batch)))

    def _check(self, entry: SignedEntry, leaf: bytes) -> None:
        if self._verifier is not None:
            self._verifier(entry)
            return
        author = entry.entry.author
        if author not in self._ed:
            self._reload_keys()
        key = self._ed.get(author)
        if key is None:
            raise VerificationError(f"no public key registered in this log for author {author!r}")
        try:
            key.verify(entry.signature, ENTRY_SIGNING_CONTEXT + entry_message(leaf))
        except InvalidSignature:
            raise VerificationError(
                f"bad signature: not made by {author}'s key {self._keys[author].key_id}"
            ) from None

    def entries(self, start: int = 0, stop: int | None = None) -> Sequence[SignedEntry]:
        """Entries ``start <= seq < stop``; ``VerificationError`` naming a corrupt stored entry."""
        stop = self.size if stop is None else stop
        if not 0 <= start <= stop <= self.size:
            raise InputError(f"range [{start}, {stop}) is outside the log of size {self.size}")
        out = []
        for seq, data, _h in self._store.iter_leaves(start, stop):
            try:
                out.append(SignedEntry.from_leaf_data(data))
            except VerificationError as exc:
                raise VerificationError(f"entry {seq}: {exc}") from exc
        return tuple(out)

    def iter_leaves(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes, bytes]]:
        """Raw ``(seq, leaf bytes, stored leaf hash)`` rows, for auditing."""
        return self._store.iter_leaves(start, self.size if stop is None else stop)

    def iter_nodes(self, level: int, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
        """Stored perfect-subtree hashes ``(index, hash)`` at ``level >= 1``, for auditing."""
        return self._store.iter_nodes(level, start, stop)

    def _node(self, level: int, index: int) -> bytes:
        return self._store.node(level, index)

    # -- keys, checkpoints, cosigner state -------------------------------------------------------------------

    def _reload_keys(self) -> None:
        self._keys = {p: PublicKey(party=p, raw=raw) for p, raw in self._store.keys().items()}
        self._ed = {p: Ed25519PublicKey.from_public_bytes(k.raw) for p, k in self._keys.items()}

    def register_key(self, key: PublicKey) -> None:
        """Store ``key`` as its party's key; a different key for a known party is a ``ConflictError``."""
        self._store.put_key(key.party, key.raw)
        self._reload_keys()

    def keyring(self) -> dict[str, PublicKey]:
        """The parties' public keys stored with the log."""
        self._reload_keys()
        return dict(self._keys)

    def save_checkpoint(self, origin: str, size: int, root: bytes, note: str) -> None:
        """Store a signed checkpoint note (replacing the stored note of the same checkpoint)."""
        self._store.put_checkpoint(origin, size, root, note)

    def checkpoints(self, *, origin: str | None = None, size: int | None = None) -> list[str]:
        """Stored checkpoint notes, largest tree size first."""
        return self._store.checkpoints(origin=origin, size=size)

    def cosigned_state(self, cosigner: str, origin: str) -> str | None:
        """The last checkpoint note ``cosigner`` cosigned for ``origin`` (its consistency anchor)."""
        return self._store.cosigned(cosigner, origin)

    def set_cosigned_state(self, cosigner: str, origin: str, note: str) -> None:
        self._store.set_cosigned(cosigner, origin, note)

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> SqlLog:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
