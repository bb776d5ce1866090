"""Full audit of a stored log: every signature, every stored hash, the root and the latest checkpoint.

The audit trusts nothing in the store: it re-hashes every entry (RFC 9162 §2.1.1), recomputes every perfect
subtree and compares it with the stored node, checks every author signature against the keyring (the log's
own, or one pinned by the caller), then checks the latest stored checkpoint's operator signature and
cosignatures (C2SP signed-note, tlog-cosignature) against the recomputed root at its size. The first bad
entry is named by its sequence number.

The work is split into aligned chunks of ``2**CHUNK_LEVEL`` entries (smaller ones when several workers share a
small log), each a perfect subtree, which worker processes audit independently (Ed25519 verification dominates,
so it scales with cores); the parent combines the chunk roots.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger._merkle import entry_message, leaf_author_signature
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.checkpoint import Checkpoint, SignedNote, open_checkpoint, verify_cosignature
from moratorium.ledger.entry import ENTRY_SIGNING_CONTEXT
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.rfc6962 import hash_leaf

if TYPE_CHECKING:
    from moratorium.store.logstore import LogStore

__all__ = ["CHUNK_LEVEL", "AuditReport", "verify_log"]

CHUNK_LEVEL = 14


@dataclass(frozen=True)
class AuditReport:
    """What a successful audit established."""

    size: int
    root: bytes
    checkpoint: Checkpoint | None
    cosigners: tuple[str, ...]


def _audit_chunk(store: LogStore, start: int, stop: int,
                 keys: Mapping[str, Ed25519PublicKey]) -> tuple[list[bytes] | None, tuple[int, str] | None]:
    """Audit entries ``[start, stop)``; return ``(chunk edge, None)`` or ``(None, first failure (seq, message))``.

    The loop is the audit's hot path: per entry one row, one SHA-256, one C-level parse and re-encoding of the
    leaf (``leaf_author_signature``) and one Ed25519 verification with a key object made once per author.
    """
    hashes: list[bytes] = []
    expected = start
    for seq, data, stored_hash in store.iter_leaves(start, stop):
        if seq != expected:
            return None, (expected, "entry is missing from the store")
        expected += 1
        leaf_hash = hash_leaf(data)
        hashes.append(leaf_hash)
        try:
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
            return None, (seq, str(exc))
    if expected != stop:
        return None, (expected, "entry is missing from the store")
    levels = rfc6962.perfect_levels(hashes)
    for level in range(1, len(levels)):
        base = start >> level
        stored = dict(store.iter_nodes(level, base, base + len(levels[level])))
        for i, h in enumerate(levels[level]):
            if stored.get(base + i) != h:
                where = f"level {level}, index {base + i}"
                return None, ((base + i) << level, f"stored Merkle node ({where}) is wrong")
    # The chunk's compact range, read off the levels just computed rather than re-hashed leaf by leaf.
    return CompactRange.load(len(hashes), lambda level, index: levels[level][index]).edge, None


# Per worker process: the store and the key objects, opened once by ``_init_worker`` for all its chunks.
_worker_store: LogStore | None = None
_worker_keys: dict[str, Ed25519PublicKey] = {}


def _init_worker(url: str, raw_keys: dict[str, bytes]) -> None:
    global _worker_store, _worker_keys
    from moratorium.store.logstore import LogStore

    _worker_store = LogStore(url, create=False)
    _worker_keys = {p: Ed25519PublicKey.from_public_bytes(r) for p, r in raw_keys.items()}


def _worker_chunk(bounds: tuple[int, int]) -> tuple[list[bytes] | None, tuple[int, str] | None]:
    assert _worker_store is not None
    return _audit_chunk(_worker_store, bounds[0], bounds[1], _worker_keys)


def verify_log(url: str, *, keyring: Mapping[str, PublicKey] | None = None, workers: int = 1) -> AuditReport:
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
    """
    from moratorium.ledger.sqllog import SqlLog

    log = SqlLog(url, create=False)
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
        failures = [failure for _e, failure in results if failure is not None]
        if failures:
            seq, message = min(failures)
            raise VerificationError(f"entry {seq}: {message}")
        root = _combine(log, [edge for edge, _f in results if edge is not None], size, level)
        checkpoint, cosigners = _check_latest_checkpoint(log, keys, size)
        return AuditReport(size=size, root=root, checkpoint=checkpoint, cosigners=cosigners)
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


def _check_latest_checkpoint(
    log: Any, keys: Mapping[str, PublicKey], size: int
) -> tuple[Checkpoint | None, tuple[str, ...]]:
    notes = log.checkpoints()
    if not notes:
        return None, ()
    note = notes[0]
    signed = SignedNote.parse(note)
    operator = next((keys[s.name] for s in signed.signatures if s.name in keys), None)
    if operator is None:
        raise VerificationError("latest checkpoint: no signature by a known party")
    checkpoint = open_checkpoint(note, operator)
    if checkpoint.size > size:
        raise VerificationError(f"latest checkpoint: size {checkpoint.size} is beyond the log's {size}")
    calculated = log.root_hash(checkpoint.size)
    if calculated != checkpoint.root:
        raise VerificationError(
            f"latest checkpoint: root {base64.b64encode(checkpoint.root).decode()} differs from the "
            f"calculated {base64.b64encode(calculated).decode()} at size {checkpoint.size}"
        )
    cosigners = []
    for sig in signed.signatures:
        if sig.name != operator.party and sig.name in keys:
            verify_cosignature(note, keys[sig.name])
            cosigners.append(sig.name)
    return checkpoint, tuple(cosigners)
