"""Entries: the signed statements every party action becomes.

An entry is ``{author, kind, effective, recorded, body}`` (``DESIGN.md``, "Core types"). It is encoded with the
JSON Canonicalization Scheme (RFC 8785, through the ``rfc8785`` library) so that both parties hash and sign the
same bytes, and signed with its author's Ed25519 key over a domain-separated message
(``ENTRY_SIGNING_CONTEXT`` + canonical entry) so an entry signature can never be replayed as a signature on a
checkpoint or an HTTP request.

The Merkle leaf of a signed entry is the canonical JSON of ``{"entry": ..., "signature": base64}``
(``SignedEntry.leaf_data``); a log stores exactly those bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import rfc8785

from moratorium import dates
from moratorium.errors import InputError, VerificationError

__all__ = [
    "ENTRY_SIGNING_CONTEXT",
    "Entry",
    "SignedEntry",
    "canonical_json",
    "long_digit_run",
]

ENTRY_SIGNING_CONTEXT = b"moratorium/entry/v1\n"

_FIELDS = ("author", "kind", "effective", "recorded", "body")


# An integer of 2**53 or more (outside RFC 8785's exact range, I-JSON RFC 7493 §2.2) has at least 16 digits.
# Mapping every digit to "0" and searching for sixteen of them is several times faster than a regular expression.
_DIGITS_TO_ZERO = bytes(b"0"[0] if chr(c).isdigit() and c < 128 else c for c in range(256))
_SIXTEEN_DIGITS = b"0" * 16


def long_digit_run(data: bytes) -> bool:
    """``data`` holds a run of 16 or more ASCII digits (the only way a number can leave the exact range)."""
    return _SIXTEEN_DIGITS in data.translate(_DIGITS_TO_ZERO)


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON bytes of ``value``; ``InputError`` if it is not representable.

    Total and symmetric: whatever this returns, a reader parses and canonicalises back to the same bytes. RFC 8785
    §3.2.2.3 writes a float with an integral value below 1e21 as bare digits (ECMAScript ``Number.toString``), so
    a float such as ``1e16`` becomes ``10000000000000000``, which every JSON reader takes for an integer beyond
    2**53 that RFC 8785 refuses to canonicalise: such a value is refused here, at signing, with a clear error.
    """
    try:
        out = bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InputError(f"not canonical JSON: {exc}") from exc
    if long_digit_run(out):
        _check_reads_back(out)
    return out


# The C ``json`` encoder writes RFC 8785 exactly for ASCII text, integers below 2**53 and no floats (the
# ``moratorium.ledger._merkle`` docstring says why), at a tenth of the pure-Python encoder's cost.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
# A float as ``json`` writes it (``repr``: digits then ``.`` or ``e``) always follows ``:`` ``,`` or ``[`` in
# compact JSON, so text without this pattern holds no float; a match (possibly inside a string) only means "take
# the reference path".
FLOAT_PATTERN = r"[:,\[]-?\d+[.eE]"
_FLOAT = re.compile(FLOAT_PATTERN)


def _canonical_plain(value: dict[str, Any]) -> bytes:
    """``canonical_json(value)`` for the plain JSON data of an entry (``to_json``: string keys, lists), through
    the C ``json`` encoder where that provably gives the same bytes, else the reference (which also refuses)."""
    try:
        text = _encode(value)
    except (TypeError, ValueError):
        return canonical_json(value)
    if text.isascii() and _FLOAT.search(text) is None:
        data = text.encode("ascii")
        if not long_digit_run(data):
            return data
    return canonical_json(value)


def _check_reads_back(out: bytes) -> None:
    try:
        again = bytes(rfc8785.dumps(json.loads(out)))
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        again = None
    if again != out:
        raise InputError("not canonical JSON: a number of magnitude 2**53 or more with an integral value (such as "
                         "the float 1e16) is written as bare digits that no reader can canonicalise again; send it "
                         "as a string, or as a float below 2**53")


@dataclass(frozen=True)
class Entry:
    """One party action, before signing.

    Attributes
    ----------
    author: the party id that makes the statement and signs it.
    kind: the entry type (``declaration``, ``deployment``, ``observation``... see ``moratorium.regime.kinds``).
    effective: ISO 8601 date (or year-month) or time at which the reported fact took effect in the world.
    recorded: ISO 8601 date or time at which the author wrote it down (notification deadlines compare the two).
    body: the kind-specific content, JSON-compatible.
    """

    author: str
    kind: str
    effective: str
    recorded: str
    body: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("author", "kind"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InputError("must be a non-empty string", field=name)
        for name in ("effective", "recorded"):
            value = getattr(self, name)
            # month precision ("2024-04") where the public record is no more precise; the calendar is checked
            dates.parse(value, field=name)
        if not isinstance(self.body, Mapping):
            raise InputError("must be an object", field="body")

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON object (the form that is canonicalised and signed)."""
        return {
            "author": self.author,
            "kind": self.kind,
            "effective": self.effective,
            "recorded": self.recorded,
            "body": _plain(self.body),
        }

    @classmethod
    def from_json(cls, obj: Any) -> Entry:
        """Parse the output of ``to_json``; ``InputError`` naming the field on anything else."""
        if not isinstance(obj, Mapping):
            raise InputError("an entry must be a JSON object", field="entry")
        missing = [name for name in _FIELDS if name not in obj]
        if missing:
            raise InputError("missing field", field=f"entry.{missing[0]}")
        extra = sorted(set(obj) - set(_FIELDS))
        if extra:
            raise InputError("unknown field", field=f"entry.{extra[0]}")
        return cls(
            author=obj["author"],
            kind=obj["kind"],
            effective=obj["effective"],
            recorded=obj["recorded"],
            body=obj["body"],
        )

    def canonical(self) -> bytes:
        """RFC 8785 canonical bytes of the entry."""
        return _canonical_plain(self.to_json())

    def signing_message(self) -> bytes:
        """The exact bytes an author signs: a context string, then the canonical entry."""
        return ENTRY_SIGNING_CONTEXT + self.canonical()


@dataclass(frozen=True)
class SignedEntry:
    """An entry with its author's Ed25519 signature (64 bytes)."""

    entry: Entry
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {"entry": self.entry.to_json(), "signature": base64.b64encode(self.signature).decode("ascii")}

    def leaf_data(self) -> bytes:
        """The bytes the log stores and the Merkle tree hashes as a leaf (RFC 8785 of ``to_json``)."""
        return _canonical_plain(self.to_json())

    @classmethod
    def from_json(cls, obj: Any) -> SignedEntry:
        if not isinstance(obj, Mapping) or set(obj) != {"entry", "signature"}:
            raise InputError("a signed entry is an object with exactly 'entry' and 'signature'", field="entry")
        sig = obj["signature"]
        if not isinstance(sig, str):
            raise InputError("must be base64 text", field="signature")
        try:
            raw = base64.b64decode(sig, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputError(f"not base64: {exc}", field="signature") from exc
        if len(raw) != 64:
            raise InputError(f"an Ed25519 signature has 64 bytes, got {len(raw)}", field="signature")
        return cls(entry=Entry.from_json(obj["entry"]), signature=raw)

    @classmethod
    def from_leaf_data(cls, data: bytes) -> SignedEntry:
        """Parse stored leaf bytes; ``VerificationError`` if they are not a canonical signed entry."""
        try:
            obj = json.loads(data)
            signed = cls.from_json(obj)
            again = signed.leaf_data()
        except (ValueError, InputError, RecursionError) as exc:
            raise VerificationError(f"malformed stored entry: {exc}") from exc
        if again != data:
            raise VerificationError("malformed stored entry: bytes are not in canonical form")
        return signed


def _plain(value: Any) -> Any:
    """Deep-copy mappings and sequences into plain dicts and lists (the JSON data model)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
