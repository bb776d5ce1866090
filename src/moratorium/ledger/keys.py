"""Party keys: Ed25519 (RFC 8032) through pyca/cryptography.

A private key file is JSON ``{"party", "algorithm": "ed25519", "private_key", "public_key"}`` (base64 raw keys),
written with mode 0600. Demo keys are derived deterministically from a seed so that a scenario replays to the
same bytes everywhere; they are for demonstrations only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from moratorium.errors import InputError, VerificationError
from moratorium.ledger.entry import Entry, SignedEntry

__all__ = [
    "Keyring",
    "PartyKey",
    "PublicKey",
    "check_party_name",
    "read_public_keys",
    "sign_entry",
    "verify_entry",
    "weak_public_key",
]


@dataclass(frozen=True)
class PublicKey:
    """A party's Ed25519 public key (32 raw bytes)."""

    party: str
    raw: bytes

    def __post_init__(self) -> None:
        check_party_name(self.party)
        if not isinstance(self.raw, bytes) or len(self.raw) != 32:
            got = len(self.raw) if isinstance(self.raw, bytes | bytearray) else type(self.raw).__name__
            raise InputError(f"an Ed25519 public key has 32 bytes, got {got}", field="public_key")
        why = weak_public_key(self.raw)
        if why is not None:
            raise InputError(f"refusing a weak Ed25519 public key ({why}): a signature by it proves nothing",
                             field="public_key")

    @property
    def key_id(self) -> str:
        """First 8 bytes of SHA-256 of the raw key, hex: a short name for logs and messages."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def verify(self, signature: bytes, message: bytes) -> None:
        """Return None if ``signature`` is this key's signature on ``message``; raise ``VerificationError``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            raise VerificationError(f"bad signature: not made by {self.party}'s key {self.key_id}") from None

    def to_json(self) -> dict[str, str]:
        return {"party": self.party, "algorithm": "ed25519", "public_key": base64.b64encode(self.raw).decode()}


@dataclass(frozen=True)
class PartyKey:
    """A party's Ed25519 private key."""

    party: str
    private: Ed25519PrivateKey

    def __post_init__(self) -> None:
        check_party_name(self.party)

    @classmethod
    def generate(cls, party: str) -> PartyKey:
        return cls(party=party, private=Ed25519PrivateKey.generate())

    @classmethod
    def derive(cls, party: str, seed: str) -> PartyKey:
        """A deterministic demo key: the private scalar seed is SHA-256("moratorium demo key" | seed | party)."""
        material = hashlib.sha256(b"moratorium demo key\n" + seed.encode() + b"\n" + party.encode()).digest()
        return cls(party=party, private=Ed25519PrivateKey.from_private_bytes(material))

    @property
    def public(self) -> PublicKey:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(party=self.party, raw=raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def to_json(self) -> dict[str, str]:
        raw = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return {
            "party": self.party,
            "algorithm": "ed25519",
            "private_key": base64.b64encode(raw).decode(),
            "public_key": self.public.to_json()["public_key"],
        }

    def save(self, path: Path) -> None:
        """Write the key file with mode 0600; refuse to overwrite an existing file."""
        data = (json.dumps(self.to_json(), indent=2) + "\n").encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise InputError("refusing to overwrite an existing key file", file=str(path)) from None
        except OSError as exc:
            raise InputError(f"cannot create key file: {exc.strerror}", file=str(path)) from exc
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(path, 0o600)

    @classmethod
    def load(cls, path: Path) -> PartyKey:
        """Read a key file written by ``save``; ``InputError`` naming the file and field otherwise."""
        return cls._from_file_json(_read_key_json(path), path)

    @classmethod
    def _from_file_json(cls, obj: Any, path: Path) -> PartyKey:
        """The key in ``obj``, the parsed content of the key file ``path`` (named in errors)."""
        if not isinstance(obj, dict):
            raise InputError("a key file is a JSON object", file=str(path))
        for name in ("party", "private_key"):
            if not isinstance(obj.get(name), str):
                raise InputError("missing or not a string", file=str(path), field=name)
        if obj.get("algorithm", "ed25519") != "ed25519":
            raise InputError("only ed25519 keys are supported", file=str(path), field="algorithm")
        try:
            raw = base64.b64decode(obj["private_key"], validate=True)
            private = Ed25519PrivateKey.from_private_bytes(raw)
        except (binascii.Error, ValueError) as exc:
            raise InputError(f"not a base64 32-byte Ed25519 key: {exc}", file=str(path), field="private_key") from exc
        key = cls(party=obj["party"], private=private)
        if "public_key" in obj and obj["public_key"] != key.public.to_json()["public_key"]:
            raise InputError("does not match the private key", file=str(path), field="public_key")
        return key


def _read_key_json(path: Path) -> Any:
    """The parsed JSON of a key file; ``InputError`` naming the file if it cannot be read or is not JSON."""
    try:
        return json.loads(Path(path).read_text())
    except OSError as exc:
        raise InputError(f"cannot read key file: {exc.strerror}", file=str(path)) from exc
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", file=str(path)) from exc


def read_public_keys(path: Path) -> list[PublicKey]:
    """The public keys in a file, in every form the CLI is given them: a party's private key file (``keys
    generate``: its public half), one public key object (``PublicKey.to_json``), a list of them, ``{"keys":
    [...]}``, or ``run``'s ``keys.json`` (``{party: public key}``). ``InputError`` naming the file and field."""
    obj = _read_key_json(path)
    if isinstance(obj, dict) and "private_key" in obj:
        return [PartyKey._from_file_json(obj, path).public]
    rows: Any = obj["keys"] if isinstance(obj, dict) and "keys" in obj else obj
    if isinstance(rows, dict) and rows and "party" not in rows and all(isinstance(v, dict) for v in rows.values()):
        return [_public_from(v, path, field=str(k)) for k, v in rows.items()]
    if isinstance(rows, list):
        return [_public_from(v, path, field=f"[{i}]") for i, v in enumerate(rows)]
    return [_public_from(rows, path)]


def _public_from(obj: object, path: Path, *, field: str | None = None) -> PublicKey:
    if not isinstance(obj, dict) or not isinstance(obj.get("party"), str) or not isinstance(
            obj.get("public_key"), str):
        raise InputError('not a key: needs "party" and "public_key" (or "private_key")', file=str(path),
                         field=field)
    try:
        raw = base64.b64decode(obj["public_key"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError(f"not base64: {exc}", file=str(path), field=f"{field}.public_key" if field else
                         "public_key") from exc
    try:
        return PublicKey(party=obj["party"], raw=raw)
    except InputError as exc:
        raise InputError(exc.message, file=str(path), field=field or exc.field) from None


# -- weak keys --------------------------------------------------------------------------------------------------
# RFC 8032 §5.1.3 point decoding and the Edwards addition law of edwards25519 (§5.1.4), in the few lines needed to
# test a public key's order once, when it is registered, pinned or read: a key A of small order (the identity and
# the other seven points of order 2, 4 or 8) lets anyone make a "signature" (R, S) that verifies for many messages
# without any private key, because [8][k]A is the identity (Chalkias et al., "Taming the many EdDSAs", 2020, §3).

_P = 2**255 - 19
_D = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _decode_point(raw: bytes) -> tuple[int, int] | str:
    """``(x, y)`` of an encoded point (RFC 8032 §5.1.3), or why the encoding is not a point."""
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    sign = raw[31] >> 7
    if y >= _P:
        return "non-canonical encoding"
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x = (u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P)) % _P
    if (v * x * x - u) % _P != 0:
        x = (x * _SQRT_M1) % _P
        if (v * x * x - u) % _P != 0:
            return "not a point on the curve"
    if x == 0 and sign:
        return "non-canonical encoding"
    if x & 1 != sign:
        x = _P - x
    return x, y


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    return ((x1 * y2 + y1 * x2) * pow(1 + t, -1, _P) % _P, (y1 * y2 + x1 * x2) * pow(1 - t, -1, _P) % _P)


@lru_cache(maxsize=1024)
def weak_public_key(raw: bytes) -> str | None:
    """Why ``raw`` is not a usable Ed25519 public key (small order, not a point, non-canonical), or None."""
    point = _decode_point(raw)
    if isinstance(point, str):
        return point
    for _ in range(3):
        point = _add(point, point)
    return "small order: [8]A is the identity" if point == (0, 1) else None


def check_party_name(party: object) -> None:
    """A party id names a key in signed notes (C2SP signed-note: no whitespace, no ``+``), so no control
    characters, spaces or newlines -- a newline would inject a line into every checkpoint the key signs."""
    if not isinstance(party, str) or not party or len(party) > 64 or any(
            c.isspace() or c == "+" or not c.isprintable() for c in party):
        raise InputError(f"a party id is 1-64 printable characters without spaces or '+', got {party!r}",
                         field="party")


Keyring = Mapping[str, PublicKey]
"""Party id -> that party's public key."""


def sign_entry(entry: Entry, key: PartyKey) -> SignedEntry:
    """Sign ``entry`` with its author's key; a key of another party is refused."""
    if key.party != entry.author:
        raise InputError(f"key of party {key.party!r} cannot sign an entry authored by {entry.author!r}",
                         field="author")
    return SignedEntry(entry=entry, signature=key.sign(entry.signing_message()))


def verify_entry(signed: SignedEntry, keyring: Keyring) -> None:
    """Return None if ``signed`` carries a valid signature by its author's key; raise ``VerificationError``."""
    author = signed.entry.author
    key = keyring.get(author)
    if key is None:
        raise VerificationError(f"no public key for author {author!r}")
    key.verify(signed.signature, signed.entry.signing_message())
