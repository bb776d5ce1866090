"""The full audit: a good log passes; any flipped byte of a stored entry or hash is caught and named."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from moratorium.errors import VerificationError
from moratorium.ledger import audit, open_log, rfc6962
from moratorium.ledger.checkpoint import cosign, make_checkpoint
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry

Make = Callable[..., SignedEntry]


@pytest.fixture
def db(tmp_path: Path, us: PartyKey, ru: PartyKey, make: Make) -> Path:
    path = tmp_path / "log.db"
    with open_log(str(path)) as log:
        log.register_key(us.public)
        log.register_key(ru.public)
        log.append_many([make(us if i % 2 else ru, i) for i in range(21)])
        # Entries the fast path must hand to the full canonical check: a float and non-ASCII text.
        odd = Entry(author="us", kind="observation", effective="2020-01-01", recorded="2020-01-01",
                    body={"x": 1.5, "site": "Капустин Яр"})
        log.append(sign_entry(odd, us))
        note = make_checkpoint(log, us, origin="test/log")
        cosign(log, note, ru, operator="us", timestamp=1000)
    return path


@pytest.mark.parametrize("chunk_level", [2, 3, 14])
def test_good_log_verifies(db: Path, monkeypatch: pytest.MonkeyPatch, chunk_level: int) -> None:
    monkeypatch.setattr(audit, "CHUNK_LEVEL", chunk_level)
    report = audit.verify_log(str(db))
    with open_log(str(db)) as log:
        assert report.root == rfc6962.root_hash([e.leaf_data() for e in log.entries()])
    assert report.size == 22
    assert report.checkpoint is not None and report.checkpoint.size == 22
    assert report.cosigners == ("ru",)


def test_two_workers(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "CHUNK_LEVEL", 3)
    assert audit.verify_log(str(db), workers=2).size == 22


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def _flip(db: Path, table: str, column: str, where: str, offset: int, bit: int) -> None:
    with sqlite3.connect(db) as conn:
        (value,) = conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()
        data = bytearray(value)
        data[offset % len(data)] ^= 1 << bit
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (bytes(data),))


@pytest.mark.parametrize("trial", range(12))
def test_flipped_entry_byte_is_named(db: Path, trial: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "CHUNK_LEVEL", 3)
    rng = random.Random(trial)
    seq = rng.randrange(22)
    _flip(db, "ledger_leaf", "data", f"seq = {seq}", rng.randrange(400), rng.randrange(8))
    with pytest.raises(VerificationError, match=f"^entry {seq}:"):
        audit.verify_log(str(db))


@pytest.mark.parametrize("trial", range(12))
def test_flipped_hash_byte_is_caught(db: Path, trial: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "CHUNK_LEVEL", 2 + trial % 3)
    rng = random.Random(trial)
    if trial % 2:
        seq = rng.randrange(22)
        _flip(db, "ledger_leaf", "leaf_hash", f"seq = {seq}", rng.randrange(32), rng.randrange(8))
    else:
        level, idx = rng.choice(_rows(db, "SELECT level, idx FROM ledger_node"))
        where = f"level = {level} AND idx = {idx}"
        _flip(db, "ledger_node", "hash", where, rng.randrange(32), rng.randrange(8))
    with pytest.raises(VerificationError, match=r"^entry "):
        audit.verify_log(str(db))


def test_tampered_checkpoint_or_key_is_caught(db: Path, ru: PartyKey) -> None:
    with sqlite3.connect(db) as conn:
        (note,) = conn.execute("SELECT note FROM ledger_checkpoint").fetchone()
        conn.execute("UPDATE ledger_checkpoint SET note = ?", (note.replace("\n22\n", "\n21\n"),))
    with pytest.raises(VerificationError, match=r"checkpoint|signature"):
        audit.verify_log(str(db))


def test_pinned_keys(db: Path, us: PartyKey, ru: PartyKey) -> None:
    audit.verify_log(str(db), keyring={"us": us.public, "ru": ru.public})
    with pytest.raises(VerificationError, match="pinned"):
        audit.verify_log(str(db), keyring={"us": PartyKey.derive("us", "other").public, "ru": ru.public})
    with pytest.raises(VerificationError, match="no public key"):
        audit.verify_log(str(db), keyring={"us": us.public})
