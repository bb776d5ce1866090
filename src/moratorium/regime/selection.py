"""Jointly random selection: which sites or items an inspection examines, drawn so no single party chooses.

Protocol (commit-reveal, the classic coin-flipping construction; the parameters are our design):

1. Each party draws a fresh 32-byte nonce (``secrets.token_bytes(32)``, at the CLI/API layer: this module stays
   pure) and logs a commitment ``SHA-256(COMMIT_TAG || len8(context) || context || len8(party) || party ||
   nonce)`` (:func:`commit`). ``context`` names the selection (e.g. the inspection request's id), so a
   commitment cannot be replayed into another draw.
2. Once every commitment is in the log and a checkpoint covering them is cosigned, each party reveals its nonce;
   :func:`verify_reveal` checks it (``VerificationError`` with both hashes on mismatch).
3. The seed is ``SHA-256(SEED_TAG || len8(context) || context || u64(checkpoint_size) || checkpoint_root ||
   for each party in canonical order (sorted by UTF-8 bytes): len8(party) || party || nonce)`` (:func:`seed`).
4. ``k`` of ``N`` indices are drawn from the seed by :func:`draw_indices` (algorithm below), so anyone holding the
   log can re-derive the draw.

Why no party can steer it: each nonce is fixed by its commitment before any is revealed, and the seed is a hash of
all of them, so a party that knows the others' commitments (but not their nonces) cannot aim its own nonce at a
chosen draw; changing any one nonce changes the seed completely. The one residual lever of commit-reveal is to
*refuse* to reveal after seeing the others' nonces; :func:`resolve` turns a missing, late or mismatched reveal
into a :class:`Default` naming the party, which the regime records as a finding. ``len8`` is an 8-byte big-endian
length prefix and ``u64`` an 8-byte big-endian integer, so no two field sequences encode to the same bytes.

Draw algorithm (``draw_indices(seed, k, n)``), chosen to be unbiased and easy to re-implement:

* Random stream: block ``i`` (``i = 0, 1, ...``) is ``SHA-256(DRAW_TAG || seed || u64(i))``; each block yields
  four 64-bit big-endian words, used in order.
* Uniform integer below ``m`` (rejection sampling): let ``limit = 2^64 - (2^64 mod m)``; take the next word ``w``;
  if ``w >= limit`` discard it and take the next; otherwise return ``w mod m``. Every residue then has exactly
  ``limit / m`` preimages, so the result is exactly uniform.
* Selection: a partial Fisher-Yates shuffle of ``[0, n)``: for ``i = 0 .. k-1`` swap position ``i`` with position
  ``i + uniform(n - i)``; the first ``k`` positions, in that order, are the draw. Every ordered ``k``-subset is
  equally likely.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from moratorium.errors import InputError, VerificationError

__all__ = [
    "COMMIT_TAG",
    "DRAW_TAG",
    "NONCE_SIZE",
    "SEED_TAG",
    "Default",
    "Reveal",
    "Selection",
    "commit",
    "draw",
    "draw_indices",
    "resolve",
    "seed",
    "verify_reveal",
]

NONCE_SIZE = 32
COMMIT_TAG = b"moratorium/selection/commit/v1\x00"
SEED_TAG = b"moratorium/selection/seed/v1\x00"
DRAW_TAG = b"moratorium/selection/draw/v1\x00"
_TWO_64 = 1 << 64

T = TypeVar("T")


def _len8(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def _text(value: str, field: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise InputError(f"must be a non-empty string, got {value!r}", field=field)
    return value.encode("utf-8")


def _nonce(nonce: bytes, field: str) -> bytes:
    if not isinstance(nonce, bytes) or len(nonce) != NONCE_SIZE:
        size = len(nonce) if isinstance(nonce, bytes) else type(nonce).__name__
        raise InputError(f"must be {NONCE_SIZE} bytes, got {size}", field=field)
    return nonce


def commit(*, party: str, nonce: bytes, context: str) -> bytes:
    """The 32-byte commitment ``party`` logs before revealing ``nonce`` for the selection named ``context``."""
    message = COMMIT_TAG + _len8(_text(context, "context")) + _len8(_text(party, "party"))
    return hashlib.sha256(message + _nonce(nonce, "nonce")).digest()


def verify_reveal(*, commitment: bytes, party: str, nonce: bytes, context: str) -> None:
    """Return None if ``nonce`` opens ``commitment``; raise ``VerificationError`` with both hashes otherwise."""
    calculated = commit(party=party, nonce=nonce, context=context)
    if not hmac.compare_digest(calculated, commitment):
        raise VerificationError(
            f"selection {context!r}: reveal by {party!r} does not match its commitment: "
            f"expected {commitment.hex()}, calculated {calculated.hex()}"
        )


def seed(*, nonces: Mapping[str, bytes], checkpoint_root: bytes, checkpoint_size: int, context: str) -> bytes:
    """The selection seed from every party's nonce and the latest cosigned checkpoint (module docstring, step 3).

    Parties are taken in canonical order (sorted by their UTF-8 bytes), so the seed does not depend on the order
    in which reveals arrived.
    """
    if len(nonces) < 2:
        raise InputError(f"needs the nonces of at least two parties, got {len(nonces)}", field="nonces")
    if not isinstance(checkpoint_root, bytes) or len(checkpoint_root) != 32:
        raise InputError("must be a 32-byte SHA-256 root hash", field="checkpoint_root")
    if (
        isinstance(checkpoint_size, bool)
        or not isinstance(checkpoint_size, int)
        or not 0 < checkpoint_size < _TWO_64
    ):
        raise InputError(f"must be a positive tree size, got {checkpoint_size!r}", field="checkpoint_size")
    message = bytearray(SEED_TAG)
    message += _len8(_text(context, "context"))
    message += checkpoint_size.to_bytes(8, "big") + checkpoint_root
    for party in sorted(nonces, key=lambda p: _text(p, "party")):
        message += _len8(_text(party, "party")) + _nonce(nonces[party], f"nonces[{party}]")
    return hashlib.sha256(bytes(message)).digest()


class _Stream:
    """64-bit words from SHA-256 in counter mode over the seed."""

    def __init__(self, seed_bytes: bytes) -> None:
        self._seed = seed_bytes
        self._block = 0
        self._words: list[int] = []

    def word(self) -> int:
        if not self._words:
            digest = hashlib.sha256(DRAW_TAG + self._seed + self._block.to_bytes(8, "big")).digest()
            self._block += 1
            self._words = [int.from_bytes(digest[i : i + 8], "big") for i in (24, 16, 8, 0)]
        return self._words.pop()  # words leave in order 0, 8, 16, 24

    def below(self, m: int) -> int:
        limit = _TWO_64 - (_TWO_64 % m)
        while True:
            w = self.word()
            if w < limit:
                return w % m


def draw_indices(seed_bytes: bytes, k: int, n: int) -> tuple[int, ...]:
    """``k`` distinct indices from ``range(n)``, in draw order, re-derivable from ``seed_bytes`` alone.

    Partial Fisher-Yates over a sparse map (memory ``O(k)`` even for large ``n``), driven by
    :class:`_Stream` with rejection sampling; see the module docstring for the exact algorithm.
    """
    if not isinstance(seed_bytes, bytes) or len(seed_bytes) != 32:
        raise InputError("must be a 32-byte seed", field="seed")
    for value, name in ((k, "k"), (n, "n")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"must be a non-negative whole number, got {value!r}", field=name)
    if k > n:
        raise InputError(f"cannot draw {k} of {n}", field="k")
    stream = _Stream(seed_bytes)
    swapped: dict[int, int] = {}
    chosen = []
    for i in range(k):
        j = i + stream.below(n - i)
        chosen.append(swapped.get(j, j))
        swapped[j] = swapped.get(i, i)
    return tuple(chosen)


def draw(seed_bytes: bytes, items: Sequence[T], k: int) -> tuple[T, ...]:
    """``k`` of ``items`` (sites, Mk-41 cells, canisters) drawn with :func:`draw_indices`."""
    return tuple(items[i] for i in draw_indices(seed_bytes, k, len(items)))


@dataclass(frozen=True)
class Reveal:
    """A party's revealed nonce and when it was recorded (any monotone time: log time, seconds...)."""

    nonce: bytes
    at: float


@dataclass(frozen=True)
class Selection:
    """A completed draw: the seed and the chosen indices."""

    context: str
    seed: bytes
    indices: tuple[int, ...]


@dataclass(frozen=True)
class Default:
    """The draw could not be made because parties failed to reveal (``reason`` per party)."""

    context: str
    defaulted: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...]


def resolve(
    *,
    context: str,
    commitments: Mapping[str, bytes],
    reveals: Mapping[str, Reveal],
    deadline: float,
    checkpoint_root: bytes,
    checkpoint_size: int,
    k: int,
    n: int,
) -> Selection | Default:
    """Finish a selection at ``deadline``: the draw if every committed party revealed in time, else a default.

    A party defaults when its reveal is missing, later than ``deadline``, or does not open its commitment.
    Reveals from parties that never committed are refused (``InputError``): they could only bias the seed.
    """
    strangers = sorted(set(reveals) - set(commitments))
    if strangers:
        raise InputError(
            f"reveals from parties without a commitment: {', '.join(strangers)}", field="reveals"
        )
    reasons: list[tuple[str, str]] = []
    for party in sorted(commitments):
        reveal = reveals.get(party)
        if reveal is None:
            reasons.append((party, "no reveal"))
        elif reveal.at > deadline:
            reasons.append((party, f"revealed at {reveal.at} after the deadline {deadline}"))
        else:
            try:
                verify_reveal(commitment=commitments[party], party=party, nonce=reveal.nonce, context=context)
            except (VerificationError, InputError) as exc:
                reasons.append((party, str(exc)))
    if reasons:
        return Default(context=context, defaulted=tuple(p for p, _ in reasons), reasons=tuple(reasons))
    seed_bytes = seed(
        nonces={p: r.nonce for p, r in reveals.items()},
        checkpoint_root=checkpoint_root,
        checkpoint_size=checkpoint_size,
        context=context,
    )
    return Selection(context=context, seed=seed_bytes, indices=draw_indices(seed_bytes, k, n))
