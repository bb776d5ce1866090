"""Merkle methods shared by every log (roots and proofs at any past size, read from perfect-subtree nodes), and
fast paths for the canonical leaf bytes of a signed entry.

Why the fast paths: a leaf is RFC 8785 canonical JSON. The ``rfc8785`` library is pure Python and costs about
as much per entry as an Ed25519 verification, and the audit's reference check (``SignedEntry.from_leaf_data``)
canonicalises a second time. For the common case -- ASCII text, integers below 2**53, no floats -- RFC 8785
output is exactly what the C-accelerated ``json`` module writes with sorted keys, compact separators and
``ensure_ascii=False``, and what ``orjson`` writes with sorted keys (all three escape the same characters,
``"`` ``\\`` and U+0000..U+001F, with the same short and lowercase ``\\u00xx`` forms, and leave ``/`` and
U+007F alone; ASCII keys sort the same by code point as by UTF-16 unit). Signing and ``leaf_data`` use the
first (``moratorium.ledger.entry``), reading the second (``leaf_authors_signatures``: it parses bytes without
decoding them).
Anything outside that case takes the reference path, which is also the only path that *rejects*: the fast
paths only ever accept, so their error messages and edge cases are the reference ones.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import orjson as _ojson

from moratorium.dates import is_valid as _valid_date
from moratorium.errors import InputError
from moratorium.ledger import rfc6962
from moratorium.ledger.entry import FLOAT_PATTERN, SignedEntry, long_digit_run

__all__ = ["MerkleMethods", "entry_message", "leaf_author_signature", "leaf_authors_signatures"]

_SIG_KEY = b',"signature":"'
_ENTRY_FIELDS = frozenset(("author", "kind", "effective", "recorded", "body"))
_LEAF_FIELDS = frozenset(("entry", "signature"))

_FLOAT_BYTES = re.compile(FLOAT_PATTERN.encode())
"""``entry.FLOAT_PATTERN`` over leaf bytes: a leaf without a match holds no float (``orjson`` parses floats, RFC
8785 writes them its own way, so leaves with floats take the reference path)."""
# The batch screen in one C-level pass (``bytes.translate``): digits become ``0`` and ``.`` ``e`` ``E`` become ``.``,
# so ``0.`` marks a digit followed by one of them (maybe a float: the exact pattern decides) and sixteen ``0`` a
# run of digits that may leave the exact range (``long_digit_run``); text with neither needs no regex search,
# which costs more than a microsecond an entry on this text.
_SCREEN = bytes.maketrans(b"0123456789eE", b"0000000000..")
_DIGIT_DOT = b"0."
_SIXTEEN_DIGITS = b"0" * 16
_SIG_TAIL = 90
_oloads = _ojson.loads
_odumps = _ojson.dumps
_SORT_KEYS = _ojson.OPT_SORT_KEYS


# The base64 text of 64 bytes as ``base64.b64encode`` writes it: 86 characters, the last with its 4 padding bits
# zero, then "==". The reference re-encodes the signature, so any other spelling of the same bytes (stray padding
# bits) is not canonical.
_SIG64 = re.compile(r"[A-Za-z0-9+/]{85}[AQgw]==").fullmatch


def _fast_fields(obj: object) -> tuple[str, bytes] | None:
    """``(author, signature)`` if ``obj`` is certainly accepted by ``SignedEntry.from_json``, else None.

    Hand-rolled mirror of ``SignedEntry.from_json``/``Entry.__post_init__`` on plain parsed JSON (dicts and
    lists only), because building the dataclasses costs about 5 us an entry; ``None`` sends the leaf to the
    reference parser, so a rule missing here can only cost speed, never accept a bad entry -- a rule added to
    ``entry.py`` must be added here too (``test_fast_leaf_paths_agree_with_reference`` compares them).
    """
    if type(obj) is not dict or obj.keys() != _LEAF_FIELDS:
        return None
    entry, sig = obj["entry"], obj["signature"]
    if type(entry) is not dict or entry.keys() != _ENTRY_FIELDS or type(sig) is not str:
        return None
    author, kind = entry["author"], entry["kind"]
    if not (type(author) is str and author and type(kind) is str and kind):
        return None
    if not (_valid_date(entry["effective"]) and _valid_date(entry["recorded"])):
        return None
    if type(entry["body"]) is not dict or _SIG64(sig) is None:
        return None
    return author, binascii.a2b_base64(sig)


def leaf_author_signature(data: bytes) -> tuple[str, bytes]:
    """Author and signature of stored leaf bytes, which must be a canonical signed entry.

    Equivalent to ``SignedEntry.from_leaf_data(data)`` (and raises its ``VerificationError`` on bad bytes), but
    for the common case one C-level parse and one C-level re-encoding (see the module docstring).
    """
    [fields] = leaf_authors_signatures([data])
    return fields


def leaf_authors_signatures(datas: Sequence[bytes]) -> list[tuple[str, bytes]]:
    """``leaf_author_signature`` of every leaf in ``datas`` (the audit's hot path, a batch at a time).

    The batch is screened once (ASCII, no float, no run of 16 digits: the fast path's domain, see the module
    docstring); then each leaf is parsed by ``orjson`` straight from its bytes and re-encoded with sorted keys:
    equal bytes mean the leaf is canonical, because on that domain ``orjson`` writes exactly RFC 8785 (compared
    with the ``rfc8785`` library on random values in the tests). Why ``orjson`` rather than the standard
    library's C ``json``: a parse and an encode cost about 4 us an entry against 12 (measured), and the audit's
    goal is set against bare Ed25519 verification, so every microsecond outside it counts. Any leaf this cannot
    vouch for is checked by the reference parser (``SignedEntry.from_leaf_data``, which raises for a bad one).
    """
    # The screen reads each leaf but its last 90 bytes: a leaf this path accepts ends with its signature, 88
    # characters of base64 and ``"}`` (``_fast_fields`` and the re-encoding check that), where no number can be
    # and where base64's digits followed by ``e`` would trip the float screen in nearly every batch.
    try:
        joined = b",".join([d[:-_SIG_TAIL] for d in datas])
    except TypeError:
        joined = b"\x80"  # not all bytes: the reference path says what is wrong
    if not joined.isascii():
        return [_reference_fields(d) for d in datas]
    screened = joined.translate(_SCREEN)
    if _SIXTEEN_DIGITS in screened or (_DIGIT_DOT in screened and _FLOAT_BYTES.search(joined) is not None):
        return [_fast_or_reference(d) for d in datas]
    out = []
    for data in datas:
        try:
            obj = _oloads(data)
            fields = _fast_fields(obj)
            if fields is None or _odumps(obj, option=_SORT_KEYS) != data:
                fields = _reference_fields(data)
        except (_ojson.JSONDecodeError, _ojson.JSONEncodeError):
            fields = _reference_fields(data)
        out.append(fields)
    return out


def _fast_or_reference(data: bytes) -> tuple[str, bytes]:
    """One leaf of a batch that failed the screen: the fast path if this leaf passes it alone."""
    if data.isascii() and not long_digit_run(data) and _FLOAT_BYTES.search(data) is None:
        [fields] = leaf_authors_signatures([data])
        return fields
    return _reference_fields(data)


def _reference_fields(data: bytes) -> tuple[str, bytes]:
    signed = SignedEntry.from_leaf_data(data)
    return signed.entry.author, signed.signature


def entry_message(leaf: bytes) -> bytes:
    """The canonical entry inside canonical leaf bytes ``{"entry":E,"signature":"S"}``, i.e. ``E``.

    RFC 8785 sorts ``entry`` before ``signature`` and serialises nested objects canonically, so the bytes the
    author signed (after the context string) are a slice of the leaf: no second canonicalisation is needed.
    """
    if not leaf.startswith(b'{"entry":') or not leaf.endswith(b'"}'):
        raise ValueError("not a canonical signed entry")
    return leaf[9 : leaf.rindex(_SIG_KEY)]


_T = TypeVar("_T")
_PLACEHOLDER = bytes(rfc6962.HASH_SIZE)


class MerkleMethods:
    """Mixin: ``root_hash``, ``inclusion_proof`` and ``consistency_proof`` over ``_node`` and ``size``.

    Each of them reads all the nodes it needs in one ``_nodes`` call: the RFC 9162 recursions choose which
    nodes to read from the sizes and indices alone, never from hash values, so a dry run with placeholder
    hashes lists them exactly; a store can then fetch them in one query instead of one query per node.
    """

    @property
    def size(self) -> int:
        raise NotImplementedError

    def _node(self, level: int, index: int) -> bytes:
        raise NotImplementedError

    def _nodes(self, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """The hashes of the perfect subtrees ``(level, index)`` in ``wanted``; override to batch the reads."""
        return {(level, index): self._node(level, index) for level, index in wanted}

    def _batched(self, compute: Callable[[rfc6962.NodeReader], _T]) -> _T:
        wanted: dict[tuple[int, int], None] = {}

        def record(level: int, index: int) -> bytes:
            wanted[level, index] = None
            return _PLACEHOLDER

        compute(record)
        got = self._nodes(wanted)
        return compute(lambda level, index: got[level, index])

    def _check_size(self, size: int | None) -> int:
        current = self.size
        size = current if size is None else size
        if not 0 <= size <= current:
            raise InputError(f"tree size {size} is outside 0..{current}", field="size")
        return size

    def root_hash(self, size: int | None = None) -> bytes:
        """``MTH`` of the first ``size`` entries (default: all), RFC 9162 §2.1.1."""
        size = self._check_size(size)
        return self._batched(lambda node: rfc6962.root_from(size, node))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Inclusion proof of entry ``index`` in the tree of ``size`` entries (RFC 9162 §2.1.3.1)."""
        size = self._check_size(size)
        return self._batched(lambda node: rfc6962.inclusion_proof_from(index, size, node))

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """Consistency proof from ``size1`` to ``size2`` entries (RFC 9162 §2.1.4.1), ``0 < size1``."""
        size2 = self._check_size(size2)
        return self._batched(lambda node: rfc6962.consistency_proof_from(size1, size2, node))
