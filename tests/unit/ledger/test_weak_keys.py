"""Issue 14, item 4: small-order Ed25519 public keys are refused wherever a key is registered, pinned or read."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import InputError
from moratorium.ledger import open_log
from moratorium.ledger.checkpoint import Checkpoint, equivocation_proof, sign_checkpoint
from moratorium.ledger.keys import PartyKey, PublicKey, weak_public_key

# The eight points of small order on edwards25519 (orders 1, 2, 4, 8) and the two non-canonical encodings of
# points of small order that decode (y >= p), from libsodium's blocklist (crypto_core_ed25519_is_valid_point).
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]


def test_identity_key_forges_a_signature_without_a_private_key() -> None:
    """Why the refusal matters: with A = identity, (R = identity, S = 0) verifies for every message."""
    identity = bytes.fromhex(SMALL_ORDER[0])
    Ed25519PublicKey.from_public_bytes(identity).verify(identity + bytes(32), b"any message at all")


@pytest.mark.parametrize("hexkey", SMALL_ORDER)
def test_small_order_public_key_is_refused(hexkey: str) -> None:
    raw = bytes.fromhex(hexkey)
    assert weak_public_key(raw) is not None
    with pytest.raises(InputError, match="weak Ed25519 public key"):
        PublicKey(party="RU", raw=raw)


def test_real_keys_are_accepted() -> None:
    for i in range(20):
        key = PartyKey.derive("RU", f"seed-{i}").public
        assert weak_public_key(key.raw) is None


def test_small_order_key_is_refused_when_registered_pinned_or_read(tmp_path: Path) -> None:
    weak = base64.b64encode(bytes.fromhex(SMALL_ORDER[0])).decode()
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps([{"party": "RU", "public_key": weak}]))
    code = "from moratorium.cli import main; main()"
    with open_log(str(tmp_path / "l.db")):
        pass
    r = subprocess.run([sys.executable, "-c", code, "log", "verify", str(tmp_path / "l.db"), "--keys", str(keys),
                        "--allow-unanchored"], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 2 and "weak Ed25519 public key" in r.stderr and "Traceback" not in r.stderr
    # a weak key stored in a log by another tool is refused when the log's keyring is read
    import sqlite3

    with sqlite3.connect(tmp_path / "l.db") as conn:
        conn.execute("INSERT INTO ledger_key (party, raw) VALUES (?, ?)", ("RU", bytes.fromhex(SMALL_ORDER[0])))
    with pytest.raises(InputError, match="weak"):
        open_log(str(tmp_path / "l.db"))


def test_party_id_with_a_newline_cannot_name_a_key() -> None:
    with pytest.raises(InputError, match="party id"):
        PartyKey.derive("RU\n\u2014 NATO AAAA", "seed")
    with pytest.raises(InputError, match="party id"):
        PublicKey(party="RU NATO", raw=PartyKey.derive("RU", "x").public.raw)


def test_check_equivocation_without_keys_says_it_proves_only_the_key_in_the_file(tmp_path: Path) -> None:
    mallory = PartyKey.derive("us", "not us at all")
    a = sign_checkpoint(Checkpoint("t/o", 4, bytes(32)), mallory)
    b = sign_checkpoint(Checkpoint("t/o", 4, bytes(31) + b"\x01"), mallory)
    (tmp_path / "proof.json").write_text(json.dumps(equivocation_proof(a, b, mallory.public)))
    code = "from moratorium.cli import main; main()"
    r = subprocess.run([sys.executable, "-c", code, "log", "check-equivocation", str(tmp_path / "proof.json")],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0
    assert "for the key inside the file only" in r.stdout and "--keys" in r.stdout
