"""One test suite for every log: in memory, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import pytest

from moratorium.errors import ConflictError, InputError, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey
from moratorium.ledger.log import Log

Make = Callable[..., SignedEntry]


def test_implements_log_protocol(log: Any) -> None:
    assert isinstance(log, Log)
    assert log.size == 0
    assert log.root_hash() == rfc6962.EMPTY_ROOT


def test_append_entries_roots_and_proofs(log: Any, us: PartyKey, ru: PartyKey, make: Make) -> None:
    batch = [make(us if i % 3 else ru, i) for i in range(37)]
    for i, e in enumerate(batch[:5]):
        assert log.append(e) == i
    assert log.append_many(batch[5:]) == list(range(5, 37))
    assert log.size == 37
    assert list(log.entries()) == batch
    assert list(log.entries(3, 7)) == batch[3:7]
    datas = [e.leaf_data() for e in batch]
    for size in (1, 2, 5, 16, 17, 36, 37):
        root = rfc6962.root_hash(datas[:size])
        assert log.root_hash(size) == root
        for index in range(0, size, 5):
            proof = log.inclusion_proof(index, size)
            assert proof == rfc6962.inclusion_proof(datas, index, size)
            rfc6962.verify_inclusion(rfc6962.hash_leaf(datas[index]), index, size, proof, root)
        for size1 in range(1, size + 1, 4):
            cproof = log.consistency_proof(size1, size)
            rfc6962.verify_consistency(size1, size, cproof, log.root_hash(size1), root)
    with pytest.raises(InputError):
        log.entries(0, 38)
    with pytest.raises(InputError):
        log.root_hash(38)
    with pytest.raises(InputError):
        log.inclusion_proof(37, 37)


def test_forged_wrong_party_and_replayed_entries_are_refused(log: Any, us: PartyKey, ru: PartyKey,
                                                             make: Make) -> None:
    good = make(us, 1)
    log.append(good)
    forged = dataclasses.replace(good, signature=bytes(64))
    with pytest.raises(VerificationError):
        log.append(forged)
    other = make(us, 2)
    # A valid signature by the wrong party: ru signs an entry that claims us as its author.
    wrong_party = dataclasses.replace(other, signature=ru.sign(other.entry.signing_message()))
    with pytest.raises(VerificationError):
        log.append(wrong_party)
    tampered_body = dataclasses.replace(other, entry=dataclasses.replace(other.entry, body={"n": 999}))
    with pytest.raises(VerificationError):
        log.append(tampered_body)
    stranger = PartyKey.derive("cn", "ledger-tests")
    with pytest.raises(VerificationError):
        log.append(make(stranger, 3))
    with pytest.raises(ConflictError):
        log.append(good)
    with pytest.raises(ConflictError):
        log.append_many([other, other])
    assert log.size == 1


def test_failed_batch_writes_nothing(log: Any, us: PartyKey, make: Make) -> None:
    log.append(make(us, 0))
    root = log.root_hash()
    bad = dataclasses.replace(make(us, 2), signature=bytes(64))
    with pytest.raises(VerificationError):
        log.append_many([make(us, 1), bad])
    assert log.size == 1
    assert log.root_hash() == root
    assert log.append(make(us, 1)) == 1


def test_keys_conflict(log: Any, us: PartyKey) -> None:
    log.register_key(us.public)  # idempotent
    with pytest.raises(ConflictError):
        log.register_key(PartyKey.derive("us", "another seed").public)
    assert set(log.keyring()) == {"us", "ru"}
    assert log.keyring()["us"] == us.public


def test_checkpoint_and_cosigner_storage(log: Any) -> None:
    log.save_checkpoint("o", 1, b"r" * 32, "note 1")
    log.save_checkpoint("o", 3, b"s" * 32, "note 3")
    log.save_checkpoint("o", 1, b"r" * 32, "note 1 cosigned")
    assert log.checkpoints() == ["note 3", "note 1 cosigned"]
    assert log.checkpoints(size=1) == ["note 1 cosigned"]
    assert log.cosigned_state("ru", "o") is None
    log.set_cosigned_state("ru", "o", "a")
    log.set_cosigned_state("ru", "o", "b")
    assert log.cosigned_state("ru", "o") == "b"


def test_sql_proof_reads_are_logarithmic(log: Any, us: PartyKey, make: Make) -> None:
    if not hasattr(log, "node_reads"):
        pytest.skip("only the SQL log counts node reads")
    log.append_many([make(us, i) for i in range(100)])
    for size in (3, 64, 65, 99, 100):
        for index in (0, size // 2, size - 1):
            before = log.node_reads
            log.inclusion_proof(index, size)
            assert log.node_reads - before <= 2 * math.log2(size)
        before = log.node_reads
        log.consistency_proof(max(1, size - 7), size)
        assert log.node_reads - before <= 2 * math.log2(size)
