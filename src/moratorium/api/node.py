"""A party node's state: its own log, a verified mirror of each peer's log, checkpoints and witnessing.

``Node`` is what the HTTP layer calls. It owns no clock: every method that needs the time takes ``now``
(POSIX seconds). Writes to any log go through one lock, because a ``SqlLog`` keeps its Merkle frontier in
memory and the web server runs handlers in threads.

Checkpoint origins are ``<origin_prefix>/<treaty>/<party>``; a node knows which peer a checkpoint belongs to
from its origin. Equivocations are not kept in a table of their own: a peer checkpoint that conflicts with
one already held is stored in the mirror beside it (the checkpoint table is keyed by origin, size *and*
root), so ``equivocations()`` finds every pair again after a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moratorium.api._storage import mirror_url
from moratorium.api.view import RegimeView, build_view
from moratorium.errors import ConflictError, InputError, NotFoundError, VerificationError
from moratorium.ledger import open_log
from moratorium.ledger.checkpoint import (
    Checkpoint,
    SignedNote,
    check_equivocation,
    equivocation_proof,
    make_checkpoint,
    open_checkpoint,
    verify_cosignature,
)
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey, PublicKey
from moratorium.regime import kinds

if TYPE_CHECKING:
    from moratorium.catalog import Catalog
    from moratorium.ledger.sqllog import SqlLog
    from moratorium.treaty import Treaty

__all__ = ["DEFAULT_ORIGIN_PREFIX", "Node", "PeerStatus", "WitnessConfig"]

DEFAULT_ORIGIN_PREFIX = "moratorium.example"


class _Pending:
    __slots__ = ("done", "entry", "error", "seq")

    def __init__(self, entry: SignedEntry) -> None:
        self.entry = entry
        self.seq = -1
        self.error: BaseException | None = None
        self.done = False


class GroupCommit:
    """Appends from concurrent requests share transactions (group commit): one durable commit for many entries.

    Why: a signed append is dominated by its commit (SQLite ``synchronous=FULL`` syncs the WAL on every
    transaction), and concurrent writers used to queue for one commit each. Here the first writer to arrive
    becomes the leader and writes every entry pending at that moment with one ``append_many``; writers that
    arrive meanwhile wait and go in the next batch. Each caller still gets its own sequence number only once its
    entry is durable. If a batch is refused (one bad or replayed entry refuses the whole transaction), its
    entries are retried one by one, so each caller sees exactly the error it would have seen alone.
    """

    def __init__(self, write: Callable[[list[SignedEntry]], list[int]], *, max_batch: int = 256) -> None:
        self._write = write
        self._max_batch = max_batch
        self._cv = threading.Condition()
        self._pending: list[_Pending] = []
        self._leading = False
        self.batches = 0

    def append(self, entry: SignedEntry) -> int:
        item = _Pending(entry)
        with self._cv:
            self._pending.append(item)
            while not item.done:
                if self._leading:
                    self._cv.wait()
                    continue
                self._leading = True
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                self._cv.release()
                try:
                    self._run(batch)
                finally:
                    self._cv.acquire()
                    self._leading = False
                    self._cv.notify_all()
        if item.error is not None:
            raise item.error
        return item.seq

    def _run(self, batch: list[_Pending]) -> None:
        self.batches += 1
        try:
            try:
                seqs = self._write([p.entry for p in batch])
            except Exception:
                if len(batch) == 1:
                    raise
                for p in batch:
                    try:
                        p.seq = self._write([p.entry])[0]
                    except Exception as exc:
                        p.error = exc
                return
            for p, seq in zip(batch, seqs, strict=True):
                p.seq = seq
        except BaseException as exc:
            for p in batch:
                if p.seq < 0 and p.error is None:
                    p.error = exc
        finally:
            for p in batch:
                p.done = True


@dataclass
class WitnessConfig:
    """An external C2SP witness this node submits its checkpoints to (``serve --witness VKEY@URL``)."""

    key: PublicKey
    url: str
    size: int = 0
    cosigned_size: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        from moratorium.ledger.checkpoint import vkey

        return {"vkey": vkey(self.key.party, self.key.raw, cosigner=True), "url": self.url,
                "cosigned_size": self.cosigned_size, "error": self.error}


class _MirrorWitnessState:
    """The witness record of ``add-checkpoint``: each mirror's ``ledger_cosigned`` row for this node's party."""

    def __init__(self, node: Node) -> None:
        self._node = node

    def latest(self, origin: str) -> str | None:
        party = self._node.party_of_origin(origin)
        return self._node.log(party).cosigned_state(self._node.party, origin)

    def record(self, origin: str, note: str) -> None:
        log = self._node.log(self._node.party_of_origin(origin))
        cp = Checkpoint.parse(SignedNote.parse(note).text)
        log.save_checkpoint(origin, cp.size, cp.root, note)
        log.set_cosigned_state(self._node.party, origin, note)


@dataclass
class PeerStatus:
    """What a node knows about one peer URL (kept in memory; the mirror itself is durable)."""

    url: str
    party: str | None = None
    last_sync: int | None = None
    mirrored_size: int = 0
    cosigned_size: int | None = None
    error: str | None = None
    inconsistencies: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "party": self.party, "last_sync": self.last_sync,
                "mirrored_size": self.mirrored_size, "cosigned_size": self.cosigned_size, "error": self.error,
                "inconsistencies": list(self.inconsistencies)}


class Node:
    """One party's node over the log at ``db_url`` (own entries) and mirrors of the other parties' logs."""

    def __init__(self, *, treaty: Treaty, key: PartyKey, db_url: str, peers: Sequence[str] = (),
                 origin_prefix: str = DEFAULT_ORIGIN_PREFIX, catalog: Catalog | None = None) -> None:
        parties = [p.id for p in treaty.parties]
        if key.party not in parties:
            raise InputError(f"party {key.party!r} is not a party to {treaty.id} ({', '.join(parties)})",
                             field="party")
        self.treaty = treaty
        self.catalog = catalog
        self.key = key
        self.party = key.party
        self.origin_prefix = origin_prefix
        self.lock = threading.RLock()
        self.own: SqlLog = open_log(db_url)
        self._public = key.public
        self.own.register_key(self._public)
        self.mirrors: dict[str, SqlLog] = {p: open_log(mirror_url(db_url, p)) for p in parties if p != self.party}
        self.peers = [PeerStatus(url=u.rstrip("/")) for u in peers]
        self.witnesses: list[WitnessConfig] = []
        self._view: RegimeView | None = None
        self._group = GroupCommit(self._write_own)

    # -- identities -------------------------------------------------------------------------------------------

    def origin(self, party: str | None = None) -> str:
        return f"{self.origin_prefix}/{self.treaty.id}/{party or self.party}"

    def party_of_origin(self, origin: str) -> str:
        prefix = f"{self.origin_prefix}/{self.treaty.id}/"
        party = origin.removeprefix(prefix) if origin.startswith(prefix) else None
        if party is None or (party != self.party and party not in self.mirrors):
            raise NotFoundError(f"origin {origin!r} is not a log of this treaty's parties", field="note")
        return party

    def log(self, party: str) -> SqlLog:
        """The own log or a mirror; ``NotFoundError`` for a party this node does not know."""
        if party == self.party:
            return self.own
        if party in self.mirrors:
            return self.mirrors[party]
        raise NotFoundError(f"no log for party {party!r}; parties: {', '.join([self.party, *self.mirrors])}",
                            field="party")

    def keyring(self) -> dict[str, PublicKey]:
        """Every key this node trusts: its own and those pinned in the mirrors (first contact, then fixed)."""
        keys = {self.party: self._public}
        for party, mirror in self.mirrors.items():
            k = mirror.keyring().get(party)
            if k is not None:
                keys[party] = k
        return keys

    def public_key(self, party: str) -> PublicKey | None:
        """``keyring().get(party)``, reading only that party's key: the own key from memory (no store read), a
        peer's from its mirror as pinned now."""
        if party == self.party:
            return self._public
        mirror = self.mirrors.get(party)
        return None if mirror is None else mirror.keyring().get(party)

    def pin_peer_key(self, key: PublicKey) -> None:
        """Store a peer's key in its mirror; a different key later is a ``ConflictError`` (key pinning)."""
        with self.lock:
            self.log(key.party).register_key(key)

    # -- writes -----------------------------------------------------------------------------------------------

    def append(self, signed: SignedEntry) -> int:
        """Append one of this party's own entries after checking its kind, body and authority."""
        entry = signed.entry
        if entry.author != self.party:
            raise ConflictError(f"this node keeps {self.party}'s log; an entry by {entry.author} belongs in "
                                f"{entry.author}'s log", field="entry.author")
        parties = {p.id for p in self.treaty.parties}
        body = kinds.parse_body(entry.kind, entry.body)
        kinds.authorize(entry.author, entry.kind, body, parties=parties, treaty_id=self.treaty.id,
                        treaty_sha256=self.treaty.sha256)
        return self._group.append(signed)

    def _write_own(self, batch: list[SignedEntry]) -> list[int]:
        with self.lock:
            seqs = self.own.append_many(batch)
            self._view = None
        return seqs

    def checkpoint(self) -> str:
        """The latest signed checkpoint of the own log, made now if the log has grown since the last one."""
        with self.lock:
            notes = self.own.checkpoints(origin=self.origin())
            if notes:
                cp = Checkpoint.parse(SignedNote.parse(notes[0]).text)
                if cp.size == self.own.size:
                    return notes[0]
            return make_checkpoint(self.own, self.key, origin=self.origin())

    def receive_cosignature(self, note: str) -> list[str]:
        """Merge the peer cosignatures on ``note`` (one of our checkpoints) into the stored note.

        Returns the names of the cosigners now on the stored note. ``VerificationError`` if the note is not
        our checkpoint or carries no valid cosignature by a known peer.
        """
        cp = open_checkpoint(note, self.key.public)
        if cp.origin != self.origin():
            raise VerificationError(f"checkpoint origin {cp.origin!r} is not this log's {self.origin()!r}")
        incoming = SignedNote.parse(note)
        keys = self.keyring()
        valid = []
        for sig in incoming.signatures:
            if sig.name != self.party and sig.name in keys:
                try:
                    verify_cosignature(note, keys[sig.name])
                except VerificationError:
                    continue
                valid.append(sig)
        if not valid:
            raise VerificationError("no valid cosignature by a known peer on the note")
        with self.lock:
            stored = self.own.checkpoints(origin=cp.origin, size=cp.size)
            matching = [n for n in stored if Checkpoint.parse(SignedNote.parse(n).text).root == cp.root]
            if not matching:
                raise NotFoundError(f"this node signed no checkpoint of size {cp.size} with that root",
                                    field="note")
            base = SignedNote.parse(matching[0])
            names = {s.name for s in valid}
            merged = SignedNote(base.text, (*(s for s in base.signatures if s.name not in names), *valid))
            self.own.save_checkpoint(cp.origin, cp.size, cp.root, merged.render())
        return [s.name for s in merged.signatures if s.name != self.party]

    def receive_peer_checkpoint(self, note: str) -> dict[str, Any]:
        """Witness a peer checkpoint gossiped to us (by the peer or by anyone: it is self-authenticating).

        A checkpoint that conflicts with one already held for the same size is stored beside it and reported
        (``EquivocationError`` carrying the portable proof is raised by the caller's choice: here we return it).
        """
        signed = SignedNote.parse(note)
        cp = Checkpoint.parse(signed.text)
        party = self.party_of_origin(cp.origin)
        if party == self.party:
            raise InputError("this is our own log's checkpoint; send cosignatures to /v1/cosignatures",
                             field="note")
        key = self.keyring().get(party)
        if key is None:
            raise NotFoundError(f"no key known yet for {party}: sync with its node first", field="note")
        cp = open_checkpoint(note, key)
        mirror = self.mirrors[party]
        with self.lock:
            for other in mirror.checkpoints(origin=cp.origin, size=cp.size):
                if Checkpoint.parse(SignedNote.parse(other).text).root != cp.root:
                    mirror.save_checkpoint(cp.origin, cp.size, cp.root, note)
                    self._view = None
                    return {"status": "equivocation", "proof": equivocation_proof(other, note, key)}
            if cp.size <= mirror.size and mirror.root_hash(cp.size) != cp.root:
                mirror.save_checkpoint(cp.origin, cp.size, cp.root, note)
                return {"status": "inconsistent", "detail": f"root at size {cp.size} differs from the mirror"}
        return {"status": "behind" if cp.size > mirror.size else "consistent", "size": cp.size,
                "mirrored_size": mirror.size}

    # -- tlog-witness -----------------------------------------------------------------------------------------

    def witnessed_logs(self) -> dict[str, PublicKey]:
        """Origin -> pinned log key of every peer log this node witnesses (``add-checkpoint``)."""
        keys = self.keyring()
        return {self.origin(p): keys[p] for p in self.mirrors if p in keys}

    def add_checkpoint(self, body: bytes, *, now: int) -> str:
        """The C2SP ``add-checkpoint`` of a peer's checkpoint (``moratorium.ledger.witness``), atomically."""
        from moratorium.ledger.witness import add_checkpoint

        with self.lock:
            return add_checkpoint(body, logs=self.witnessed_logs(), state=_MirrorWitnessState(self),
                                  key=self.key, timestamp=now)

    def merge_witness_cosignature(self, note: str) -> None:
        """Store our checkpoint ``note`` with a verified external witness's cosignature added to it."""
        cp = open_checkpoint(note, self.key.public)
        incoming = SignedNote.parse(note)
        with self.lock:
            stored = [n for n in self.own.checkpoints(origin=cp.origin, size=cp.size)
                      if Checkpoint.parse(SignedNote.parse(n).text).root == cp.root]
            if not stored:
                raise NotFoundError(f"this node signed no checkpoint of size {cp.size} with that root", field="note")
            base = SignedNote.parse(stored[0])
            names = {s.name for s in incoming.signatures if s.name != self.party}
            merged = SignedNote(base.text, (*(s for s in base.signatures if s.name not in names),
                                            *(s for s in incoming.signatures if s.name in names)))
            self.own.save_checkpoint(cp.origin, cp.size, cp.root, merged.render())

    # -- reads ------------------------------------------------------------------------------------------------

    def equivocations(self) -> list[dict[str, Any]]:
        """Every portable equivocation proof held (pairs of a peer's checkpoints, same size, other roots)."""
        out = []
        for party, mirror in sorted(self.mirrors.items()):
            key = self.keyring().get(party)
            if key is None:
                continue
            by_size: dict[int, list[str]] = {}
            for note in mirror.checkpoints(origin=self.origin(party)):
                by_size.setdefault(Checkpoint.parse(SignedNote.parse(note).text).size, []).append(note)
            for size, notes in sorted(by_size.items()):
                roots = {Checkpoint.parse(SignedNote.parse(n).text).root: n for n in notes}
                if len(roots) > 1:
                    a, b = sorted(roots.values())[:2]
                    proof = equivocation_proof(a, b, key)
                    check_equivocation(proof, operator=key)
                    out.append({"party": party, "size": size, "proof": proof})
        return out

    def view(self) -> RegimeView:
        """The merged regime view (cached until any log grows)."""
        with self.lock:
            sizes = {p: self.log(p).size for p in [self.party, *self.mirrors]}
            if self._view is None or dict(self._view.sizes) != sizes:
                logs = {p: self.log(p).entries(0, n) for p, n in sizes.items()}
                self._view = build_view(self.treaty, logs, catalog=self.catalog)
            return self._view

    def forget_view(self) -> None:
        """Drop the cached regime view (a mirror changed)."""
        self._view = None

    def close(self) -> None:
        self.own.close()
        for mirror in self.mirrors.values():
            mirror.close()
