"""Checkpoints, cosignatures and equivocation proofs in the C2SP formats.

- A checkpoint (C2SP tlog-checkpoint) is the note text ``<origin>\\n<size>\\n<base64 root>\\n`` signed by the
  log operator with a C2SP signed-note Ed25519 signature: the line ``— <name> base64(key_id || sig)`` where
  ``key_id = SHA-256(name || "\\n" || 0x01 || public key)[:4]`` and ``sig`` signs the note text.
- A cosignature (C2SP tlog-cosignature, ``cosignature/v1``) is a further signature line by the other party,
  ``key_id = SHA-256(name || "\\n" || 0x04 || public key)[:4]`` and ``base64(key_id || u64 timestamp || sig)``
  over ``"cosignature/v1\\ntime <timestamp>\\n" || note text``. ``cosign`` gives one only after verifying that
  the new checkpoint is consistent (RFC 9162 §2.1.4) with the last one this cosigner signed (kept in the
  store).
- Two checkpoints of one origin and size with different roots, both signed by the operator, are an
  equivocation: ``equivocation_proof`` makes a portable JSON proof and ``check_equivocation`` checks it.

Key names are party ids. Time is a parameter (``timestamp``, POSIX seconds); nothing here reads the clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from moratorium.errors import EquivocationError, InputError, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger.keys import PartyKey, PublicKey

__all__ = [
    "EQUIVOCATION_FORMAT",
    "Checkpoint",
    "CheckpointLog",
    "ForkProvenError",
    "NoteSignature",
    "SignedNote",
    "check_equivocation",
    "cosign",
    "equivocation_proof",
    "make_checkpoint",
    "open_checkpoint",
    "parse_vkey",
    "sign_checkpoint",
    "verify_cosignature",
    "vkey",
]

EQUIVOCATION_FORMAT = "moratorium-equivocation/v1"
_ED25519, _COSIG_V1 = b"\x01", b"\x04"
_DASH = "\u2014 "


def _key_id(name: str, kind: bytes, raw: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + kind + raw).digest()[:4]


def vkey(party: str, public_key: bytes, *, cosigner: bool = False) -> str:
    """The signed-note verifier key ``<name>+<key id hex>+<base64(type || public key)>`` of an Ed25519 key.

    The form Go's ``golang.org/x/mod/sumdb/note`` and the C2SP tooling (witness and log configurations) use:
    type ``0x01`` (C2SP signed-note Ed25519) by default, ``0x04`` (tlog-cosignature ``cosignature/v1``) with
    ``cosigner=True``; the key id is ``SHA-256(name || 0x0A || type || key)[:4]`` as the checkpoint lines carry.
    """
    if not party or any(c.isspace() or c == "+" or not c.isprintable() for c in party):
        raise InputError(f"a note key name has no spaces, '+' or control characters: {party!r}", field="party")
    if len(public_key) != 32:
        raise InputError(f"an Ed25519 public key has 32 bytes, got {len(public_key)}", field="public_key")
    kind = _COSIG_V1 if cosigner else _ED25519
    key_id = _key_id(party, kind, public_key).hex()
    return f"{party}+{key_id}+{base64.b64encode(kind + public_key).decode()}"


def parse_vkey(text: str) -> tuple[PublicKey, bool]:
    """The key and whether it is a cosigner (``0x04``) key, from a verifier key; ``InputError`` on anything else.

    The key id in the text must be the one the name, type and key give (a typo is caught here, not later as a
    signature that never matches).
    """
    name, _, rest = text.strip().partition("+")
    key_id, _, b64 = rest.partition("+")
    try:
        raw = base64.b64decode(b64, validate=True)
        expected_id = bytes.fromhex(key_id)
    except (binascii.Error, ValueError) as exc:
        raise InputError(f"not a verifier key <name>+<id>+<base64>: {text!r}", field="vkey") from exc
    if not name or len(raw) != 33 or raw[:1] not in (_ED25519, _COSIG_V1) or len(expected_id) != 4:
        raise InputError(f"not an Ed25519 (0x01) or cosignature/v1 (0x04) verifier key: {text!r}", field="vkey")
    if _key_id(name, raw[:1], raw[1:]) != expected_id:
        raise InputError(f"verifier key id {key_id} does not match its name and key", field="vkey")
    return PublicKey(party=name, raw=raw[1:]), raw[:1] == _COSIG_V1


@dataclass(frozen=True)
class Checkpoint:
    """A log's signed claim about itself: origin, tree size and root hash (C2SP tlog-checkpoint)."""

    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        """The note text: three newline-terminated lines."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse note text; ``VerificationError("malformed checkpoint: ...")`` on anything else."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or "" in lines[:-1]:
            raise VerificationError("malformed checkpoint: origin, size, root: one line each")
        origin, size_s, root_s = lines[0], lines[1], lines[2]
        if not origin:
            raise VerificationError("malformed checkpoint: empty origin")
        # ASCII digits only: str.isdigit() also accepts other scripts' digits and superscripts, which int() refuses
        if not (size_s.isascii() and size_s.isdigit()) or len(size_s) > 20 or (
                size_s != "0" and size_s.startswith("0")):
            raise VerificationError(f"malformed checkpoint: size {size_s!r} is not a decimal without zeros")
        try:
            root = base64.b64decode(root_s, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationError(f"malformed checkpoint: root is not base64: {exc}") from exc
        if len(root) != rfc6962.HASH_SIZE:
            raise VerificationError(f"malformed checkpoint: root has {len(root)} bytes, expected 32")
        return cls(origin=origin, size=int(size_s), root=root)


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a signed note: key name, 4-byte key id and the rest of the decoded value."""

    name: str
    key_id: bytes
    value: bytes

    def line(self) -> str:
        return f"{_DASH}{self.name} {base64.b64encode(self.key_id + self.value).decode()}\n"


@dataclass(frozen=True)
class SignedNote:
    """A C2SP signed note: text, a blank line, then one or more signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    @classmethod
    def parse(cls, note: str) -> SignedNote:
        text, sep, sigs = note.rpartition("\n\n")
        if not sep or not sigs.endswith("\n"):
            raise VerificationError("malformed note: no blank line before the signatures")
        out = []
        for line in sigs[:-1].split("\n"):
            name, space, b64 = line.removeprefix(_DASH).rpartition(" ")
            try:
                raw = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if not line.startswith(_DASH) or not space or not name or " " in name or len(raw) < 5:
                raise VerificationError(f"malformed note signature line: {line!r}")
            out.append(NoteSignature(name=name, key_id=raw[:4], value=raw[4:]))
        return cls(text=text + "\n", signatures=tuple(out))

    def find(self, name: str, key_id: bytes) -> NoteSignature:
        for sig in self.signatures:
            if sig.name == name and sig.key_id == key_id:
                return sig
        raise VerificationError(f"no signature by {name!r} (key id {key_id.hex()}) on the note")


def sign_checkpoint(checkpoint: Checkpoint, key: PartyKey) -> str:
    """The signed note of ``checkpoint`` by the operator ``key`` (name: its party id), C2SP signed-note."""
    text = checkpoint.body()
    raw = key.public.raw
    sig = NoteSignature(key.party, _key_id(key.party, _ED25519, raw), key.sign(text.encode()))
    return SignedNote(text, (sig,)).render()


def open_checkpoint(note: str, operator: PublicKey) -> Checkpoint:
    """Verify the operator's signature on a checkpoint note and return the checkpoint it states."""
    signed = SignedNote.parse(note)
    sig = signed.find(operator.party, _key_id(operator.party, _ED25519, operator.raw))
    operator.verify(sig.value, signed.text.encode())
    return Checkpoint.parse(signed.text)


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def verify_cosignature(note: str, cosigner: PublicKey) -> int:
    """Verify ``cosigner``'s cosignature/v1 line on ``note``; return its timestamp (C2SP tlog-cosignature)."""
    signed = SignedNote.parse(note)
    sig = signed.find(cosigner.party, _key_id(cosigner.party, _COSIG_V1, cosigner.raw))
    if len(sig.value) != 8 + 64:
        raise VerificationError(f"cosignature has {len(sig.value)} bytes after the key id, expected 72")
    (timestamp,) = struct.unpack(">Q", sig.value[:8])
    cosigner.verify(sig.value[8:], _cosigned_message(signed.text, timestamp))
    return int(timestamp)


class CheckpointLog(Protocol):
    """What checkpointing needs from a log (``SqlLog`` and ``MemoryLog`` both provide it)."""

    @property
    def size(self) -> int: ...
    def root_hash(self, size: int | None = None) -> bytes: ...
    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]: ...
    def keyring(self) -> dict[str, PublicKey]: ...
    def save_checkpoint(self, origin: str, size: int, root: bytes, note: str) -> None: ...
    def checkpoints(self, *, origin: str | None = None, size: int | None = None) -> list[str]: ...
    def cosigned_state(self, cosigner: str, origin: str) -> str | None: ...
    def set_cosigned_state(self, cosigner: str, origin: str, note: str) -> None: ...


class ForkProvenError(EquivocationError):
    """An equivocation with a portable proof (``proof``, the JSON object ``check_equivocation`` accepts)."""

    def __init__(self, message: str, proof: dict[str, Any]) -> None:
        super().__init__(message)
        self.proof = proof


def make_checkpoint(log: CheckpointLog, key: PartyKey, *, origin: str) -> str:
    """Sign a checkpoint of the log's current size as its operator, store it and return the note."""
    if key.party not in log.keyring():
        raise InputError(f"the operator {key.party!r} has no key registered in the log", field="key")
    checkpoint = Checkpoint(origin=origin, size=log.size, root=log.root_hash())
    note = sign_checkpoint(checkpoint, key)
    _refuse_conflict(log, checkpoint, note, log.keyring()[key.party])
    log.save_checkpoint(origin, checkpoint.size, checkpoint.root, note)
    return note


def _refuse_conflict(log: CheckpointLog, checkpoint: Checkpoint, note: str, operator: PublicKey) -> None:
    for other in log.checkpoints(origin=checkpoint.origin, size=checkpoint.size):
        if Checkpoint.parse(SignedNote.parse(other).text).root != checkpoint.root:
            proof = equivocation_proof(other, note, operator)
            message = f"two checkpoints of {checkpoint.origin} at size {checkpoint.size}"
            raise ForkProvenError(message, proof)


def cosign(log: CheckpointLog, note: str, key: PartyKey, *, operator: str, timestamp: int) -> str:
    """Cosign the operator's checkpoint ``note`` as ``key``'s party, after checking it against the log.

    The checkpoint must carry ``operator``'s valid signature, match the log's root at its size and be
    consistent (RFC 9162 §2.1.4) with the last checkpoint this party cosigned, which is then replaced by it.
    A conflicting checkpoint of the same size raises ``ForkProvenError`` with a portable proof; a smaller
    size than already cosigned, or an inconsistent one, raises ``EquivocationError``. Returns the note with
    the cosignature line appended (also stored in the log).
    """
    if timestamp < 0 or timestamp >= 2**63:
        raise InputError(f"timestamp {timestamp} is outside 0..2**63-1", field="timestamp")
    keys = log.keyring()
    if operator not in keys:
        raise InputError(f"no key registered for the operator {operator!r}", field="operator")
    checkpoint = open_checkpoint(note, keys[operator])
    _refuse_conflict(log, checkpoint, note, keys[operator])
    last_note = log.cosigned_state(key.party, checkpoint.origin)
    if last_note is not None:
        last = open_checkpoint(last_note, keys[operator])
        if last.size == checkpoint.size and last.root != checkpoint.root:
            proof = equivocation_proof(last_note, note, keys[operator])
            raise ForkProvenError(f"two checkpoints of {checkpoint.origin} at size {last.size}", proof)
        if checkpoint.size < last.size:
            raise EquivocationError(f"checkpoint size {checkpoint.size} is behind the cosigned {last.size}")
    if checkpoint.size > log.size:
        raise VerificationError(f"checkpoint size {checkpoint.size} is beyond the local log's {log.size}")
    rfc6962_root = log.root_hash(checkpoint.size)
    if rfc6962_root != checkpoint.root:
        raise EquivocationError(
            f"checkpoint root at size {checkpoint.size} is not the log's: expected {rfc6962_root.hex()}, "
            f"checkpoint says {checkpoint.root.hex()}"
        )
    if last_note is not None and 0 < last.size < checkpoint.size:
        try:
            proof_hashes = log.consistency_proof(last.size, checkpoint.size)
            rfc6962.verify_consistency(last.size, checkpoint.size, proof_hashes, last.root, checkpoint.root)
        except VerificationError as exc:
            raise EquivocationError(f"not consistent with the cosigned size {last.size}: {exc}") from exc
    signed = SignedNote.parse(note)
    raw = key.public.raw
    sig = key.sign(_cosigned_message(signed.text, timestamp))
    line = NoteSignature(key.party, _key_id(key.party, _COSIG_V1, raw), struct.pack(">Q", timestamp) + sig)
    kept = tuple(s for s in signed.signatures if s.name != key.party)
    cosigned = SignedNote(signed.text, (*kept, line)).render()
    log.save_checkpoint(checkpoint.origin, checkpoint.size, checkpoint.root, cosigned)
    log.set_cosigned_state(key.party, checkpoint.origin, cosigned)
    return cosigned


def equivocation_proof(note_a: str, note_b: str, operator: PublicKey) -> dict[str, Any]:
    """The portable proof that ``operator`` signed two different roots for one origin and size."""
    proof = {
        "format": EQUIVOCATION_FORMAT,
        "operator": operator.to_json(),
        "checkpoints": [note_a, note_b],
    }
    check_equivocation(proof)
    return proof


def check_equivocation(proof: Mapping[str, Any], *, operator: PublicKey | None = None) -> tuple[
        Checkpoint, Checkpoint]:
    """Return the two conflicting checkpoints if ``proof`` shows an equivocation; else ``VerificationError``.

    ``operator`` pins the key the proof must be about; without it the key in the file is used (and reported).
    """
    try:
        if proof.get("format") != EQUIVOCATION_FORMAT:
            raise VerificationError(f"not an equivocation proof (format must be {EQUIVOCATION_FORMAT!r})")
        op = proof["operator"]
        key = PublicKey(party=op["party"], raw=base64.b64decode(op["public_key"], validate=True))
        note_a, note_b = proof["checkpoints"]
    except (KeyError, TypeError, ValueError, binascii.Error, InputError) as exc:
        raise VerificationError(f"malformed equivocation proof: {exc!r}") from exc
    if operator is not None and operator != key:
        raise VerificationError(f"the proof is about key {key.key_id}, expected {operator.key_id}")
    a, b = open_checkpoint(str(note_a), key), open_checkpoint(str(note_b), key)
    if a.origin != b.origin or a.size != b.size:
        raise VerificationError(f"not the same origin and size: {a.origin}@{a.size} vs {b.origin}@{b.size}")
    if a.root == b.root:
        raise VerificationError("the two checkpoints agree: no equivocation")
    return a, b
