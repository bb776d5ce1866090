"""tlog-witness in the library: request framing, and the submitting client against an in-memory witness
(``add_checkpoint`` itself), through its 409-then-retry path and its refusals."""

from __future__ import annotations

import pytest

from moratorium.errors import VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger.checkpoint import Checkpoint, sign_checkpoint, verify_cosignature
from moratorium.ledger.keys import PartyKey
from moratorium.ledger.witness import (
    SIZE_CONTENT_TYPE,
    WitnessError,
    add_checkpoint,
    parse_add_checkpoint,
    render_add_checkpoint,
    submit_checkpoint,
)

ORIGIN = "example.com/log"


class _State:
    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def latest(self, origin: str) -> str | None:
        return self.notes.get(origin)

    def record(self, origin: str, note: str) -> None:
        self.notes[origin] = note


def test_the_spec_example_request_body_parses() -> None:
    # The example of c2sp.org/tlog-witness ("old 20852014", four proof lines, the checkpoint); its signatures are
    # not checked here, only the framing.
    body = ("old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
            "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\n"
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
            "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gG"
            "zGku9nTo+zyWE+xeMcTOAYQ8=\n")
    request = parse_add_checkpoint(body.encode())
    assert request.old_size == 20852014 and len(request.proof) == 4
    assert Checkpoint.parse(request.note.split("\n\n")[0] + "\n").size == 20852163
    assert render_add_checkpoint(request.old_size, request.proof, request.note) == body.encode()


def test_submit_learns_the_size_from_409_and_sends_a_consistency_proof() -> None:
    log_key, witness_key = PartyKey.derive("log", "w"), PartyKey.derive("witness", "w")
    leaves = [bytes([i]) for i in range(10)]

    def note(size: int) -> str:
        return sign_checkpoint(Checkpoint(ORIGIN, size, rfc6962.root_hash(leaves[:size])), log_key)

    state = _State()
    sent: list[bytes] = []

    def post(body: bytes) -> tuple[int, str, str]:
        sent.append(body)
        try:
            return 200, "text/plain", add_checkpoint(body, logs={ORIGIN: log_key.public}, state=state,
                                                     key=witness_key, timestamp=77)
        except WitnessError as exc:
            if exc.size is not None and exc.status == 409:
                return 409, SIZE_CONTENT_TYPE, f"{exc.size}\n"
            return exc.status, "application/problem+json", str(exc)

    def proof(old: int, size: int) -> list[bytes]:
        return rfc6962.consistency_proof(leaves, old, size)

    cosigned, held = submit_checkpoint(post, note(4), witness=witness_key.public,
                                       consistency_proof=lambda old: proof(old, 4))
    assert held == 4 and verify_cosignature(cosigned, witness_key.public) == 77
    # A client that forgot the witness's size (old 0) is told 4 and retries with the proof from 4 to 9.
    sent.clear()
    cosigned, held = submit_checkpoint(post, note(9), witness=witness_key.public,
                                       consistency_proof=lambda old: proof(old, 9))
    assert held == 9 and [b.split(b"\n")[0] for b in sent] == [b"old 0", b"old 4"]
    # A witness that answers without a valid cosignature by its key is refused.
    with pytest.raises(VerificationError):
        submit_checkpoint(lambda body: (200, "text/plain", "\u2014 witness AAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"), note(9),
                          witness=witness_key.public, consistency_proof=lambda old: [])
    with pytest.raises(VerificationError, match="HTTP 403"):
        submit_checkpoint(lambda body: (403, "application/problem+json", "no"), note(9),
                          witness=witness_key.public, consistency_proof=lambda old: [])
    # A witness ahead of this checkpoint cannot cosign it.
    with pytest.raises(VerificationError, match="holds size 9"):
        submit_checkpoint(post, note(5), witness=witness_key.public, consistency_proof=lambda old: [])
