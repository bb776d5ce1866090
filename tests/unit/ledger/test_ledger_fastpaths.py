"""The speed-ups must not change what is accepted: fast leaf encoding and parsing agree with the RFC 8785
reference, parallel signature verification refuses a bad signature at the right sequence number, batched proof
reads count every node, and the audit's parallel chunking agrees with the serial one."""

from __future__ import annotations

import dataclasses
import functools
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moratorium.errors import ConflictError, InputError, VerificationError
from moratorium.ledger import _merkle, audit, open_log, rfc6962, sqllog
from moratorium.ledger.entry import Entry, SignedEntry, canonical_json
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.ledger.sqllog import SqlLog

Make = Callable[..., SignedEntry]

BODIES: list[Any] = [
    {},
    {"n": 0, "neg": -5, "t": True, "f": False, "z": None, "l": [], "o": {}},
    {"max_safe": 2**53 - 1, "min_safe": -(2**53 - 1)},
    {"too_big": 2**53},
    {"too_small": -(2**53)},
    {"fifteen": 999_999_999_999_999, "sixteen": 1_000_000_000_000_000},
    {"float": 1.5},
    {"whole_float": 2.0},
    {"exp_float": 1e21, "tiny": 1e-7},
    {"nan": float("nan")},
    {"ctrl": "\x00\x01\x08\t\n\x0b\x0c\r\x1f", "del": "a\x7fb", "quote": 'say "hi"', "slash": "a/b\\c"},
    {"text": "1.5 and 1e5 inside a string, and [1.0, 2e3]", "digits": "12345678901234567890"},
    {"cyrillic": "Капустин Яр", "emoji": "\U0001f680"},
    {"\U0001f680": 1, "\ufb01": 2, "a": 3},  # UTF-16 key order differs from code point order
    {"lone": "\ud800"},
    {"nested": [{"b": [1, 2, {"c": "d"}]}, [], [[]]], "B": 1, "a": 2},
    {"tuple": (1, 2)},
    {"set": {1, 2}},
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_leaf_data_agrees_with_rfc8785(body: Any, us: PartyKey) -> None:
    """``leaf_data`` (the C encoder where it provably writes the same) against the reference ``canonical_json``
    (the ``rfc8785`` library): the same bytes, or the same refusal."""
    entry = Entry(author="us", kind="observation", effective="2020-01-01", recorded="2020-01-01T00:00:00Z",
                  body=body)
    signed = SignedEntry(entry=entry, signature=bytes(range(64)))
    try:
        expected = canonical_json(signed.to_json())
    except InputError:
        with pytest.raises(InputError):
            signed.leaf_data()
        return
    assert signed.leaf_data() == expected
    assert entry.canonical() == canonical_json(entry.to_json())
    assert _merkle.leaf_author_signature(expected) == ("us", bytes(range(64)))


def _reference(data: bytes) -> tuple[str, Any]:
    try:
        signed = SignedEntry.from_leaf_data(data)
    except Exception as exc:  # the outcome, whatever it is, is what the fast path must match
        return "error", type(exc)
    return "ok", (signed.entry.author, signed.signature)


def _fast(data: bytes) -> tuple[str, Any]:
    try:
        return "ok", _merkle.leaf_author_signature(data)
    except Exception as exc:
        return "error", type(exc)


def _leaves(us: PartyKey) -> Iterator[bytes]:
    for body in BODIES:
        entry = Entry(author="us", kind="observation", effective="2020-01-01", recorded="2020-01", body=body)
        try:
            yield sign_entry(entry, us).leaf_data()
        except InputError:
            continue


NON_CANONICAL = [
    b'{"entry": {}, "signature": ""}',
    b'{"signature":"AAAA","entry":{}}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'==","signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{"x":1.0},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{"x":NaN},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{"x":-0},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{"x":"\\/"},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{"x":"\\u0041"},"effective":"2020-01-01","kind":"k",'
    b'"recorded":"2020-01-01"},"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{"x":"\\u001F"},"effective":"2020-01-01","kind":"k",'
    b'"recorded":"2020-01-01"},"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":[],"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01\\n","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-13","kind":"k","recorded":"yesterday"},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 84 + b'="}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 88 + b'"}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01","x":1},'
    b'"signature":"' + b"A" * 86 + b'=="}',
    b'{"entry":{"author":"us","body":{},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    b'"signature":"' + b"A" * 86 + b'=="}\n',
    '{"entry":{"author":"us","body":{"x":"é"},"effective":"2020-01-01","kind":"k","recorded":"2020-01-01"},'
    '"signature":"{}=="}'.replace("{}==", "A" * 86 + "==").encode("utf-16"),
]


@pytest.mark.parametrize("data", NON_CANONICAL, ids=range(len(NON_CANONICAL)))
def test_leaf_parse_agrees_with_reference_on_odd_bytes(data: bytes) -> None:
    assert _fast(data) == _reference(data)


def test_leaf_parse_agrees_with_reference_on_mutations(us: PartyKey) -> None:
    rng = random.Random(7)
    leaves = list(_leaves(us))
    alphabet = b'{}[]":,.-+eE0123456789 \\/u\x7fabAZ='
    for _ in range(3000):
        data = bytearray(rng.choice(leaves))
        for _k in range(rng.randrange(1, 3)):
            pos = rng.randrange(len(data))
            op = rng.randrange(3)
            if op == 0:
                data[pos] = rng.choice(alphabet)
            elif op == 1:
                data.insert(pos, rng.choice(alphabet))
            else:
                del data[pos]
        assert _fast(bytes(data)) == _reference(bytes(data)), bytes(data)


# ASCII JSON without floats or numbers beyond 2**53: the domain on which the leaf reader trusts orjson's bytes.
_ascii = st.text(alphabet=st.characters(max_codepoint=127), max_size=12)
_fast_domain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _ascii,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_ascii, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=400, deadline=None)
@given(_fast_domain)
def test_orjson_writes_what_rfc8785_writes_on_the_fast_domain(value: Any) -> None:
    """The independent reference: the ``rfc8785`` library's bytes, for random values of the fast path's domain."""
    import orjson
    import rfc8785

    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == rfc8785.dumps(value)


# Beyond the domain too: floats, numbers at and past 2**53, any text (the reader must send those to the reference).
_any_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | _ascii,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(_ascii, _fast_domain | _any_json, max_size=5), cut=st.integers(0, 400),
       byte=st.integers(0, 127))
def test_leaf_reader_agrees_with_reference_on_random_bodies(body: dict[str, Any], cut: int, byte: int) -> None:
    entry = Entry(author="us", kind="observation", effective="2020-01-01", recorded="2020-01-01T00:00:00Z",
                  body=body)
    try:
        leaf = SignedEntry(entry=entry, signature=bytes(range(64))).leaf_data()
    except InputError:  # not representable (a float RFC 8785 cannot carry back, a lone surrogate): never signed
        return
    assert _fast(leaf) == _reference(leaf) == ("ok", ("us", bytes(range(64))))
    pos = cut % len(leaf)
    for changed in (leaf[:pos] + bytes([byte]) + leaf[pos + 1 :], leaf[:pos] + bytes([byte]) + leaf[pos:]):
        outcome, fields = _reference(changed)
        assert _fast(changed) == (outcome, fields), changed
        if outcome == "ok":  # in a batch, between good leaves, the same answer
            assert _merkle.leaf_authors_signatures([leaf, changed, leaf])[1] == fields
        else:
            with pytest.raises(VerificationError):
                _merkle.leaf_authors_signatures([leaf, changed, leaf])


# -- parallel verification of a batch ---------------------------------------------------------------------------


@pytest.fixture
def sql_log(tmp_path: Path, us: PartyKey, ru: PartyKey) -> Iterator[SqlLog]:
    log = open_log(str(tmp_path / "log.db"))
    log.register_key(us.public)
    log.register_key(ru.public)
    yield log
    log.close()


@pytest.fixture
def helper() -> sqllog._Helper:
    """The verification helper, once it is ready (skip where there is none: one CPU)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = sqllog._get_helper()
        if found is not None:
            return found
        if (os.cpu_count() or 1) < 2:
            pytest.skip("no helper on a single CPU")
        time.sleep(0.02)
    raise AssertionError("the verification helper did not start")


def _forge(entry: SignedEntry) -> SignedEntry:
    return dataclasses.replace(entry, signature=bytes(64))


def _batch(us: PartyKey, ru: PartyKey, make: Make, n: int, first: int = 0) -> list[SignedEntry]:
    return [make(us if i % 2 else ru, first + i) for i in range(n)]


@pytest.mark.parametrize("bad", [[3], [150], [199], [30, 150], [150, 160]])
def test_parallel_verification_names_the_first_bad_entry(sql_log: SqlLog, helper: sqllog._Helper, us: PartyKey,
                                                         ru: PartyKey, make: Make, bad: list[int]) -> None:
    sql_log.append_many(_batch(us, ru, make, 5, first=10_000))
    batch = _batch(us, ru, make, 200)
    assert int(200 * sqllog._HELPER_SHARE) > 200 - 150  # entry 150 on is the helper's share
    for i in bad:
        batch[i] = _forge(batch[i])
    with pytest.raises(VerificationError, match=f"^entry {5 + min(bad)}: bad signature"):
        sql_log.append_many(batch)
    assert sql_log.size == 5
    good = _batch(us, ru, make, 200)
    assert sql_log.append_many(good) == list(range(5, 205))  # the helper's pipe is still in step
    assert sql_log.root_hash() == rfc6962.root_hash([e.leaf_data() for e in sql_log.entries()])


def test_bad_signature_beats_replay_and_missing_key(sql_log: SqlLog, helper: sqllog._Helper, us: PartyKey,
                                                   ru: PartyKey, make: Make) -> None:
    batch = _batch(us, ru, make, 200)
    sql_log.append_many(batch[:1])
    batch[180] = _forge(batch[180])
    with pytest.raises(VerificationError, match=r"^entry 180: bad signature"):
        sql_log.append_many([*batch[1:], batch[0]])  # batch[0] is a replay, reported only after signatures
    stranger = PartyKey.derive("xx", "nobody")
    mixed = _batch(us, ru, make, 200, first=1000)
    mixed[170] = make(stranger, 5)
    mixed[120] = _forge(mixed[120])
    with pytest.raises(VerificationError, match=r"^entry 121: bad signature"):
        sql_log.append_many(mixed)
    mixed[120] = make(us, 77_777)
    with pytest.raises(VerificationError, match=r"^entry 171: no public key"):
        sql_log.append_many(mixed)
    with pytest.raises(ConflictError):
        sql_log.append_many([*batch[1:180], batch[0]])
    assert sql_log.size == 1


def test_dead_helper_falls_back_to_verifying_here(sql_log: SqlLog, helper: sqllog._Helper, us: PartyKey,
                                                  ru: PartyKey, make: Make) -> None:
    import signal

    for pid in helper.pids():
        os.kill(pid, signal.SIGKILL)
    batch = _batch(us, ru, make, 200)
    batch[190] = _forge(batch[190])
    with pytest.raises(VerificationError, match=r"^entry 190: bad signature"):
        sql_log.append_many(batch)
    batch[190] = make(us, 99_999)
    assert sql_log.append_many(batch) == list(range(200))


def test_helper_process_exits_when_closed(helper: sqllog._Helper) -> None:
    processes = list(getattr(helper.pool, "_processes", {}).values())
    assert processes
    sqllog._stop_helper()
    assert all(p.exitcode == 0 for p in processes)


def test_verification_uses_the_standard_process_pool(helper: sqllog._Helper) -> None:
    """Issue 14: no hand-rolled subprocess, pickles over pipes or atexit hook, but ``concurrent.futures``."""
    from concurrent.futures import ProcessPoolExecutor

    assert isinstance(helper.pool, ProcessPoolExecutor)
    assert not hasattr(sqllog, "_helper_main") and not hasattr(sqllog, "_HELPER_CODE")


# -- batched proof reads ------------------------------------------------------------------------------------------


def _record(seen: set[tuple[int, int]], level: int, index: int) -> bytes:
    seen.add((level, index))
    return bytes(32)


def test_batched_proof_reads_count_each_node(sql_log: SqlLog, us: PartyKey, ru: PartyKey, make: Make) -> None:
    sql_log.append_many(_batch(us, ru, make, 300))
    datas = [e.leaf_data() for e in sql_log.entries()]
    rng = random.Random(3)
    for _ in range(60):
        size = rng.randrange(1, 301)
        index = rng.randrange(size)
        wanted: set[tuple[int, int]] = set()
        rfc6962.inclusion_proof_from(index, size, functools.partial(_record, wanted))
        before = sql_log.node_reads
        assert sql_log.inclusion_proof(index, size) == rfc6962.inclusion_proof(datas, index, size)
        assert sql_log.node_reads - before == len(wanted)
        size1 = rng.randrange(1, size + 1)
        before = sql_log.node_reads
        assert sql_log.consistency_proof(size1, size) == rfc6962.consistency_proof(datas, size1, size)
        assert 0 < sql_log.node_reads - before or size1 == size


# -- the audit --------------------------------------------------------------------------------------------------


def test_audit_accepts_delete_character_and_parallel_matches_serial(tmp_path: Path, us: PartyKey, ru: PartyKey,
                                                                    make: Make) -> None:
    path = tmp_path / "log.db"
    with open_log(str(path)) as log:
        log.register_key(us.public)
        log.register_key(ru.public)
        log.append_many(_batch(us, ru, make, 700))
        odd = Entry(author="us", kind="observation", effective="2020-01-01", recorded="2020-01-01",
                    body={"del": "a\x7fb", "ctrl": "\x01"})
        log.append(sign_entry(odd, us))
    serial = audit.verify_log(str(path))
    parallel = audit.verify_log(str(path), workers=2)
    assert serial == parallel and serial.size == 701
    with sqlite3.connect(path) as conn:
        (data,) = conn.execute("SELECT data FROM ledger_leaf WHERE seq = 650").fetchone()
        conn.execute("UPDATE ledger_leaf SET data = ? WHERE seq = 650", (data.replace(b'"n":', b'"n" :'),))
    with pytest.raises(VerificationError, match=r"^entry 650:"):
        audit.verify_log(str(path), workers=2)
