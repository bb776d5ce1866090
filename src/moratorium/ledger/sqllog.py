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

import atexit
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import ConflictError, InputError, StoreError, VerificationError
from moratorium.ledger._merkle import MerkleMethods, entry_message
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.entry import ENTRY_SIGNING_CONTEXT, SignedEntry
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.log import EntryVerifier
from moratorium.ledger.rfc6962 import hash_leaf

if TYPE_CHECKING:
    from moratorium.store.logstore import LogStore

__all__ = ["SqlLog"]

# -- parallel signature verification ---------------------------------------------------------------------------
#
# Why: Ed25519 verification is most of an append's cost and pyca/cryptography holds the GIL while it verifies
# (two threads verify no faster than one, measured), so a large batch hands part of its signatures to a worker
# *process* of a standard-library process pool (``concurrent.futures``, spawned, as ``audit.py`` uses) and
# verifies the rest here while it also writes the rows; the transaction commits only once both halves are good.
# The pool is started on the first large batch and used once its worker has answered a first (empty) task;
# until then, and whenever it is busy or broken, signatures are verified here: the pool only makes appends faster.

_PARALLEL_MIN = 64
"""Smallest batch worth a round trip to the worker."""
_HELPER_SHARE = 0.6
"""Share of a batch's signatures the worker verifies: this process also canonicalises, hashes and writes."""

_worker_keys: dict[bytes, Ed25519PublicKey] = {}


def _verify_in_worker(items: list[tuple[bytes, bytes, bytes]]) -> int:
    """In the worker: index of the first ``(raw public key, signature, message)`` that does not verify, or -1."""
    for i, (raw, sig, msg) in enumerate(items):
        key = _worker_keys.get(raw)
        if key is None:
            key = _worker_keys[raw] = Ed25519PublicKey.from_public_bytes(raw)
        try:
            key.verify(sig, msg)
        except InvalidSignature:
            return i
    return -1


class _Helper:
    """The process pool of one worker (one per process, shared by every ``SqlLog``) and whether it is busy."""

    def __init__(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.pid = os.getpid()
        self.lock = threading.Lock()
        """Held while a batch is in flight: a second batch verifies here rather than queue behind it."""
        self.broken = False
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.warmup = self.pool.submit(_verify_in_worker, [])

    def ready(self) -> bool:
        if self.broken or not self.warmup.done():
            return False
        if self.warmup.exception() is not None:
            self.broken = True
        return not self.broken

    def pids(self) -> list[int]:
        """Process ids of the pool's worker (for tests)."""
        return [p.pid for p in getattr(self.pool, "_processes", {}).values() if p.pid is not None]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


_helper: _Helper | None = None
_helper_guard = threading.Lock()


def _get_helper() -> _Helper | None:
    """The ready helper, or None (starting it if need be); never blocks on the worker's start-up."""
    global _helper
    if (os.cpu_count() or 1) < 2 or sys.platform == "win32":
        return None
    with _helper_guard:
        if _helper is not None and _helper.pid != os.getpid():
            _helper = None  # a forked child does not share its parent's pool
        if _helper is not None and _helper.broken and not _helper.lock.locked():
            _helper.pool.shutdown(wait=False, cancel_futures=True)  # a broken pool is replaced
            _helper = None
        if _helper is None:
            try:
                _helper = _Helper()
            except (OSError, RuntimeError):
                return None
            # shut the pool down while the interpreter is whole: one left to the garbage collector at the very end
            # of the process has its weak-reference callback run after multiprocessing is torn down, and complains
            atexit.register(_stop_helper)
        return _helper if _helper.ready() else None


def _stop_helper() -> None:
    """Shut the pool down and stop its worker."""
    global _helper
    with _helper_guard:
        if _helper is not None and _helper.pid == os.getpid():
            _helper.close()
        _helper = None
    atexit.unregister(_stop_helper)


def _first_bad(items: Sequence[tuple[Ed25519PublicKey, bytes, bytes]]) -> int:
    """Index of the first ``(key, signature, message)`` that does not verify, or -1."""
    for i, (key, sig, msg) in enumerate(items):
        try:
            key.verify(sig, msg)
        except InvalidSignature:
            return i
    return -1


class _Verification:
    """Signature checks of one batch in flight: the first failure (lowest batch index) wins.

    ``future`` (the helper's lock held for it) verifies ``items``, the entries from batch index ``offset`` on; if
    the pool fails, they are verified here instead. ``describe(i)`` is the message for a bad ``items[i]``.
    """

    def __init__(self, failure: tuple[int, str] | None, helper: _Helper | None = None,
                 future: Future[int] | None = None, offset: int = 0,
                 items: Sequence[tuple[Ed25519PublicKey, bytes, bytes]] = (),
                 describe: Callable[[int], str] | None = None) -> None:
        self._failure = failure
        self._helper = helper
        self._future = future
        self._offset = offset
        self._items = items
        self._describe = describe

    def _collect(self) -> None:
        helper, future = self._helper, self._future
        self._helper = self._future = None
        if helper is None or future is None:
            return
        try:
            bad = future.result()
        except Exception:  # a broken pool (its worker killed, say): verify here
            helper.broken = True
            bad = _first_bad(self._items)
        finally:
            helper.lock.release()
        if bad >= 0 and self._describe is not None:
            index = self._offset + bad
            if self._failure is None or index < self._failure[0]:
                self._failure = (index, self._describe(bad))

    def check(self) -> None:
        """Wait for the worker's answer; raise ``VerificationError`` naming the first bad entry."""
        self._collect()
        if self._failure is not None:
            raise VerificationError(self._failure[1])

    def drain(self) -> None:
        """Wait for the worker's answer (freeing the helper for the next batch) without raising."""
        self._collect()


class SqlLog(MerkleMethods):
    """A log in a SQLite file or a PostgreSQL database (``url``: a path or a SQLAlchemy URL)."""

    def __init__(self, url: str, *, verifier: EntryVerifier | None = None, create: bool = True,
                 read_only: bool = False) -> None:
        from moratorium.store.logstore import LogStore  # not at module level: the helper must start fast

        self._store: LogStore = LogStore(url, create=create, read_only=read_only)
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
        """Verify and append a batch in one transaction (all or nothing); return the sequence numbers.

        Errors name the first refused entry by the sequence number it would have had.
        """
        batch = list(entries)
        if not batch:
            return []
        start = self._range.size
        leaves = [e.leaf_data() for e in batch]
        verification = self._verify(batch, leaves, start)
        try:
            hashes = [hash_leaf(d) for d in leaves]
            if len(set(hashes)) != len(hashes):
                verification.check()  # a bad signature is reported first, as when checks ran before all else
                raise ConflictError("replayed entry: the batch holds the same entry twice")
            # A replay is found by the store's unique leaf hash, inside the append's own transaction (which it
            # refuses): a look-up before every append cost a query per write. Only a refused append looks the
            # leaves up, to name the entry replayed.
            work = self._range.copy()
            nodes = [node for h in hashes for node in work.append(h)]
            tiles = self._completed_tiles(start, leaves, hashes)
            try:
                self._store.append(list(zip(leaves, hashes, strict=True)), nodes, expected_size=start,
                                   before_commit=verification.check, tiles=tiles)
            except ConflictError:
                self._range = CompactRange.load(self._store.size(), self._store.node)
                verification.check()
                present = self._store.find_leaves(hashes)
                if present:
                    raise ConflictError(f"replayed entry: identical to entry {min(present.values())}") from None
                raise
        finally:
            verification.drain()
        self._range = work
        return list(range(start, start + len(batch)))

    def _completed_tiles(self, start: int, leaves: list[bytes], hashes: list[bytes]
                         ) -> list[tuple[int, bytes, bytes]]:
        """The level-0 tlog-tiles ``(index, hashes, bundle)`` that appending ``leaves`` at ``start`` completes,
        made from the very bytes and hashes being appended (and, for a tile begun by earlier appends, its stored
        leaves: immutable, so reading them before the transaction is safe; a concurrent append is refused by the
        store anyway). A tile holding an entry too long for a bundle (over 65,535 bytes) is not stored: an export
        then meets that entry in the leaf rows and says so."""
        first, stop = start >> 8, (start + len(leaves)) >> 8  # tiles of 256 entries (TILE_HEIGHT 8)
        if first == stop:
            return []
        from moratorium.ledger.tiles import TILE_WIDTH, stored_tile

        head = first * TILE_WIDTH
        if head < start:  # the first tile began in an earlier append
            earlier = [row for batch in self._store.leaf_batches(head, start) for row in batch]
            leaves = [d for d, _h in earlier] + leaves
            hashes = [h for _d, h in earlier] + hashes
        out = []
        for n in range(first, stop):
            lo = n * TILE_WIDTH - head
            row = stored_tile(leaves[lo : lo + TILE_WIDTH], hashes[lo : lo + TILE_WIDTH])
            if row is not None:
                out.append((n, *row))
        return out

    def tile_rows(self, start: int, stop: int) -> Iterator[tuple[int, bytes, bytes]]:
        """The stored level-0 tiles ``(index, hashes, bundle)`` with ``start <= index < stop`` (see
        ``LogStore.tile_rows``: a tile absent there is read from the leaf rows)."""
        return self._store.tile_rows(start, stop)

    def _verify(self, batch: list[SignedEntry], leaves: list[bytes], start: int) -> _Verification:
        """Check the batch's signatures here, or part here and part in the helper (then still in flight)."""
        if self._verifier is not None:
            for entry in batch:
                self._verifier(entry)
            return _Verification(None)
        if any(e.entry.author not in self._ed for e in batch):
            self._reload_keys()
        # Entries whose author has no key fail where they stand; the rest are (key, signature, message).
        failure: tuple[int, str] | None = None
        for i, e in enumerate(batch):
            if e.entry.author not in self._ed:
                failure = (i, f"entry {start + i}: no public key registered in this log for author "
                              f"{e.entry.author!r}")
                break
        stop = len(batch) if failure is None else failure[0]
        work = [(self._ed[e.entry.author], e.signature, ENTRY_SIGNING_CONTEXT + entry_message(leaf))
                for e, leaf in zip(batch[:stop], leaves, strict=False)]
        helper = _get_helper() if stop >= _PARALLEL_MIN else None
        if helper is not None and not helper.lock.acquire(blocking=False):
            helper = None  # another thread is using it: verify here
        split = stop
        pending = _Verification(failure)
        if helper is not None:
            split = stop - int(stop * _HELPER_SHARE)
            tail = work[split:]
            try:
                future = helper.pool.submit(_verify_in_worker, [(self._keys[batch[i].entry.author].raw, sig, msg)
                                                                for i, (_k, sig, msg) in enumerate(tail, split)])
            except Exception:  # a pool that broke or shut down: verify everything here
                helper.broken = True
                helper.lock.release()
                split = stop
            else:
                first = split
                pending = _Verification(failure, helper, future, first, tail,
                                        lambda k: self._bad(batch[first + k], start + first + k))
        bad = _first_bad(work[:split])
        if bad >= 0:
            pending.drain()
            return _Verification((bad, self._bad(batch[bad], start + bad)))
        return pending

    def _bad(self, entry: SignedEntry, seq: int) -> str:
        author = entry.entry.author
        return f"entry {seq}: bad signature: not made by {author}'s key {self._keys[author].key_id}"

    def entries(self, start: int = 0, stop: int | None = None) -> Sequence[SignedEntry]:
        """Entries ``start <= seq < stop``; ``VerificationError`` naming a corrupt stored entry."""
        stop = self.size if stop is None else stop
        if not 0 <= start <= stop <= self.size:
            raise InputError(f"range [{start}, {stop}) is outside the log of size {self.size}")
        out: list[SignedEntry] = []
        for seq, data, _h in self._store.iter_leaves(start, stop):
            if seq != start + len(out):
                break
            try:
                out.append(SignedEntry.from_leaf_data(data))
            except VerificationError as exc:
                raise VerificationError(f"entry {seq}: {exc}") from exc
        if len(out) != stop - start:
            raise StoreError(f"corrupt log: entry {start + len(out)} is missing from the store")
        return tuple(out)

    def iter_leaves(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes, bytes]]:
        """Raw ``(seq, leaf bytes, stored leaf hash)`` rows, for auditing."""
        return self._store.iter_leaves(start, self.size if stop is None else stop)

    def leaf_batches(self, start: int = 0, stop: int | None = None) -> Iterator[list[tuple[bytes, bytes]]]:
        """``(leaf bytes, stored leaf hash)`` in order, in lists, read in bulk (``LogStore.leaf_batches``)."""
        return self._store.leaf_batches(start, self.size if stop is None else stop)

    def iter_nodes(self, level: int, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
        """Stored perfect-subtree hashes ``(index, hash)`` at ``level >= 1``, for auditing."""
        return self._store.iter_nodes(level, start, stop)

    def _node(self, level: int, index: int) -> bytes:
        return self._store.node(level, index)

    def _nodes(self, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        return self._store.nodes(list(wanted))

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
