"""Issue 14, item 3: ``log verify`` against an external checkpoint, unanchored logs, duplicate leaves, read-only
opening, and corrupt head or leaf rows (one line, never a traceback)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from moratorium.ledger import open_log
from moratorium.ledger.checkpoint import cosign, make_checkpoint
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry

US, RU = PartyKey.derive("us", "anchor"), PartyKey.derive("ru", "anchor")
ORIGIN = "t/anchor"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from moratorium.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          check=False)


def _entries(n: int) -> list[SignedEntry]:
    return [sign_entry(Entry(author="us", kind="note", effective="2026-01-01", recorded=f"2026-01-01T00:00:{i:02d}Z",
                             body={"i": i}), US) for i in range(n)]


def _log(path: Path, entries: list[SignedEntry], *, checkpoint: bool = True) -> str | None:
    with open_log(str(path)) as log:
        log.register_key(US.public)
        log.register_key(RU.public)
        log.append_many(entries)
        if not checkpoint:
            return None
        note = make_checkpoint(log, US, origin=ORIGIN)
        return cosign(log, note, RU, operator="us", timestamp=1_700_000_000)


@pytest.fixture()
def anchored(tmp_path: Path) -> tuple[Path, Path, list[SignedEntry]]:
    entries = _entries(10)
    note = _log(tmp_path / "l.db", entries)
    assert note is not None
    (tmp_path / "checkpoint.txt").write_text(note)
    return tmp_path / "l.db", tmp_path / "checkpoint.txt", entries


def _drop_checkpoints(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM ledger_checkpoint")


def test_truncated_log_without_checkpoint_row_is_unanchored_and_fails_the_external_checkpoint(
        anchored: tuple[Path, Path, list[SignedEntry]]) -> None:
    db, cp, _ = anchored
    assert run("log", "verify", str(db), "--checkpoint", str(cp), "--require-cosigner", "ru").returncode == 0
    _drop_checkpoints(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM ledger_leaf WHERE seq >= 8")
        conn.execute("DELETE FROM ledger_node WHERE (idx + 1) << level > 8")
        conn.execute("UPDATE ledger_head SET size = 8")
    r = run("log", "verify", str(db))
    assert r.returncode == 1 and "unanchored" in r.stdout + r.stderr
    assert run("log", "verify", str(db), "--allow-unanchored").returncode == 0
    r = run("log", "verify", str(db), "--checkpoint", str(cp))
    assert r.returncode == 1 and "size 10 is beyond the log's 8" in r.stderr


def test_reordered_log_rebuilt_by_its_holder_fails_the_external_checkpoint(
        tmp_path: Path, anchored: tuple[Path, Path, list[SignedEntry]]) -> None:
    _, cp, entries = anchored
    _log(tmp_path / "re.db", entries[::-1], checkpoint=False)  # every signature still valid
    assert run("log", "verify", str(tmp_path / "re.db")).returncode == 1
    r = run("log", "verify", str(tmp_path / "re.db"), "--checkpoint", str(cp), "--format", "json")
    assert r.returncode == 1 and "external checkpoint: root" in r.stderr and "differs" in r.stderr


def test_duplicate_leaf_is_refused_by_the_audit(tmp_path: Path) -> None:
    entries = _entries(3)
    db = tmp_path / "dup.db"
    with open_log(str(db)) as log:
        log.register_key(US.public)
        log.append_many(entries)
    with sqlite3.connect(db) as conn:  # another tool rebuilds the table without its UNIQUE constraint
        conn.executescript("""
            CREATE TABLE leaf2 (seq BIGINT PRIMARY KEY, leaf_hash BLOB NOT NULL, data BLOB NOT NULL);
            INSERT INTO leaf2 SELECT seq, leaf_hash, data FROM ledger_leaf;
            DROP TABLE ledger_leaf; ALTER TABLE leaf2 RENAME TO ledger_leaf;""")
    with open_log(str(db)) as log:
        log._store.find_leaves = lambda hashes: {}  # type: ignore[method-assign]
        log.append(entries[1])  # replayed as entry 3, with correct Merkle nodes
        make_checkpoint(log, US, origin=ORIGIN)
    r = run("log", "verify", str(db))
    assert r.returncode == 1 and "entry 3: replayed entry: the same leaf as entry 1" in r.stderr


def test_require_cosigner_missing_is_exit_1(anchored: tuple[Path, Path, list[SignedEntry]]) -> None:
    db, cp, _ = anchored
    r = run("log", "verify", str(db), "--checkpoint", str(cp), "--require-cosigner", "nato", "--format", "json")
    assert r.returncode == 1 and "required cosigner 'nato'" in r.stderr
    r = run("log", "verify", str(db), "--require-cosigner", "ru", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["cosigners"] == ["ru"]


def test_verify_opens_read_only_and_refuses_an_empty_file_or_another_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    r = run("log", "verify", str(empty), "--allow-unanchored")
    assert r.returncode == 2 and "not a moratorium log" in r.stderr
    assert empty.read_bytes() == b""
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    before = other.read_bytes()
    r = run("log", "verify", str(other), "--allow-unanchored")
    assert r.returncode == 2 and "not a moratorium log" in r.stderr
    assert other.read_bytes() == before
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    r = run("log", "verify", str(junk), "--allow-unanchored")
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    assert str(junk) in r.stderr and "not a SQLite database" in r.stderr
    assert junk.read_bytes() == b"not a database at all" * 100
    r = run("log", "export-tiles", str(junk), str(tmp_path / "tiles"))  # opened for writing: refused the same way
    assert r.returncode == 2 and "not a SQLite database" in r.stderr
    assert junk.read_bytes() == b"not a database at all" * 100


@pytest.mark.parametrize("sql", ["UPDATE ledger_head SET size = 'abc'", "UPDATE ledger_head SET size = NULL",
                                 "DELETE FROM ledger_head", "UPDATE ledger_head SET size = -4",
                                 "UPDATE ledger_leaf SET data = 'text' WHERE seq = 2",
                                 "UPDATE ledger_leaf SET seq = 'x' WHERE seq = 2"])
def test_corrupt_head_or_leaf_row_is_a_one_line_error(anchored: tuple[Path, Path, list[SignedEntry]],
                                                      sql: str) -> None:
    db, _, _ = anchored
    with sqlite3.connect(db) as conn:
        conn.execute(sql)
    for args in (["log", "verify", str(db)], ["log", "prove", str(db), "--index", "2"]):
        r = run(*args)
        assert r.returncode in (1, 2), r.stderr
        assert "Traceback" not in r.stderr and r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, \
            r.stderr
