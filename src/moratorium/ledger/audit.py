"""Full audit of a stored log: every signature, every stored hash, the root and the latest checkpoint.

The audit trusts nothing in the store: it re-hashes every entry (RFC 9162 §2.1.1), recomputes every perfect
subtree and compares it with the stored node, checks every author signature against the keyring (the log's
own, or one pinned by the caller), then checks the latest stored checkpoint's operator signature and
cosignatures (C2SP signed-note, tlog-cosignature) against the recomputed root at its size. The first bad
entry is named by its sequence number.

The work is split into aligned chunks of ``2**CHUNK_LEVEL`` entries, each a perfect subtree, which worker
processes audit independently (Ed25519 verification dominates, so it scales with cores); the parent combines
the chunk roots.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import InputError, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger._merkle import entry_message
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.checkpoint import Checkpoint, SignedNote, open_checkpoint, verify_cosignature
from moratorium.ledger.entry import ENTRY_SIGNING_CONTEXT, SignedEntry
from moratorium.ledger.keys import PublicKey

__all__ = ["CHUNK_LEVEL", "AuditReport", "verify_log"]

CHUNK_LEVEL = 14
_MAX_SAFE_INT = 2**53


@dataclass(frozen=True)
class AuditReport:
    """What a successful audit established."""

    size: int
    root: bytes
    checkpoint: Checkpoint | None
    cosigners: tuple[str, ...]


class _LeaveFastPathError(Exception):
    """Raised while parsing to leave the fast path (floats and huge integers need RFC 8785 number rules)."""


def _no_float(_text: str) -> float:
    raise _LeaveFastPathError


def _small_int(text: str) -> int:
    value = int(text)
    if abs(value) >= _MAX_SAFE_INT:
        raise _LeaveFastPathError
    return value


def _parse_leaf(data: bytes) -> SignedEntry:
    """Parse and validate stored leaf bytes, checking canonical form cheaply when it is safe to.

    For ASCII JSON without floats or huge integers, RFC 8785 output equals ``json.dumps`` with sorted keys and
    compact separators, which is much faster than a second canonicalisation; anything else takes the full
    ``SignedEntry.from_leaf_data`` path.
    """
    if data.isascii():
        try:
            obj = json.loads(data, parse_float=_no_float, parse_int=_small_int)
        except _LeaveFastPathError:
            return SignedEntry.from_leaf_data(data)
        except ValueError as exc:
            raise VerificationError(f"malformed stored entry: {exc}") from exc
        try:
            signed = SignedEntry.from_json(obj)
        except InputError as exc:
            raise VerificationError(f"malformed stored entry: {exc}") from exc
        if json.dumps(obj, sort_keys=True, separators=(",", ":")).encode() != data:
            raise VerificationError("malformed stored entry: bytes are not in canonical form")
        return signed
    return SignedEntry.from_leaf_data(data)


def _audit_chunk(args: tuple[str, int, int, dict[str, bytes]]) -> tuple[int, Any, tuple[int, str] | None]:
    """Audit entries ``[start, stop)``; return ``(start, chunk edge, first failure (seq, message))``."""
    from moratorium.store.logstore import LogStore

    url, start, stop, raw_keys = args
    keys = {p: Ed25519PublicKey.from_public_bytes(r) for p, r in raw_keys.items()}
    store = LogStore(url, create=False)
    try:
        hashes: list[bytes] = []
        expected = start
        for seq, data, stored_hash in store.iter_leaves(start, stop):
            if seq != expected:
                return start, None, (expected, "entry is missing from the store")
            expected += 1
            leaf_hash = rfc6962.hash_leaf(data)
            hashes.append(leaf_hash)
            try:
                if stored_hash != leaf_hash:
                    raise VerificationError(
                        f"stored leaf hash {stored_hash.hex()} differs from the calculated {leaf_hash.hex()}"
                    )
                signed = _parse_leaf(data)
                key = keys.get(signed.entry.author)
                if key is None:
                    raise VerificationError(f"no public key for author {signed.entry.author!r}")
                try:
                    key.verify(signed.signature, ENTRY_SIGNING_CONTEXT + entry_message(data))
                except InvalidSignature:
                    author = signed.entry.author
                    raise VerificationError(f"bad signature: not made by {author}'s key") from None
            except VerificationError as exc:
                return start, None, (seq, str(exc))
        if expected != stop:
            return start, None, (expected, "entry is missing from the store")
        levels = rfc6962.perfect_levels(hashes)
        for level in range(1, len(levels)):
            base = start >> level
            stored = dict(store.iter_nodes(level, base, base + len(levels[level])))
            for i, h in enumerate(levels[level]):
                if stored.get(base + i) != h:
                    seq = (base + i) << level
                    where = f"level {level}, index {base + i}"
                    return start, None, (seq, f"stored Merkle node ({where}) is wrong")
        tree = CompactRange()
        for h in hashes:
            tree.append(h)
        return start, tree.edge, None
    finally:
        store.close()


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
        chunk = 1 << CHUNK_LEVEL
        raw = {p: k.raw for p, k in keys.items()}
        jobs = [(log.url, s, min(s + chunk, size), raw) for s in range(0, size, chunk)]
        if workers > 1 and len(jobs) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                results = list(pool.map(_audit_chunk, jobs))
        else:
            results = [_audit_chunk(job) for job in jobs]
        failures = [failure for _s, _e, failure in results if failure is not None]
        if failures:
            seq, message = min(failures)
            raise VerificationError(f"entry {seq}: {message}")
        root = _combine(log, [edge for _s, edge, _f in results], size)
        checkpoint, cosigners = _check_latest_checkpoint(log, keys, size)
        return AuditReport(size=size, root=root, checkpoint=checkpoint, cosigners=cosigners)
    finally:
        log.close()


def _combine(log: Any, edges: list[list[bytes]], size: int) -> bytes:
    """Fold chunk results into the root, checking the stored nodes above the chunk level."""
    n_full = size >> CHUNK_LEVEL
    full = [edges[j][0] for j in range(n_full)]
    partial = edges[n_full] if size % (1 << CHUNK_LEVEL) else []
    levels = rfc6962.perfect_levels(full)
    for up in range(1, len(levels)):
        level = CHUNK_LEVEL + up
        stored = dict(log.iter_nodes(level, 0, len(levels[up])))
        for i, h in enumerate(levels[up]):
            if stored.get(i) != h:
                raise VerificationError(
                    f"entry {i << level}: stored Merkle node (level {level}, index {i}) is wrong"
                )
    edge: list[bytes] = []
    pos = 0
    for level in range(size.bit_length() - 1, CHUNK_LEVEL - 1, -1):
        if size >> level & 1:
            edge.append(levels[level - CHUNK_LEVEL][pos >> level])
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
