"""Escrowed declarations: commit to a full declaration now, reveal it item by item later.

After Philippe, Glaser & Felten (2019), "A cryptographic escrow for treaty declarations and step-by-step
verification" (Science & Global Security 27). Each item (a launcher or missile at a site, a JSON object with
an ``id``) is committed as ``c = SHA-256("moratorium/escrow/v1\\n" || salt || canonical item)`` with a fresh
32-byte salt, so an unrevealed commitment says nothing about its item. The commitments, optionally padded with
random 32-byte strings to hide the count and sorted so that their order says nothing either, are the leaves
of an RFC 9162 Merkle tree whose root goes into the log (entry kind ``declaration-commitment``). A reveal
(entry kind ``declaration-reveal``) gives the item, its salt and the inclusion proof of its commitment
(RFC 9162 §2.1.3); anyone checks it against the committed root. An item that was not committed cannot be
revealed as if it were without a SHA-256 collision or second preimage.

Randomness is a parameter (``rng``, default ``secrets.token_bytes``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from moratorium.errors import InputError, NotFoundError, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger.entry import SignedEntry, canonical_json

__all__ = [
    "COMMIT_KIND",
    "REVEAL_KIND",
    "SCHEME",
    "Escrow",
    "Reveal",
    "commit",
    "item_commitment",
    "verify_escrow_entries",
    "verify_reveal",
]

SCHEME = "moratorium-escrow-v1/sha256-salted-rfc9162"
COMMIT_KIND = "declaration-commitment"
REVEAL_KIND = "declaration-reveal"
_CONTEXT = b"moratorium/escrow/v1\n"
_SALT_SIZE = 32


def item_commitment(item: Mapping[str, Any], salt: bytes) -> bytes:
    """The commitment to one item: ``SHA-256(context || salt || RFC 8785 canonical item)``."""
    if len(salt) != _SALT_SIZE:
        raise InputError(f"a salt has {_SALT_SIZE} bytes, got {len(salt)}", field="salt")
    return hashlib.sha256(_CONTEXT + salt + canonical_json(dict(item))).digest()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: Any, field: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError(f"not base64: {exc}", field=field) from exc


@dataclass(frozen=True)
class Reveal:
    """One opened item: the item, its salt, and the inclusion proof of its commitment at ``index``."""

    item: Mapping[str, Any]
    salt: bytes
    index: int
    size: int
    proof: tuple[bytes, ...]

    def to_body(self, commitment_seq: int) -> dict[str, Any]:
        """The body of a ``declaration-reveal`` entry referring to the commitment entry ``commitment_seq``."""
        return {
            "commitment": commitment_seq,
            "item": dict(self.item),
            "salt": _b64(self.salt),
            "index": self.index,
            "size": self.size,
            "proof": [_b64(p) for p in self.proof],
        }

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> tuple[int, Reveal]:
        """Parse a reveal entry body; return ``(commitment seq, reveal)``."""
        try:
            seq, item, index, size = body["commitment"], body["item"], body["index"], body["size"]
            proof = tuple(_unb64(p, "proof") for p in body["proof"])
            salt = _unb64(body["salt"], "salt")
        except (KeyError, TypeError) as exc:
            raise InputError(f"malformed reveal: {exc!r}", field="body") from exc
        if not all(isinstance(v, int) for v in (seq, index, size)) or not isinstance(item, Mapping):
            raise InputError("malformed reveal: commitment, index, size must be integers", field="body")
        return seq, cls(item=item, salt=salt, index=index, size=size, proof=proof)


def verify_reveal(reveal: Reveal, *, root: bytes, size: int) -> None:
    """Return None if ``reveal`` opens a commitment under ``root`` (a tree of ``size``); else raise."""
    if reveal.size != size:
        raise VerificationError(f"reveal claims {reveal.size} commitments, the committed tree has {size}")
    try:
        leaf = item_commitment(reveal.item, reveal.salt)
    except InputError as exc:
        raise VerificationError(f"reveal does not open a commitment: {exc}") from exc
    rfc6962.verify_inclusion(rfc6962.hash_leaf(leaf), reveal.index, size, reveal.proof, root)


@dataclass(frozen=True)
class Escrow:
    """A committed declaration, with the secrets its author keeps to reveal items later.

    ``leaves`` are the commitments in tree order; ``salts`` maps item ids to ``(item, salt, index)``.
    """

    leaves: tuple[bytes, ...]
    openings: Mapping[str, tuple[Mapping[str, Any], bytes, int]]

    @property
    def root(self) -> bytes:
        return rfc6962.root_hash(self.leaves)

    @property
    def size(self) -> int:
        return len(self.leaves)

    def commitment_body(self) -> dict[str, Any]:
        """The body of the ``declaration-commitment`` entry: only the root, the padded size and the scheme."""
        return {"root": _b64(self.root), "size": self.size, "scheme": SCHEME}

    def reveal(self, item_id: str) -> Reveal:
        if item_id not in self.openings:
            raise NotFoundError(f"no committed item {item_id!r}", field="item")
        item, salt, index = self.openings[item_id]
        proof = tuple(rfc6962.inclusion_proof(self.leaves, index))
        return Reveal(item=item, salt=salt, index=index, size=self.size, proof=proof)

    def to_json(self) -> dict[str, Any]:
        """The secret opening file (keep it private: it reveals every item)."""
        return {
            "scheme": SCHEME,
            "leaves": [_b64(x) for x in self.leaves],
            "items": [{"item": dict(i), "salt": _b64(s), "index": n} for i, s, n in self.openings.values()],
        }

    @classmethod
    def from_json(cls, obj: Any) -> Escrow:
        if not isinstance(obj, Mapping) or obj.get("scheme") != SCHEME:
            raise InputError(f"not an escrow secrets file of scheme {SCHEME}")
        try:
            leaves = tuple(_unb64(x, "leaves") for x in obj["leaves"])
            openings = {
                str(o["item"]["id"]): (o["item"], _unb64(o["salt"], "salt"), int(o["index"]))
                for o in obj["items"]
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"malformed escrow secrets: {exc!r}") from exc
        for item_id, (item, salt, index) in openings.items():
            if not 0 <= index < len(leaves) or leaves[index] != item_commitment(item, salt):
                raise InputError("does not match its commitment", field=f"items[{item_id}]")
        return cls(leaves=leaves, openings=openings)


def commit(
    items: Sequence[Mapping[str, Any]],
    *,
    rng: Callable[[int], bytes] = secrets.token_bytes,
    pad_to: int | None = None,
) -> Escrow:
    """Commit to ``items`` (each a JSON object with a unique string ``id``), padding to ``pad_to`` leaves."""
    openings_by_leaf: dict[bytes, tuple[Mapping[str, Any], bytes]] = {}
    ids: set[str] = set()
    for n, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(item_id, str) or not item_id:
            raise InputError("every item needs a non-empty string 'id'", field=f"items[{n}].id")
        if item_id in ids:
            raise InputError(f"duplicate item id {item_id!r}", field=f"items[{n}].id")
        ids.add(item_id)
        salt = rng(_SALT_SIZE)
        openings_by_leaf[item_commitment(item, salt)] = (dict(item), salt)
    count = len(openings_by_leaf)
    if pad_to is not None and pad_to < count:
        raise InputError(f"cannot pad {count} items down to {pad_to}", field="pad_to")
    padding = [rng(_SALT_SIZE) for _ in range((pad_to or count) - count)]
    leaves = tuple(sorted([*openings_by_leaf, *padding]))
    if not leaves:
        raise InputError("nothing to commit", field="items")
    openings = {
        str(item["id"]): (item, salt, leaves.index(leaf)) for leaf, (item, salt) in openings_by_leaf.items()
    }
    return Escrow(leaves=leaves, openings=openings)


def verify_escrow_entries(entries: Sequence[SignedEntry]) -> list[tuple[int, str]]:
    """Check every ``declaration-reveal`` in ``entries`` (a log, in order) against its commitment entry.

    A reveal must refer to an earlier ``declaration-commitment`` by the same author. Returns
    ``(seq, item id)`` of each verified reveal; raises ``VerificationError`` naming the first bad one.
    """
    verified = []
    for seq, signed in enumerate(entries):
        if signed.entry.kind != REVEAL_KIND:
            continue
        try:
            ref, reveal = Reveal.from_body(signed.entry.body)
            if not 0 <= ref < seq or entries[ref].entry.kind != COMMIT_KIND:
                raise VerificationError(f"refers to entry {ref}, which is not an earlier commitment")
            committed = entries[ref].entry
            if committed.author != signed.entry.author:
                who = signed.entry.author
                raise VerificationError(f"reveals {committed.author}'s commitment {ref} as {who}")
            if committed.body.get("scheme") != SCHEME:
                raise VerificationError(f"unknown commitment scheme {committed.body.get('scheme')!r}")
            root = _unb64(committed.body.get("root"), "root")
            verify_reveal(reveal, root=root, size=int(committed.body.get("size", -1)))
        except (InputError, VerificationError, ValueError) as exc:
            raise VerificationError(f"entry {seq}: {exc}") from exc
        verified.append((seq, str(reveal.item.get("id"))))
    return verified
