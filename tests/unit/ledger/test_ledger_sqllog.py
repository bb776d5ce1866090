"""What only the persistent log does: survive reopening, refuse a concurrent writer, read URLs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from moratorium.errors import ConflictError, InputError
from moratorium.ledger import open_log
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey


def test_reopen_keeps_entries_keys_and_root(tmp_path: Path, us: PartyKey,
                                            make: Callable[..., SignedEntry]) -> None:
    path = tmp_path / "x.db"
    with open_log(str(path)) as log:
        log.register_key(us.public)
        log.append_many([make(us, i) for i in range(11)])
        root = log.root_hash()
    with open_log(f"sqlite:///{path}") as log:
        assert log.size == 11
        assert log.root_hash() == root
        assert log.keyring()["us"] == us.public
        assert log.append(make(us, 11)) == 11


def test_two_writers_cannot_fork(tmp_path: Path, us: PartyKey, make: Callable[..., SignedEntry]) -> None:
    path = str(tmp_path / "x.db")
    a = open_log(path)
    a.register_key(us.public)
    b = open_log(path)
    a.append(make(us, 0))
    with pytest.raises(ConflictError):
        b.append(make(us, 1))
    assert b.append(make(us, 1)) == 1  # b reloaded the head after the conflict
    assert a.size == 1  # a's view is stale but it cannot overwrite entry 1
    with pytest.raises(ConflictError):
        a.append(make(us, 2))
    a.close()
    b.close()


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        open_log(str(tmp_path / "absent.db"), create=False)
