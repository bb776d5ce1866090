"""Request authentication by party key: a documented subset of HTTP Message Signatures (RFC 9421).

A signed request carries three headers:

``Content-Digest`` (RFC 9530 §2)
    ``sha-256=:<base64 SHA-256 of the body>:`` (the empty body has a digest too).
``Signature-Input`` (RFC 9421 §4.1)
    ``sig1=("@method" "@path" "content-digest");created=<unix s>;nonce="<nonce>";keyid="<party>";alg="ed25519"``.
    Exactly these three covered components, in this order, and exactly these parameters, in this order: the
    subset keeps the parser small and leaves nothing a signer could leave out.
``Signature`` (RFC 9421 §4.2)
    ``sig1=:<base64 Ed25519 signature>:`` over the signature base of RFC 9421 §2.5::

        "@method": POST
        "@path": /v1/entries
        "content-digest": sha-256=:...:
        "@signature-params": ("@method" "@path" "content-digest");created=...;nonce="...";keyid="RU";alg="ed25519"

The verifier refuses a timestamp more than ``max_skew_s`` from its clock and a nonce it has already seen within
that window (``NonceCache``), so a captured request cannot be replayed. The signature base starts with
``"@method"``, so it can never be mistaken for an entry (``moratorium/entry/v1``) or a checkpoint note.

The clock is a parameter (``now``): this module never reads it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from moratorium.errors import VerificationError
from moratorium.ledger.keys import PartyKey, PublicKey

__all__ = [
    "AuthError",
    "NonceCache",
    "SignedRequest",
    "content_digest",
    "sign_request",
    "signature_base",
    "verify_request",
]

_COMPONENTS = '("@method" "@path" "content-digest")'
_INPUT = re.compile(
    r'^sig1=\("@method" "@path" "content-digest"\);created=(?P<created>\d{1,12});'
    r'nonce="(?P<nonce>[A-Za-z0-9_-]{16,64})";keyid="(?P<keyid>[A-Za-z0-9_.-]{1,64})";alg="ed25519"$'
)
_SIGNATURE = re.compile(r"^sig1=:(?P<sig>[A-Za-z0-9+/=]{1,200}):$")


class AuthError(VerificationError):
    """A request signature is missing, malformed, stale, replayed or wrong (HTTP 401)."""


def content_digest(body: bytes) -> str:
    """The RFC 9530 ``Content-Digest`` value of ``body`` with SHA-256."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _params(created: int, nonce: str, keyid: str) -> str:
    return f'{_COMPONENTS};created={created};nonce="{nonce}";keyid="{keyid}";alg="ed25519"'


def signature_base(method: str, path: str, digest: str, params: str) -> bytes:
    """The RFC 9421 §2.5 signature base of our three covered components."""
    lines = [
        f'"@method": {method.upper()}',
        f'"@path": {path}',
        f'"content-digest": {digest}',
        f'"@signature-params": {params}',
    ]
    return "\n".join(lines).encode()


def sign_request(key: PartyKey, method: str, path: str, body: bytes, *, created: int,
                 nonce: str | None = None) -> dict[str, str]:
    """The three headers that sign ``method path`` with ``body`` as ``key``'s party at time ``created``."""
    nonce = nonce or secrets.token_urlsafe(18)
    digest = content_digest(body)
    params = _params(created, nonce, key.party)
    sig = key.sign(signature_base(method, path, digest, params))
    return {
        "Content-Digest": digest,
        "Signature-Input": "sig1=" + params,
        "Signature": "sig1=:" + base64.b64encode(sig).decode() + ":",
    }


class NonceCache:
    """Nonces seen in the last ``window_s`` seconds (thread-safe). Memory is bounded by the request rate."""

    def __init__(self, window_s: int) -> None:
        self.window_s = window_s
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def check_and_add(self, nonce: str, *, now: int) -> None:
        """Remember ``nonce``; ``AuthError`` if it was already used within the window."""
        with self._lock:
            if len(self._seen) > 1024:
                horizon = now - 2 * self.window_s
                self._seen = {n: t for n, t in self._seen.items() if t >= horizon}
            if nonce in self._seen:
                raise AuthError("replayed request: nonce already used")
            self._seen[nonce] = now


@dataclass(frozen=True)
class SignedRequest:
    """The verified signer of a request and when it says it signed."""

    party: str
    created: int


def verify_request(
    method: str,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    keys: Mapping[str, PublicKey],
    nonces: NonceCache,
    now: int,
    max_skew_s: int = 300,
) -> SignedRequest:
    """Check a request's signature headers; return the signer or raise ``AuthError`` saying what is wrong."""
    raw_input, raw_sig, raw_digest = (headers.get(h) for h in ("signature-input", "signature", "content-digest"))
    if raw_input is None or raw_sig is None or raw_digest is None:
        raise AuthError("unsigned request: Signature-Input, Signature and Content-Digest headers are required")
    m = _INPUT.match(raw_input.strip())
    if m is None:
        raise AuthError(f"Signature-Input is not of the form sig1={_params(0, 'NONCE', 'PARTY')}")
    s = _SIGNATURE.match(raw_sig.strip())
    if s is None:
        raise AuthError("Signature is not of the form sig1=:BASE64:")
    expected_digest = content_digest(body)
    if raw_digest.strip() != expected_digest:
        raise AuthError(f"Content-Digest does not match the body: expected {expected_digest}")
    created, nonce, keyid = int(m["created"]), m["nonce"], m["keyid"]
    if abs(now - created) > max_skew_s:
        raise AuthError(f"stale request: created {created}, server time {now}, allowed skew {max_skew_s} s")
    key = keys.get(keyid)
    if key is None:
        raise AuthError(f"unknown key id {keyid!r}")
    try:
        sig = base64.b64decode(s["sig"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AuthError(f"Signature is not base64: {exc}") from exc
    params = _params(created, nonce, keyid)
    try:
        key.verify(sig, signature_base(method, path, raw_digest.strip(), params))
    except VerificationError as exc:
        raise AuthError(f"request signature does not verify: {exc}") from exc
    nonces.check_and_add(nonce, now=now)
    return SignedRequest(party=keyid, created=created)
