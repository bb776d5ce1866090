"""Escrowed declarations: commit, reveal, verify; nothing uncommitted can be revealed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from typing import Any

import pytest

from moratorium.errors import InputError, NotFoundError, VerificationError
from moratorium.ledger import escrow, rfc6962
from moratorium.ledger.entry import Entry, canonical_json
from moratorium.ledger.keys import PartyKey, sign_entry

ITEMS: list[dict[str, Any]] = [
    {"id": f"L-{i}", "class": "launcher", "site": f"site-{i % 3}", "serial": 1000 + i} for i in range(7)
]


def _rng(seed: int) -> Any:
    r = random.Random(seed)
    return lambda n: r.randbytes(n)


def test_commit_reveal_round_trip() -> None:
    esc = escrow.commit(ITEMS, rng=_rng(1), pad_to=16)
    assert esc.size == 16
    body = esc.commitment_body()
    assert set(body) == {"root", "size", "scheme"} and body["size"] == 16
    for item in ITEMS:
        reveal = esc.reveal(item["id"])
        escrow.verify_reveal(reveal, root=esc.root, size=16)
        seq, parsed = escrow.Reveal.from_body(json.loads(json.dumps(reveal.to_body(3))))
        assert seq == 3 and parsed == dataclasses.replace(reveal, item=item)
    again = escrow.Escrow.from_json(json.loads(json.dumps(esc.to_json())))
    assert again.root == esc.root and again.reveal("L-3") == esc.reveal("L-3")
    with pytest.raises(NotFoundError):
        esc.reveal("L-99")


def test_commitment_is_independent_of_the_formula_in_the_code() -> None:
    salt = bytes(range(32))
    item = {"id": "x", "n": 1}
    expected = hashlib.sha256(b"moratorium/escrow/v1\n" + salt + b'{"id":"x","n":1}').digest()
    assert escrow.item_commitment(item, salt) == expected
    assert canonical_json(item) == b'{"id":"x","n":1}'


def test_uncommitted_or_altered_items_cannot_be_revealed() -> None:
    esc = escrow.commit(ITEMS, rng=_rng(2))
    reveal = esc.reveal("L-2")
    altered = dataclasses.replace(reveal, item={**reveal.item, "site": "elsewhere"})
    with pytest.raises(VerificationError):
        escrow.verify_reveal(altered, root=esc.root, size=esc.size)
    with pytest.raises(VerificationError):
        escrow.verify_reveal(dataclasses.replace(reveal, salt=bytes(32)), root=esc.root, size=esc.size)
    other = esc.reveal("L-4")
    with pytest.raises(VerificationError):  # L-2's item with L-4's position and proof
        escrow.verify_reveal(dataclasses.replace(other, item=reveal.item, salt=reveal.salt),
                             root=esc.root, size=esc.size)
    with pytest.raises(VerificationError):
        escrow.verify_reveal(reveal, root=esc.root, size=esc.size + 1)


def test_salts_hide_items_and_padding_hides_count() -> None:
    a = escrow.commit(ITEMS, rng=_rng(3), pad_to=8)
    b = escrow.commit(ITEMS[:2], rng=_rng(4), pad_to=8)
    assert a.size == b.size == 8 and a.root != b.root
    c = escrow.commit(ITEMS, rng=_rng(5))
    assert set(c.leaves).isdisjoint(a.leaves)  # fresh salts: the same item commits differently
    assert list(a.leaves) == sorted(a.leaves)
    with pytest.raises(InputError):
        escrow.commit(ITEMS, pad_to=3)
    with pytest.raises(InputError):
        escrow.commit([{"id": "a"}, {"id": "a"}])
    with pytest.raises(InputError):
        escrow.commit([{"name": "no id"}])


def test_reveal_entries_in_a_log(us: PartyKey, ru: PartyKey) -> None:
    esc = escrow.commit(ITEMS, rng=_rng(6), pad_to=10)

    def entry(key: PartyKey, kind: str, body: dict[str, Any]) -> Any:
        return sign_entry(Entry(author=key.party, kind=kind, effective="2026-01-01", recorded="2026-01-01",
                                body=body), key)

    log = [entry(us, escrow.COMMIT_KIND, esc.commitment_body())]
    log.append(entry(us, escrow.REVEAL_KIND, esc.reveal("L-1").to_body(0)))
    log.append(entry(us, escrow.REVEAL_KIND, esc.reveal("L-5").to_body(0)))
    assert escrow.verify_escrow_entries(log) == [(1, "L-1"), (2, "L-5")]
    forged = esc.reveal("L-6").to_body(0)
    forged["item"]["serial"] = 1
    with pytest.raises(VerificationError, match=r"^entry 3:"):
        escrow.verify_escrow_entries([*log, entry(us, escrow.REVEAL_KIND, forged)])
    with pytest.raises(VerificationError, match="commitment 0"):
        escrow.verify_escrow_entries([*log, entry(ru, escrow.REVEAL_KIND, esc.reveal("L-6").to_body(0))])
    assert rfc6962.root_hash(esc.leaves) == esc.root
