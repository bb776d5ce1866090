"""C2SP checkpoints, cosignatures and equivocation proofs."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import EquivocationError, VerificationError
from moratorium.ledger import checkpoint as cp
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey
from moratorium.ledger.memory import MemoryLog

ORIGIN = "moratorium.example/inf-2026"


def test_note_format_is_c2sp(us: PartyKey) -> None:
    c = cp.Checkpoint(ORIGIN, 5, bytes(range(32)))
    note = cp.sign_checkpoint(c, us)
    text, sig_line = note.split("\n\n")
    assert text + "\n" == f"{ORIGIN}\n5\n{base64.b64encode(bytes(range(32))).decode()}\n"
    assert sig_line.startswith("\u2014 us ") and sig_line.endswith("\n")
    raw = base64.b64decode(sig_line.split(" ")[2])
    # Independent recomputation of the signed-note key id and signature (C2SP signed-note, type 0x01).
    assert raw[:4] == hashlib.sha256(b"us\n\x01" + us.public.raw).digest()[:4]
    Ed25519PublicKey.from_public_bytes(us.public.raw).verify(raw[4:], (text + "\n").encode())
    assert cp.open_checkpoint(note, us.public) == c
    assert cp.SignedNote.parse(note).render() == note
    assert cp.Checkpoint.parse(c.body()) == c


@pytest.mark.parametrize("body", [
    "o\n5\n", "o\n05\nAAAA\n", "o\nx\nAAAA\n", f"o\n1\n{base64.b64encode(b'x' * 31).decode()}\n",
    "\n1\nAAAA\n", "o\n1\n!!!\n",
])
def test_malformed_checkpoints(body: str) -> None:
    with pytest.raises(VerificationError, match="malformed checkpoint"):
        cp.Checkpoint.parse(body)


def test_wrong_key_or_tampered_note_refused(us: PartyKey, ru: PartyKey) -> None:
    note = cp.sign_checkpoint(cp.Checkpoint(ORIGIN, 5, bytes(32)), us)
    with pytest.raises(VerificationError):
        cp.open_checkpoint(note, ru.public)
    with pytest.raises(VerificationError):
        cp.open_checkpoint(note.replace("\n5\n", "\n6\n"), us.public)
    with pytest.raises(VerificationError):
        cp.open_checkpoint(note.replace("\u2014", "-"), us.public)


def _log(us: PartyKey, ru: PartyKey, make: Callable[..., SignedEntry], n: int) -> MemoryLog:
    log = MemoryLog()
    log.register_key(us.public)
    log.register_key(ru.public)
    log.append_many([make(us, i) for i in range(n)])
    return log


def test_cosign_chain_and_verify(us: PartyKey, ru: PartyKey, make: Callable[..., SignedEntry]) -> None:
    log = _log(us, ru, make, 5)
    note = cp.make_checkpoint(log, us, origin=ORIGIN)
    cosigned = cp.cosign(log, note, ru, operator="us", timestamp=1_700_000_000)
    assert cp.verify_cosignature(cosigned, ru.public) == 1_700_000_000
    line = cosigned.rstrip("\n").split("\n")[-1]
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == hashlib.sha256(b"ru\n\x04" + ru.public.raw).digest()[:4]
    msg = b"cosignature/v1\ntime 1700000000\n" + note.split("\n\n")[0].encode() + b"\n"
    Ed25519PublicKey.from_public_bytes(ru.public.raw).verify(raw[12:], msg)
    assert cp.open_checkpoint(cosigned, us.public).size == 5
    assert log.checkpoints() == [cosigned]
    log.append_many([make(ru, i) for i in range(7)])
    fresh = cp.make_checkpoint(log, us, origin=ORIGIN)
    later = cp.cosign(log, fresh, ru, operator="us", timestamp=1_700_000_100)
    assert log.cosigned_state("ru", ORIGIN) == later
    with pytest.raises(EquivocationError):  # rollback to the smaller checkpoint
        cp.cosign(log, note, ru, operator="us", timestamp=1_700_000_200)
    with pytest.raises(VerificationError):
        cp.verify_cosignature(note, ru.public)


def test_equivocation_detected_and_proof_checks(us: PartyKey, ru: PartyKey, make: Callable[..., SignedEntry],
                                                tmp_path: Any) -> None:
    log = _log(us, ru, make, 4)
    honest = cp.make_checkpoint(log, us, origin=ORIGIN)
    cp.cosign(log, honest, ru, operator="us", timestamp=1)
    forked = cp.sign_checkpoint(cp.Checkpoint(ORIGIN, 4, hashlib.sha256(b"fork").digest()), us)
    with pytest.raises(cp.ForkProvenError) as info:
        cp.cosign(log, forked, ru, operator="us", timestamp=2)
    a, b = cp.check_equivocation(info.value.proof)
    assert a.size == b.size == 4 and a.root != b.root
    cp.check_equivocation(info.value.proof, operator=us.public)
    with pytest.raises(VerificationError):
        cp.check_equivocation(info.value.proof, operator=ru.public)
    same = dict(info.value.proof, checkpoints=[honest, honest])
    with pytest.raises(VerificationError, match="agree"):
        cp.check_equivocation(same)
    unsigned = dict(info.value.proof, checkpoints=[honest, forked.replace("\u2014 us", "\u2014 ru")])
    with pytest.raises(VerificationError):
        cp.check_equivocation(unsigned)
    with pytest.raises(VerificationError, match="malformed"):
        cp.check_equivocation({"format": cp.EQUIVOCATION_FORMAT})


def test_cosigner_refuses_an_inconsistent_log(us: PartyKey, ru: PartyKey,
                                              make: Callable[..., SignedEntry]) -> None:
    log = _log(us, ru, make, 3)
    cp.cosign(log, cp.make_checkpoint(log, us, origin=ORIGIN), ru, operator="us", timestamp=1)
    # The operator rewrites history: another log with a different entry 1, presented to the same cosigner.
    other = _log(us, ru, make, 1)
    other.append_many([make(ru, 99)] + [make(us, i) for i in range(2, 6)])
    other.set_cosigned_state("ru", ORIGIN, log.cosigned_state("ru", ORIGIN) or "")
    with pytest.raises(EquivocationError, match="not consistent"):
        cp.cosign(other, cp.make_checkpoint(other, us, origin=ORIGIN), ru, operator="us", timestamp=2)
    fake = cp.sign_checkpoint(cp.Checkpoint(ORIGIN, 6, bytes(32)), us)
    with pytest.raises(cp.ForkProvenError):  # other already holds a different signed checkpoint at 6
        cp.cosign(other, fake, ru, operator="us", timestamp=3)
    with pytest.raises(EquivocationError, match="not the log's"):
        cp.cosign(_log(us, ru, make, 6), fake, ru, operator="us", timestamp=3)
