"""Jointly random selection: determinism, uniformity, unbiasability, commitment checks, defaults."""

from __future__ import annotations

import hashlib
from collections import Counter
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chisquare

from moratorium.errors import InputError, VerificationError
from moratorium.regime.selection import (
    DRAW_TAG,
    NONCE_SIZE,
    Default,
    Reveal,
    Selection,
    commit,
    draw,
    draw_indices,
    resolve,
    seed,
    verify_reveal,
)

ROOT = hashlib.sha256(b"checkpoint").digest()
NONCE_RU = bytes(range(32))
NONCE_NATO = bytes(range(32, 64))
CONTEXT = "inspection-7"


def _seed(**override: object) -> bytes:
    arguments: dict[str, object] = {
        "nonces": {"RU": NONCE_RU, "NATO": NONCE_NATO},
        "checkpoint_root": ROOT,
        "checkpoint_size": 42,
        "context": CONTEXT,
    }
    arguments.update(override)
    return seed(**arguments)  # type: ignore[arg-type]


def test_commit_reveal_round_trip() -> None:
    commitment = commit(party="RU", nonce=NONCE_RU, context=CONTEXT)
    assert len(commitment) == 32
    assert verify_reveal(commitment=commitment, party="RU", nonce=NONCE_RU, context=CONTEXT) is None


@pytest.mark.parametrize(
    ("party", "nonce", "context"),
    [("RU", NONCE_NATO, CONTEXT), ("NATO", NONCE_RU, CONTEXT), ("RU", NONCE_RU, "inspection-8")],
)
def test_commitment_mismatch_rejected(party: str, nonce: bytes, context: str) -> None:
    commitment = commit(party="RU", nonce=NONCE_RU, context=CONTEXT)
    with pytest.raises(VerificationError) as caught:
        verify_reveal(commitment=commitment, party=party, nonce=nonce, context=context)
    assert commitment.hex() in str(caught.value)  # expected and calculated both named


def test_seed_is_deterministic_and_order_free() -> None:
    assert _seed() == _seed()
    assert _seed(nonces={"NATO": NONCE_NATO, "RU": NONCE_RU}) == _seed()
    assert draw_indices(_seed(), 4, 24) == draw_indices(_seed(), 4, 24)


def test_every_input_changes_the_seed() -> None:
    """Unbiasability: changing any one party's nonce (or the checkpoint) gives an unrelated seed and draw."""
    flipped = bytes([NONCE_RU[0] ^ 1]) + NONCE_RU[1:]
    variants = {
        _seed(),
        _seed(nonces={"RU": flipped, "NATO": NONCE_NATO}),
        _seed(nonces={"RU": NONCE_RU, "NATO": NONCE_RU}),
        _seed(checkpoint_root=hashlib.sha256(b"other").digest()),
        _seed(checkpoint_size=43),
        _seed(context="inspection-8"),
    }
    assert len(variants) == 6
    draws = {draw_indices(s, 6, 1000) for s in variants}
    assert len(draws) == 6


def test_one_party_cannot_steer_the_draw() -> None:
    """For a fixed honest nonce, the draws reachable by varying the other nonce are spread uniformly."""
    counts = Counter(
        draw_indices(_seed(nonces={"RU": NONCE_RU, "NATO": i.to_bytes(32, "big")}), 1, 8)[0]
        for i in range(4000)
    )
    assert chisquare([counts[i] for i in range(8)]).pvalue > 0.001


def test_draw_is_uniform_over_items() -> None:
    n, k, trials = 24, 2, 6000
    counts: Counter[int] = Counter()
    for t in range(trials):
        counts.update(draw_indices(hashlib.sha256(t.to_bytes(8, "big")).digest(), k, n))
    assert sum(counts.values()) == k * trials
    assert chisquare([counts[i] for i in range(n)]).pvalue > 0.001


def test_draw_is_uniform_over_ordered_pairs() -> None:
    n, trials = 4, 6000
    counts = Counter(draw_indices(hashlib.sha256(t.to_bytes(8, "big")).digest(), 2, n) for t in range(trials))
    pairs = list(permutations(range(n), 2))
    assert set(counts) == set(pairs)
    assert chisquare([counts[p] for p in pairs]).pvalue > 0.001


def test_draw_algorithm_is_re_derivable_from_the_docstring() -> None:
    """An independent re-implementation from the module docstring gives the same draw."""
    s = _seed()

    def words() -> object:
        block = 0
        while True:
            digest = hashlib.sha256(DRAW_TAG + s + block.to_bytes(8, "big")).digest()
            yield from (int.from_bytes(digest[i : i + 8], "big") for i in range(0, 32, 8))
            block += 1

    stream = words()

    def below(m: int) -> int:
        limit = 2**64 - 2**64 % m
        while (w := next(stream)) >= limit:  # type: ignore[call-overload]
            pass
        return int(w % m)

    items = list(range(1000))
    for i in range(10):
        j = i + below(1000 - i)
        items[i], items[j] = items[j], items[i]
    assert draw_indices(s, 10, 1000) == tuple(items[:10])


@given(
    st.binary(min_size=32, max_size=32),
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_draw_shape(seed_bytes: bytes, kn: tuple[int, int]) -> None:
    k, n = kn
    chosen = draw_indices(seed_bytes, k, n)
    assert len(chosen) == k == len(set(chosen))
    assert all(0 <= i < n for i in chosen)
    if k == n:
        assert sorted(chosen) == list(range(n))


def test_draw_items_and_large_populations() -> None:
    cells = [f"L{launcher}C{cell}" for launcher in range(1, 4) for cell in range(1, 9)]
    assert set(draw(_seed(), cells, 3)) <= set(cells)
    assert len(set(draw_indices(_seed(), 5, 10**12))) == 5  # sparse shuffle: no 10^12-element list


@pytest.mark.parametrize(
    "call",
    [
        lambda: draw_indices(b"short", 1, 2),
        lambda: draw_indices(_seed(), 3, 2),
        lambda: draw_indices(_seed(), -1, 2),
        lambda: commit(party="", nonce=NONCE_RU, context=CONTEXT),
        lambda: commit(party="RU", nonce=b"123", context=CONTEXT),
        lambda: _seed(nonces={"RU": NONCE_RU}),
        lambda: _seed(checkpoint_root=b"x"),
        lambda: _seed(checkpoint_size=0),
    ],
)
def test_bad_input(call: object) -> None:
    with pytest.raises(InputError):
        call()  # type: ignore[operator]


def _commitments() -> dict[str, bytes]:
    return {
        "RU": commit(party="RU", nonce=NONCE_RU, context=CONTEXT),
        "NATO": commit(party="NATO", nonce=NONCE_NATO, context=CONTEXT),
    }


def _resolve(reveals: dict[str, Reveal]) -> Selection | Default:
    return resolve(
        context=CONTEXT,
        commitments=_commitments(),
        reveals=reveals,
        deadline=100.0,
        checkpoint_root=ROOT,
        checkpoint_size=42,
        k=2,
        n=24,
    )


def test_resolve_draws_when_everyone_reveals() -> None:
    result = _resolve({"RU": Reveal(NONCE_RU, 10.0), "NATO": Reveal(NONCE_NATO, 100.0)})
    assert isinstance(result, Selection)
    assert result.seed == _seed()
    assert result.indices == draw_indices(_seed(), 2, 24)


def test_refusal_to_reveal_names_the_party() -> None:
    result = _resolve({"RU": Reveal(NONCE_RU, 10.0)})
    assert isinstance(result, Default)
    assert result.defaulted == ("NATO",)


def test_late_and_false_reveals_default() -> None:
    result = _resolve({"RU": Reveal(NONCE_RU, 100.5), "NATO": Reveal(bytes(NONCE_SIZE), 5.0)})
    assert isinstance(result, Default)
    assert result.defaulted == ("NATO", "RU")
    reasons = dict(result.reasons)
    assert "after the deadline" in reasons["RU"]
    assert "does not match" in reasons["NATO"]


def test_reveal_without_commitment_refused() -> None:
    with pytest.raises(InputError):
        _resolve({"RU": Reveal(NONCE_RU, 1.0), "NATO": Reveal(NONCE_NATO, 1.0), "XX": Reveal(NONCE_RU, 1.0)})
