"""Canonical JSON is total and symmetric (issue 14, item 2), checked against ``jcs``, an independent RFC 8785
implementation (a port of the RFC's reference code by its author), on edge cases and random values."""

from __future__ import annotations

import json
from typing import Any

import jcs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moratorium.errors import InputError, VerificationError
from moratorium.ledger._merkle import leaf_author_signature
from moratorium.ledger.entry import Entry, SignedEntry, canonical_json
from moratorium.ledger.keys import PartyKey, sign_entry

KEY = PartyKey.derive("RU", "canonical-tests")
EDGE_FLOATS = [0.0, -0.0, 0.1, 1.0, -1.5, 1e-7, 1e-6, 1e20, 1e21, 1e22, 2.0**53 - 1, 2.0**53, -(2.0**53), 2.0**53 + 2,
               1e16, 9007199254740993.0, 123456789012345680.0, 5e-324, 2.2250738585072014e-308,
               1.7976931348623157e308, 999999999999999.9, 4.35, 333333333.3333333, 1e-23]


def _reads_back(data: bytes) -> bool:
    try:
        return canonical_json(json.loads(data)) == data
    except InputError:
        return False


@pytest.mark.parametrize("value", EDGE_FLOATS)
def test_edge_floats_match_jcs_or_are_refused_at_signing(value: float) -> None:
    try:
        ours = canonical_json({"v": value})
    except InputError as exc:
        assert "2**53" in str(exc)
        assert value.is_integer() and 2.0**53 <= abs(value) < 1e21
        assert not _reads_back(jcs.canonicalize({"v": value}))  # the reference agrees it cannot be read back
        return
    assert ours == jcs.canonicalize({"v": value})
    assert _reads_back(ours)


def test_float_with_integral_value_beyond_2_53_is_refused_at_signing() -> None:
    entry = Entry(author="RU", kind="declaration", effective="2021-01-01", recorded="2021-01-01",
                  body={"counts": {"x": 1}, "yield_kg": 1e16})
    with pytest.raises(InputError, match="2\\*\\*53"):
        sign_entry(entry, KEY)
    # the same number below 2**53, or as a float that keeps an exponent, signs and reads back
    for ok in (2.0**53 - 1, 1e21, 4503599627370495.5):
        signed = sign_entry(Entry(author="RU", kind="declaration", effective="2021-01-01", recorded="2021-01-01",
                                  body={"yield_kg": ok}), KEY)
        assert SignedEntry.from_leaf_data(signed.leaf_data()).leaf_data() == signed.leaf_data()


def test_stored_leaf_with_integer_beyond_2_53_is_a_verification_error() -> None:
    signed = sign_entry(Entry(author="RU", kind="declaration", effective="2021-01-01", recorded="2021-01-01",
                              body={"n": 1}), KEY)
    data = signed.leaf_data().replace(b'"n":1', b'"n":10000000000000000')
    with pytest.raises(VerificationError, match="malformed stored entry"):
        SignedEntry.from_leaf_data(data)
    with pytest.raises(VerificationError, match="malformed stored entry"):
        leaf_author_signature(data)


_json: Any = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_json)
def test_random_values_match_jcs_and_read_back(value: Any) -> None:
    reference = jcs.canonicalize(value)
    try:
        ours = canonical_json(value)
    except InputError:
        assert not _reads_back(reference)
        return
    assert ours == reference
    assert _reads_back(ours)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _json, max_size=4))
def test_signed_entries_with_random_bodies_read_back_or_are_refused(body: dict[str, Any]) -> None:
    entry = Entry(author="RU", kind="declaration", effective="2021-01-01", recorded="2021-01-01", body=body)
    try:
        signed = sign_entry(entry, KEY)
    except InputError:
        return
    data = signed.leaf_data()
    assert data == jcs.canonicalize(signed.to_json()) == canonical_json(signed.to_json())  # fast == both references
    assert SignedEntry.from_leaf_data(data).leaf_data() == data
    assert leaf_author_signature(data) == ("RU", signed.signature)


def _leaf(i: int) -> bytes:
    return sign_entry(Entry(author="RU", kind="note", effective="2021-01-01", recorded="2021-01-01",
                            body={"i": i, "s": "a,b"}), KEY).leaf_data()


@pytest.mark.parametrize("mutate", [
    lambda d: d.replace(b'{"entry":', b'{ "entry":', 1),            # whitespace
    lambda d: d.replace(b'"i":1', b'"i":-0', 1),                     # a non-canonical number
    lambda d: d.replace(b'"s":"a,b"', b'"s":"a\\/b"', 1),            # an escape RFC 8785 does not write
    lambda d: d.replace(b'"i":1,"s":"a,b"', b'"s":"a,b","i":1', 1),  # key order
    lambda d: d[:-2] + b'"},{"x":1}',                                # two values in one leaf
    lambda d: d[: len(d) // 2],                                      # half a value
])
def test_batched_leaf_check_refuses_what_the_reference_refuses(mutate: Any) -> None:
    from moratorium.ledger._merkle import leaf_authors_signatures

    leaves = [_leaf(i) for i in range(4)]
    assert leaf_authors_signatures(leaves) == [leaf_author_signature(d) for d in leaves]
    bad = [*leaves[:1], mutate(leaves[1]), *leaves[2:]]
    with pytest.raises(VerificationError, match="malformed stored entry"):
        SignedEntry.from_leaf_data(bad[1])
    with pytest.raises(VerificationError, match="malformed stored entry"):
        leaf_authors_signatures(bad)


def test_batched_leaf_check_cannot_be_fooled_by_shifted_boundaries() -> None:
    """Two non-canonical leaves whose join is canonical text: ``{"a":[1`` and ``2]}`` must not pass as one."""
    from moratorium.ledger._merkle import leaf_authors_signatures

    whole = _leaf(1)
    cut = whole.index(b'"s"')
    with pytest.raises(VerificationError):
        leaf_authors_signatures([whole[:cut], whole[cut:]])
