"""C2SP tlog-witness: the ``add-checkpoint`` state machine, and a client that asks witnesses to cosign.

``POST <prefix>/add-checkpoint`` (https://c2sp.org/tlog-witness) carries ``old <size>\\n``, zero to 63 base64
consistency-proof lines, an empty line and a signed checkpoint. The witness answers, in this order of checks:

- **400** a malformed body, or an old size above the checkpoint's size;
- **404** a checkpoint origin it does not witness;
- **403** no signature on the checkpoint verifies against the log key it trusts for that origin;
- **409** the old size is not the size it last cosigned for that origin (body: that size and a newline, with
  ``Content-Type: text/x.tlog.size``), or the same size with another root;
- **422** the consistency proof from its last cosigned checkpoint does not verify (it must be empty from size 0);
- **200** otherwise: it records the checkpoint as its latest for the origin and answers its cosignature lines
  (C2SP tlog-cosignature, ``cosignature/v1``). Check and update must be atomic: the caller holds one lock over
  ``add_checkpoint`` (``moratorium.api.node.Node`` does).

Time is a parameter (``timestamp``); the state is a ``WitnessState`` (the node keeps it in each mirror's
``ledger_cosigned`` row, the same record its own sync-and-cosign path uses, so the node never cosigns two
inconsistent checkpoints of one log by either path).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from moratorium.errors import Error, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger.checkpoint import (
    _COSIG_V1,
    Checkpoint,
    NoteSignature,
    SignedNote,
    _cosigned_message,
    _key_id,
    open_checkpoint,
    verify_cosignature,
)
from moratorium.ledger.keys import PartyKey, PublicKey

__all__ = [
    "SIZE_CONTENT_TYPE",
    "AddCheckpoint",
    "WitnessError",
    "WitnessState",
    "add_checkpoint",
    "cosignature_line",
    "parse_add_checkpoint",
    "render_add_checkpoint",
    "submit_checkpoint",
]

SIZE_CONTENT_TYPE = "text/x.tlog.size"
MAX_PROOF_LINES = 63
_SIZE_LINE = re.compile(r"^old (0|[1-9][0-9]{0,19})$")


class WitnessError(Error):
    """A refused ``add-checkpoint``: ``status`` is the HTTP status the spec requires; ``size`` is set for 409."""

    def __init__(self, status: int, message: str, *, size: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.size = size


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed ``add-checkpoint`` request body."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str


def render_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The request body for ``old_size``, a consistency ``proof`` and the signed ``note``."""
    lines = [f"old {old_size}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + note).encode()


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse a request body; ``WitnessError(400)`` naming what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WitnessError(400, "the body is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise WitnessError(400, "no empty line between the old size and proof lines and the checkpoint")
    lines = head.split("\n")
    m = _SIZE_LINE.match(lines[0])
    if m is None:
        raise WitnessError(400, f"the first line must be 'old <size>' in decimal, got {lines[0][:40]!r}")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessError(400, f"{len(lines) - 1} consistency proof lines, at most {MAX_PROOF_LINES}")
    proof = []
    for i, line in enumerate(lines[1:], start=2):
        try:
            raw = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != rfc6962.HASH_SIZE:
            raise WitnessError(400, f"line {i}: not a base64 SHA-256 hash")
        proof.append(raw)
    try:
        SignedNote.parse(note)
        Checkpoint.parse(SignedNote.parse(note).text)
    except VerificationError as exc:
        raise WitnessError(400, f"the checkpoint: {exc}") from exc
    return AddCheckpoint(old_size=int(m.group(1)), proof=tuple(proof), note=note)


class WitnessState(Protocol):
    """The witness's record: the latest checkpoint note it cosigned per origin."""

    def latest(self, origin: str) -> str | None: ...
    def record(self, origin: str, note: str) -> None: ...


def cosignature_line(note_text: str, key: PartyKey, *, timestamp: int) -> NoteSignature:
    """``key``'s C2SP ``cosignature/v1`` signature line on checkpoint text ``note_text`` at ``timestamp``."""
    if not 0 <= timestamp < 2**63:
        raise ValueError(f"timestamp {timestamp} is outside 0..2**63-1")
    sig = key.sign(_cosigned_message(note_text, timestamp))
    return NoteSignature(key.party, _key_id(key.party, _COSIG_V1, key.public.raw),
                         struct.pack(">Q", timestamp) + sig)


def add_checkpoint(body: bytes, *, logs: Mapping[str, PublicKey], state: WitnessState, key: PartyKey,
                   timestamp: int) -> str:
    """Run the ``add-checkpoint`` checks on ``body`` and return the cosignature lines (``WitnessError`` if not).

    ``logs`` maps each witnessed origin to the log key trusted for it. The caller holds the lock that makes the
    check of the old size and the update of ``state`` atomic.
    """
    request = parse_add_checkpoint(body)
    claimed = Checkpoint.parse(SignedNote.parse(request.note).text)
    log_key = logs.get(claimed.origin)
    if log_key is None:
        raise WitnessError(404, f"this witness does not witness the log {claimed.origin!r}")
    try:
        cp = open_checkpoint(request.note, log_key)
    except VerificationError as exc:
        raise WitnessError(403, f"no valid signature by the log key {log_key.party}: {exc}") from exc
    if request.old_size > cp.size:
        raise WitnessError(400, f"old size {request.old_size} is above the checkpoint size {cp.size}")
    latest_note = state.latest(cp.origin)
    latest = None if latest_note is None else open_checkpoint(latest_note, log_key)
    held = 0 if latest is None else latest.size
    if request.old_size != held:
        raise WitnessError(409, f"the latest cosigned size of {cp.origin} is {held}, not {request.old_size}",
                           size=held)
    if latest is not None and cp.size == latest.size:
        if cp.root != latest.root:
            raise WitnessError(409, f"a different root at the cosigned size {held}", size=held)
        if request.proof:
            raise WitnessError(422, "a consistency proof between equal sizes must be empty")
    elif held == 0:
        if request.proof:
            raise WitnessError(422, "the consistency proof from size 0 must be empty")
    else:
        assert latest is not None
        try:
            rfc6962.verify_consistency(held, cp.size, list(request.proof), latest.root, cp.root)
        except VerificationError as exc:
            raise WitnessError(422, f"the consistency proof from {held} to {cp.size} does not verify: {exc}") from exc
    signed = SignedNote.parse(request.note)
    line = cosignature_line(signed.text, key, timestamp=timestamp)
    kept = tuple(s for s in signed.signatures if s.name != key.party)
    state.record(cp.origin, SignedNote(signed.text, (*kept, line)).render())
    return line.line()


def submit_checkpoint(post: Callable[[bytes], tuple[int, str, str]], note: str, *, witness: PublicKey,
                      consistency_proof: Callable[[int], list[bytes]], old_size: int = 0) -> tuple[str, int]:
    """Ask a witness to cosign ``note``; return ``(note with its verified cosignature, witness's new size)``.

    ``post(body) -> (status, content type, text)`` sends one request (a seam: the node passes httpx). A 409
    with ``text/x.tlog.size`` teaches the witness's size, and the request is sent once more from there with
    ``consistency_proof(size)``. Cosignature lines not by ``witness`` are ignored, as the spec says; the answer
    must carry a valid one (``VerificationError`` otherwise, or for any other refusal).
    """
    cp = Checkpoint.parse(SignedNote.parse(note).text)
    for _attempt in range(2):
        proof = consistency_proof(old_size) if 0 < old_size < cp.size else []
        status, content_type, text = post(render_add_checkpoint(old_size, proof, note))
        if status == 409 and content_type.split(";")[0].strip() == SIZE_CONTENT_TYPE:
            try:
                size = int(text.strip())
            except ValueError as exc:
                raise VerificationError(f"witness 409 with a malformed size: {text[:40]!r}") from exc
            if size > cp.size or size == old_size:
                raise VerificationError(f"witness {witness.party} holds size {size}; this checkpoint is {cp.size}")
            old_size = size
            continue
        if status != 200:
            raise VerificationError(f"witness {witness.party} refused the checkpoint: HTTP {status}: {text[:200]}")
        signed = SignedNote.parse(note)
        try:
            answer = SignedNote.parse(signed.text + "\n" + text)
        except VerificationError as exc:
            raise VerificationError(f"witness {witness.party}: malformed cosignature lines: {exc}") from exc
        mine = [s for s in answer.signatures if s.name == witness.party]
        merged = SignedNote(signed.text, (*(s for s in signed.signatures if s.name != witness.party), *mine))
        verify_cosignature(merged.render(), witness)
        return merged.render(), cp.size
    raise VerificationError(f"witness {witness.party} kept answering 409")


def problem_extra(exc: WitnessError) -> dict[str, Any]:
    """Fields for the problem body of a refused request."""
    return {} if exc.size is None else {"size": exc.size}
