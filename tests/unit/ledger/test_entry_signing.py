"""Entries: canonical encoding round trips; forged, replayed-elsewhere and wrong-party signatures fail."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from moratorium.errors import InputError, VerificationError
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry, verify_entry

ENTRY = Entry(author="RU", kind="declaration", effective="2020-10-26", recorded="2020-10-26T12:00:00Z",
              body={"statement": "pas de déploiement", "counts": {"b": 2, "a": 1}})


def test_canonical_bytes_follow_rfc8785_key_order() -> None:
    assert ENTRY.canonical().startswith(b'{"author":"RU","body":{"counts":{"a":1,"b":2},"statement":')


def test_signed_entry_round_trips_through_leaf_bytes() -> None:
    signed = sign_entry(ENTRY, PartyKey.derive("RU", "seed"))
    again = SignedEntry.from_leaf_data(signed.leaf_data())
    assert again == signed
    assert SignedEntry.from_json(json.loads(signed.leaf_data())) == signed


def test_demo_keys_are_deterministic_and_distinct() -> None:
    assert PartyKey.derive("RU", "s").public == PartyKey.derive("RU", "s").public
    assert PartyKey.derive("RU", "s").public != PartyKey.derive("NATO", "s").public


def test_forged_signature_is_refused() -> None:
    ru, nato = PartyKey.derive("RU", "s"), PartyKey.derive("NATO", "s")
    keyring = {"RU": ru.public, "NATO": nato.public}
    signed = sign_entry(ENTRY, ru)
    verify_entry(signed, keyring)
    # NATO signs an entry claiming RU as its author
    forged = SignedEntry(entry=ENTRY, signature=nato.sign(ENTRY.signing_message()))
    with pytest.raises(VerificationError, match="not made by RU"):
        verify_entry(forged, keyring)
    # a valid signature moved onto a changed entry
    tampered = SignedEntry(entry=Entry(**{**ENTRY.__dict__, "effective": "2020-10-27"}), signature=signed.signature)
    with pytest.raises(VerificationError):
        verify_entry(tampered, keyring)
    with pytest.raises(VerificationError, match="no public key"):
        verify_entry(sign_entry(Entry(**{**ENTRY.__dict__, "author": "CN"}), PartyKey.derive("CN", "s")), keyring)


def test_a_key_cannot_sign_for_another_party() -> None:
    with pytest.raises(InputError, match="cannot sign an entry authored by 'RU'"):
        sign_entry(ENTRY, PartyKey.derive("NATO", "s"))


def test_stored_bytes_must_be_canonical() -> None:
    signed = sign_entry(ENTRY, PartyKey.derive("RU", "s"))
    pretty = json.dumps(json.loads(signed.leaf_data()), indent=1).encode()
    with pytest.raises(VerificationError, match="canonical"):
        SignedEntry.from_leaf_data(pretty)


@pytest.mark.parametrize("field", ["effective", "recorded"])
def test_dates_must_be_iso(field: str) -> None:
    with pytest.raises(InputError) as info:
        Entry(**{**ENTRY.__dict__, field: "26/10/2020"})
    assert info.value.field == field


def test_key_file_is_private_and_round_trips(tmp_path: Path) -> None:
    key = PartyKey.generate("RU")
    path = tmp_path / "ru.key"
    key.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert PartyKey.load(path).public == key.public
    with pytest.raises(InputError, match="refusing to overwrite"):
        key.save(path)
    path.write_text('{"party": "RU", "private_key": "not base64!"}')
    with pytest.raises(InputError, match="private_key"):
        PartyKey.load(path)
