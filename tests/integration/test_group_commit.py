"""Group commit of signed appends (``moratorium.api.node.GroupCommit``): concurrent writers share transactions,
each gets its own sequence number once durable, and a bad entry in a shared batch fails only its own writer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from moratorium.api.node import GroupCommit, Node
from moratorium.errors import ConflictError, VerificationError
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.treaty import load_treaty


def _entry(key: PartyKey, i: int) -> SignedEntry:
    return sign_entry(Entry(author=key.party, kind="notification", effective="2026-01-01", recorded="2026-01-01",
                            body={"event": "other", "text": f"group {i}"}), key)


def test_concurrent_appends_share_commits_and_errors_stay_with_their_writer(tmp_path: Path) -> None:
    key = PartyKey.derive("RU", "group-commit")
    node = Node(treaty=load_treaty("ru-2020-offer"), key=key, db_url=str(tmp_path / "ru.sqlite"))
    entries = [_entry(key, i) for i in range(120)]
    forged = SignedEntry(entry=entries[5].entry, signature=bytes(64))
    node.append(entries[0])
    work: list[SignedEntry] = [*entries[1:], entries[0], forged]  # a replay and a bad signature among them
    results: dict[int, object] = {}
    gate = threading.Barrier(4)

    def one(i: int) -> None:
        if i < 4:
            gate.wait()
        try:
            results[i] = node.append(work[i])
        except (ConflictError, VerificationError) as exc:
            results[i] = exc

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(len(work))))
    seqs = sorted(v for v in results.values() if isinstance(v, int))
    assert seqs == list(range(1, len(entries)))
    assert isinstance(results[len(work) - 2], ConflictError)  # the replay
    assert isinstance(results[len(work) - 1], VerificationError)  # the forged signature
    assert node.own.size == len(entries)
    assert {e.leaf_data() for e in node.own.entries()} == {e.leaf_data() for e in entries}
    assert node._group.batches < len(work)
    node.close()


def test_group_commit_reports_a_failure_of_the_store_to_every_waiter() -> None:
    calls: list[int] = []

    def write(batch: list[SignedEntry]) -> list[int]:
        calls.append(len(batch))
        raise OSError("disk gone")

    group = GroupCommit(write)
    key = PartyKey.derive("RU", "x")
    with pytest.raises(OSError, match="disk gone"):
        group.append(_entry(key, 1))
    assert calls == [1]
