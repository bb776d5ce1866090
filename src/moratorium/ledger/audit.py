"""Full audit of a stored log: every signature, every stored hash, the root and the latest checkpoint.

The audit trusts nothing in the store: it re-hashes every entry (RFC 9162 §2.1.1), recomputes every perfect
subtree and compares it with the stored node, compares every stored level-0 tile and entry bundle (what a tiles
export copies) with the entries, checks every author signature against the keyring (the log's
own, or one pinned by the caller), then checks the latest stored checkpoint's operator signature and
cosignatures (C2SP signed-note, tlog-cosignature) against the recomputed root at its size. The first bad
entry is named by its sequence number. A leaf stored twice (a replayed entry) is refused.

A log whose holder controls the file can drop its checkpoint rows and then truncate, reorder or replay entries
consistently; only a checkpoint kept elsewhere shows that. ``verify_log(checkpoint=NOTE)`` checks the log
against such an external signed checkpoint (the one ``moratorium run`` writes, or one a peer cosigned), and
``require_cosigners`` demands valid cosignatures by those parties on it. ``AuditReport.anchored`` is false when
neither a stored nor an external checkpoint vouches for the log (the CLI refuses such a log unless told).
The store is opened read-only: verifying never creates or changes anything in the database.

The work is split into aligned chunks of ``2**CHUNK_LEVEL`` entries (smaller ones when several workers share a
small log), each a perfect subtree, which worker processes audit independently (Ed25519 verification dominates,
so it scales with cores); the parent combines the chunk roots.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger._merkle import _SIG_KEY, entry_message, leaf_author_signature, leaf_authors_signatures
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.checkpoint import Checkpoint, SignedNote, open_checkpoint, verify_cosignature
from moratorium.ledger.entry import ENTRY_SIGNING_CONTEXT
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.rfc6962 import hash_leaf
from moratorium.ledger.tiles import TILE_WIDTH, stored_tile

if TYPE_CHECKING:
    from moratorium.store.logstore import LogStore

__all__ = ["CHUNK_LEVEL", "AuditReport", "verify_log"]

CHUNK_LEVEL = 12
"""Entries per unit of work: 2**12, so that the last chunks, which one worker finishes while the other has none
left, cost little (a chunk is about half a second of one core at bare verification speed)."""
_BATCH = 512
"""Leaves parsed and checked for canonical form together (``leaf_authors_signatures``)."""


@dataclass(frozen=True)
class AuditReport:
    """What a successful audit established."""

    size: int
    root: bytes
    checkpoint: Checkpoint | None
    cosigners: tuple[str, ...]
    external: Checkpoint | None = None
    """The external checkpoint the log was checked against (``verify_log(checkpoint=...)``), if any."""
    external_cosigners: tuple[str, ...] = ()

    @property
    def anchored(self) -> bool:
        """A signed checkpoint (stored or external) vouches for the log's prefix."""
        return self.checkpoint is not None or self.external is not None


_ChunkResult = tuple[list[bytes] | None, tuple[int, str] | None, bytes]


def _audit_chunk(store: LogStore, start: int, stop: int, keys: Mapping[str, Ed25519PublicKey]) -> _ChunkResult:
    """Audit entries ``[start, stop)``; return ``(chunk edge, None, prefixes)`` or ``(None, first failure (seq,
    message), b"")``; ``prefixes`` are the first 8 bytes of every leaf hash, for the duplicate-leaf check.

    The loop is the audit's hot path, a batch of ``_BATCH`` rows at a time: one read, one C-level check of every
    leaf's canonical form (``leaf_authors_signatures``), one SHA-256 per leaf with a single comparison of the
    joined digests against the joined stored hashes, then one Ed25519 verification per leaf with a key object
    made once per author. Only a batch where something fails is gone through again entry by entry
    (``_first_failure``), to name the entry and the reason.
    """
    hashes: list[bytes] = []
    all_datas: list[bytes] = []
    expected = start
    context = ENTRY_SIGNING_CONTEXT
    sig_key = _SIG_KEY
    sha256 = hashlib.sha256
    for batch in store.leaf_row_batches(start, stop, batch=_BATCH):
        if not batch:  # none of this range is stored: the next row, or the end, names the gap
            continue
        if batch[0][0] != expected or batch[-1][0] != expected + len(batch) - 1:
            for seq, _data, _h in batch:  # find the gap
                if seq != expected:
                    return None, (expected, "entry is missing from the store"), b""
                expected += 1
        expected += len(batch)
        datas = [data for _s, data, _h in batch]
        all_datas += datas
        computed = [sha256(b"\x00" + data).digest() for data in datas]  # RFC 9162 leaf hashes
        hashes += computed
        try:
            fields = leaf_authors_signatures(datas)
            if b"".join(computed) != b"".join([h for _s, _d, h in batch]):
                raise VerificationError("a stored leaf hash is wrong")
            # canonical signed entries (checked just above): each is {"entry":E,"signature":"S"}, signed over E
            for (author, signature), data in zip(fields, datas, strict=True):
                keys[author].verify(signature, context + data[9 : data.rindex(sig_key)])
        except (VerificationError, InvalidSignature, KeyError, ValueError):
            return None, _first_failure(batch, keys), b""
    if expected != stop:
        return None, (expected, "entry is missing from the store"), b""
    levels = rfc6962.perfect_levels(hashes)
    for level in range(1, len(levels)):
        base = start >> level
        rows = list(store.iter_nodes(level, base, base + len(levels[level])))
        if (len(rows) == len(levels[level]) and all(len(h) == 32 for _i, h in rows)
                and b"".join([h for _i, h in rows]) == b"".join(levels[level])):
            continue  # every node there (unique indices, as many as asked) and right, index by index
        stored = dict(rows)
        for i, h in enumerate(levels[level]):
            if stored.get(base + i) != h:
                where = f"level {level}, index {base + i}"
                return None, ((base + i) << level, f"stored Merkle node ({where}) is wrong"), b""
    failure = _check_tiles(store, start, stop, hashes, all_datas)
    if failure is not None:
        return None, failure, b""
    # The chunk's compact range, read off the levels just computed rather than re-hashed leaf by leaf.
    edge = CompactRange.load(len(hashes), lambda level, index: levels[level][index]).edge
    return edge, None, b"".join(h[:8] for h in hashes)


def _check_tiles(store: LogStore, start: int, stop: int, hashes: Sequence[bytes], datas: Sequence[bytes]
                 ) -> tuple[int, str] | None:
    """The stored level-0 tiles of the chunk ``[start, stop)`` (aligned to 256 at least, so each full tile lies in
    one chunk) must be exactly the entries' leaf hashes and bundle (``ledger_tile``: what an export copies);
    ``hashes`` and ``datas`` are the chunk's, checked. A tile not stored is fine (an older log)."""
    for n, stored, bundle in store.tile_rows(start // TILE_WIDTH, stop // TILE_WIDTH):
        lo = n * TILE_WIDTH - start
        expected = stored_tile(datas[lo : lo + TILE_WIDTH], hashes[lo : lo + TILE_WIDTH])
        if expected != (stored, bundle):
            # (``expected`` None: an entry too long for any bundle, so a stored bundle is wrong)
            part = "leaf hashes" if expected is not None and stored != expected[0] else "entry bundle"
            last = n * TILE_WIDTH + TILE_WIDTH - 1
            return n * TILE_WIDTH, f"stored tile {n} (entries {n * TILE_WIDTH}..{last}) does not match them: {part}"
    return None


def _first_failure(batch: Sequence[tuple[int, bytes, bytes]], keys: Mapping[str, Ed25519PublicKey]
                   ) -> tuple[int, str]:
    """The first entry of ``batch`` that fails the audit, and why (entry by entry: the batch is known to fail)."""
    for seq, data, stored_hash in batch:
        try:
            leaf_hash = hash_leaf(data)
            if stored_hash != leaf_hash:
                raise VerificationError(
                    f"stored leaf hash {stored_hash.hex()} differs from the calculated {leaf_hash.hex()}"
                )
            author, signature = leaf_author_signature(data)
            key = keys.get(author)
            if key is None:
                raise VerificationError(f"no public key for author {author!r}")
            try:
                key.verify(signature, ENTRY_SIGNING_CONTEXT + entry_message(data))
            except InvalidSignature:
                raise VerificationError(f"bad signature: not made by {author}'s key") from None
        except VerificationError as exc:
            return seq, str(exc)
    raise AssertionError("a failing batch in which every entry passes")  # pragma: no cover


# Per worker process: the store and the key objects, opened once by ``_init_worker`` for all its chunks.
_worker_store: LogStore | None = None
_worker_keys: dict[str, Ed25519PublicKey] = {}


def _init_worker(url: str, raw_keys: dict[str, bytes]) -> None:
    global _worker_store, _worker_keys
    from moratorium.store.logstore import LogStore

    _worker_store = LogStore(url, create=False, read_only=True)
    _worker_keys = {p: Ed25519PublicKey.from_public_bytes(r) for p, r in raw_keys.items()}


def _worker_chunk(bounds: tuple[int, int]) -> _ChunkResult:
    assert _worker_store is not None
    return _audit_chunk(_worker_store, bounds[0], bounds[1], _worker_keys)


def verify_log(url: str, *, keyring: Mapping[str, PublicKey] | None = None, workers: int = 1,
               checkpoint: str | None = None, require_cosigners: Sequence[str] = ()) -> AuditReport:
    """Audit the log at ``url``; return an ``AuditReport`` or raise ``VerificationError`` naming the entry.

    Parameters
    ----------
    url
        A path or SQLAlchemy URL of an existing log.
    keyring
        Party keys to check signatures with; default: the keys stored in the log. Pin them when the log's
        holder is not trusted to have stored the right keys.
    workers
        Processes to use (``1``: in this process).
    checkpoint
        An external signed checkpoint note of this log (C2SP signed-note) to check the log against: the log
        must hold it (same root at its size), whatever the stored checkpoints say.
    require_cosigners
        Parties whose valid cosignature must be on the anchoring checkpoint (the external one if given, else the
        latest stored one).
    """
    from moratorium.ledger.sqllog import SqlLog

    log = SqlLog(url, create=False, read_only=True)
    try:
        keys = dict(keyring) if keyring is not None else log.keyring()
        if keyring is not None:
            for party, stored in log.keyring().items():
                if party in keys and keys[party] != stored:
                    raise VerificationError(f"the log's key for {party!r} is not the pinned key")
        size = log.size
        level = CHUNK_LEVEL
        if workers > 1:
            # Smaller chunks for a small log, so that every worker gets several (about 16 each at least).
            level = min(level, max(8, (size // (workers * 16)).bit_length() - 1))
        chunk = 1 << level
        raw = {p: k.raw for p, k in keys.items()}
        jobs = [(s, min(s + chunk, size)) for s in range(0, size, chunk)]
        if workers > 1 and len(jobs) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx,
                                     initializer=_init_worker, initargs=(log.url, raw)) as pool:
                results = list(pool.map(_worker_chunk, jobs))
        else:
            ed = {p: Ed25519PublicKey.from_public_bytes(r) for p, r in raw.items()}
            results = [_audit_chunk(log._store, s, e, ed) for s, e in jobs]
        failures = [failure for _e, failure, _p in results if failure is not None]
        if failures:
            seq, message = min(failures)
            raise VerificationError(f"entry {seq}: {message}")
        last_tile = log._store.last_tile_index()
        if last_tile is not None and last_tile >= size // TILE_WIDTH:
            raise VerificationError(f"entry {last_tile * TILE_WIDTH}: a stored tile ({last_tile}) claims entries "
                                    f"beyond the log's {size}")
        _check_no_duplicate_leaves(log, b"".join(p for _e, _f, p in results))
        root = _combine(log, [edge for edge, _f, _p in results if edge is not None], size, level)
        latest, cosigners = _check_latest_checkpoint(log, keys, size)
        external: Checkpoint | None = None
        external_cosigners: tuple[str, ...] = ()
        if checkpoint is not None:
            external, external_cosigners = _check_note(log, keys, size, checkpoint, what="external checkpoint")
        anchor_cosigners = external_cosigners if checkpoint is not None else cosigners
        for party in require_cosigners:
            if party not in anchor_cosigners:
                which = "external" if checkpoint is not None else "latest stored"
                got = ", ".join(anchor_cosigners) or "none"
                raise VerificationError(f"{which} checkpoint: no valid cosignature by required cosigner {party!r} "
                                        f"(valid cosigners: {got})")
        return AuditReport(size=size, root=root, checkpoint=latest, cosigners=cosigners, external=external,
                           external_cosigners=external_cosigners)
    finally:
        log.close()


def _combine(log: Any, edges: list[list[bytes]], size: int, chunk_level: int) -> bytes:
    """Fold chunk results into the root, checking the stored nodes above the chunk level."""
    n_full = size >> chunk_level
    full = [edges[j][0] for j in range(n_full)]
    partial = edges[n_full] if size % (1 << chunk_level) else []
    levels = rfc6962.perfect_levels(full)
    for up in range(1, len(levels)):
        level = chunk_level + up
        stored = dict(log.iter_nodes(level, 0, len(levels[up])))
        for i, h in enumerate(levels[up]):
            if stored.get(i) != h:
                raise VerificationError(
                    f"entry {i << level}: stored Merkle node (level {level}, index {i}) is wrong"
                )
    edge: list[bytes] = []
    pos = 0
    for level in range(size.bit_length() - 1, chunk_level - 1, -1):
        if size >> level & 1:
            edge.append(levels[level - chunk_level][pos >> level])
            pos += 1 << level
    root = CompactRange(size, [*edge, *partial]).root()
    if root != log.root_hash():
        stored_root = log.root_hash().hex()
        raise VerificationError(f"stored root {stored_root} differs from the calculated {root.hex()}")
    return root


def _check_no_duplicate_leaves(log: Any, prefixes: bytes) -> None:
    """Refuse a leaf stored twice (a replayed entry); ``prefixes``: 8 bytes of each leaf hash, in seq order."""
    import numpy as np

    heads = np.frombuffer(prefixes, dtype=np.uint64)
    if len(heads) < 2:
        return
    order = np.argsort(heads, kind="stable")
    ranked = heads[order]
    same = np.flatnonzero(ranked[1:] == ranked[:-1])
    if not len(same):
        return
    # equal prefixes: compare the whole leaves of those entries (a 64-bit prefix collision is not a duplicate)
    seen: dict[bytes, int] = {}
    duplicates = []
    candidates = sorted({int(order[i]) for i in same} | {int(order[i + 1]) for i in same})
    for seq in candidates:
        [(_s, data, _h)] = list(log.iter_leaves(seq, seq + 1))
        first = seen.setdefault(hash_leaf(data), seq)
        if first != seq:
            duplicates.append((seq, first))
    if duplicates:
        seq, first = min(duplicates)
        raise VerificationError(f"entry {seq}: replayed entry: the same leaf as entry {first}")


def _check_latest_checkpoint(
    log: Any, keys: Mapping[str, PublicKey], size: int
) -> tuple[Checkpoint | None, tuple[str, ...]]:
    notes = log.checkpoints()
    if not notes:
        return None, ()
    return _check_note(log, keys, size, notes[0], what="latest checkpoint")


def _check_note(log: Any, keys: Mapping[str, PublicKey], size: int, note: str,
                *, what: str) -> tuple[Checkpoint, tuple[str, ...]]:
    """Check a signed checkpoint note against the audited log: operator signature, size, root, cosignatures."""
    try:
        signed = SignedNote.parse(note)
        checkpoint = Checkpoint.parse(signed.text)
    except VerificationError as exc:
        raise VerificationError(f"{what}: {exc}") from exc
    operator = next((keys[s.name] for s in signed.signatures if s.name in keys), None)
    if operator is None:
        names = ", ".join(s.name for s in signed.signatures) or "none"
        raise VerificationError(f"{what}: no signature by a known party (signed by {names})")
    try:
        checkpoint = open_checkpoint(note, operator)
    except VerificationError as exc:
        raise VerificationError(f"{what}: {exc}") from exc
    if checkpoint.size > size:
        raise VerificationError(f"{what}: size {checkpoint.size} is beyond the log's {size} (a truncated log?)")
    calculated = log.root_hash(checkpoint.size)
    if calculated != checkpoint.root:
        raise VerificationError(
            f"{what}: root {base64.b64encode(checkpoint.root).decode()} differs from the "
            f"calculated {base64.b64encode(calculated).decode()} at size {checkpoint.size}"
        )
    cosigners = []
    for sig in signed.signatures:
        if sig.name != operator.party and sig.name in keys:
            try:
                verify_cosignature(note, keys[sig.name])
            except VerificationError as exc:
                raise VerificationError(f"{what}: {exc}") from exc
            cosigners.append(sig.name)
    return checkpoint, tuple(cosigners)
