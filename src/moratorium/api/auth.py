"""Request authentication by party key: HTTP Message Signatures (RFC 9421) with Ed25519, as the RFC says them.

A signed request carries three headers:

``Content-Digest`` (RFC 9530 §2)
    A dictionary of digests of the body, e.g. ``sha-256=:<base64>:``; several algorithms may be given (every
    ``sha-256`` and ``sha-512`` member must match the body, unknown algorithms are ignored, one known is needed).
``Signature-Input`` (RFC 9421 §4.1)
    A dictionary of signature labels to inner lists of covered components with parameters, e.g.
    ``sig1=("@method" "@path" "@authority" "content-digest");created=<unix s>;keyid="<party>";nonce="...";
    alg="ed25519"``. Any label and any order is accepted, and extra components (header fields, ``@query``,
    ``@target-uri``, ``@scheme``, ``@request-target``) may be covered too, as long as the node's required
    components ``@method``, ``@path``, ``@authority`` and ``content-digest`` are, with ``created`` and ``keyid``;
    ``alg`` is optional (``ed25519`` if given), ``expires`` is enforced when present, ``nonce`` is optional.
``Signature`` (RFC 9421 §4.2)
    ``<label>=:<base64 Ed25519 signature>:`` over the signature base of RFC 9421 §2.5, built from the message:
    ``@path`` is the target URI's path *before* percent-decoding (§2.2.6), ``@authority`` the Host (§2.2.3),
    header fields their combined values (§2.1), and ``@signature-params`` the re-serialised inner list (§2.3).

The verifier refuses a ``created`` more than ``max_skew_s`` from its clock, an ``expires`` in the past, a
signature it has already seen within that window (``NonceCache``, keyed by the nonce if there is one and by the
signature itself), a request signed before the node started (so a request captured before a restart cannot be
replayed after it), and, when the node knows its own authorities, a request signed for another node. The
signature base starts with a quoted component name, so it can never be mistaken for an entry
(``moratorium/entry/v1``) or a checkpoint note.

The clock is a parameter (``now``): this module never reads it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from moratorium.api import _sfv
from moratorium.errors import VerificationError
from moratorium.ledger.keys import PartyKey, PublicKey

__all__ = [
    "REQUIRED_COMPONENTS",
    "AuthError",
    "NonceCache",
    "SignedRequest",
    "content_digest",
    "sign_request",
    "signature_base",
    "verify_request",
]

REQUIRED_COMPONENTS = ("@method", "@path", "@authority", "content-digest")
"""What every request signature must cover (RFC 9421 §1.4: the application decides)."""
_MAX_FIELD = 8192
_DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class AuthError(VerificationError):
    """A request signature is missing, malformed, stale, replayed or wrong (HTTP 401)."""


def content_digest(body: bytes, algorithms: tuple[str, ...] = ("sha-256",)) -> str:
    """The RFC 9530 ``Content-Digest`` value of ``body`` with ``algorithms`` (``sha-256``, ``sha-512``)."""
    return ", ".join(f"{alg}=:{base64.b64encode(_DIGESTS[alg](body).digest()).decode()}:" for alg in algorithms)


class _Headers(Protocol):
    def get(self, key: str, default: None = None) -> str | None: ...


def _field_values(headers: Mapping[str, str] | _Headers, name: str) -> list[str]:
    getlist = getattr(headers, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist(name)]
    value = headers.get(name)
    return [] if value is None else [value]


def _field(headers: Mapping[str, str] | _Headers, name: str) -> str | None:
    """A header field's value as RFC 9421 §2.1 takes it: each line trimmed, several lines joined by ``, ``."""
    values = _field_values(headers, name)
    if not values:
        return None
    return ", ".join(v.strip(" \t") for v in values)


def _check_digest(raw: str, body: bytes) -> None:
    try:
        members = _sfv.parse_dictionary(raw)
    except ValueError as exc:
        raise AuthError(f"Content-Digest is not a structured dictionary (RFC 9530 §2): {exc}") from None
    known = 0
    for alg, member in members.items():
        if alg not in _DIGESTS:
            continue
        if not isinstance(member, _sfv.Item) or not isinstance(member.value, bytes):
            raise AuthError(f"Content-Digest {alg} is not a byte sequence")
        expected = _DIGESTS[alg](body).digest()
        if member.value != expected:
            raise AuthError(f"Content-Digest does not match the body: expected {alg}=:"
                            f"{base64.b64encode(expected).decode()}:")
        known += 1
    if not known:
        raise AuthError(f"Content-Digest has no digest by a supported algorithm ({', '.join(_DIGESTS)})")


@dataclass(frozen=True)
class _Message:
    """The parts of a request that derived components are taken from (RFC 9421 §2.2)."""

    method: str
    path: str
    query: str
    scheme: str
    headers: Mapping[str, str] | _Headers

    @property
    def authority(self) -> str | None:
        host = _field(self.headers, "host")
        if host is None:
            return None
        host = host.lower()
        for scheme, port in (("http", ":80"), ("https", ":443")):
            if self.scheme == scheme and host.endswith(port):
                host = host.removesuffix(port)
        return host

    def component(self, item: _sfv.Item) -> str:
        name = item.value
        if not isinstance(name, str) or isinstance(name, _sfv.Token):
            raise AuthError("covered component identifiers are quoted strings (RFC 9421 §2)")
        if item.params:
            raise AuthError(f"component parameters ({', '.join(item.params)}) on {name!r} are not supported")
        value: str | None
        if name == "@method":
            value = self.method
        elif name == "@path":
            value = self.path or "/"
        elif name == "@authority":
            value = self.authority
        elif name == "@scheme":
            value = self.scheme
        elif name == "@query":
            value = "?" + self.query
        elif name == "@request-target":
            value = (self.path or "/") + (f"?{self.query}" if self.query else "")
        elif name == "@target-uri":
            value = f"{self.scheme}://{self.authority}{self.path or '/'}" + (f"?{self.query}" if self.query else "")
        elif name.startswith("@"):
            raise AuthError(f"derived component {name!r} is not supported for requests")
        else:
            if name != name.lower():
                raise AuthError(f"field names are covered in lower case (RFC 9421 §2.1): {name!r}")
            value = _field(self.headers, name)
        if value is None:
            raise AuthError(f"the covered component {name!r} is not in the request")
        return value


def signature_base(message: _Message, inner: _sfv.InnerList) -> bytes:
    """The RFC 9421 §2.5 signature base of ``message`` for the covered components and parameters ``inner``."""
    lines = []
    seen = set()
    for item in inner.items:
        identifier = _sfv.serialize_item(item)
        if identifier in seen:
            raise AuthError(f"component {identifier} is covered twice (RFC 9421 §2.5)")
        seen.add(identifier)
        value = message.component(item)
        if "\n" in value or "\r" in value:
            raise AuthError(f"component {identifier} holds a line break")
        lines.append(f"{identifier}: {value}")
    lines.append(f'"@signature-params": {_sfv.serialize_inner_list(inner)}')
    return "\n".join(lines).encode()


def sign_request(key: PartyKey, method: str, path: str, body: bytes, *, created: int, authority: str,
                 nonce: str | None = None, label: str = "sig1", expires: int | None = None,
                 digests: tuple[str, ...] = ("sha-256",)) -> dict[str, str]:
    """The headers that sign ``method path`` (``path`` as sent: percent-encoded, with no query) on the node at
    ``authority`` (``host[:port]``, as in the Host header) with ``body``, as ``key``'s party at ``created``."""
    nonce = nonce or secrets.token_urlsafe(18)
    digest = content_digest(body, digests)
    params: _sfv.Params = {"created": created}
    if expires is not None:
        params["expires"] = expires
    params.update({"nonce": nonce, "keyid": key.party, "alg": "ed25519"})
    inner = _sfv.InnerList(tuple(_sfv.Item(c) for c in REQUIRED_COMPONENTS), params)
    headers = {"Content-Digest": digest, "Host": authority}
    base = signature_base(_Message(method.upper(), path, "", "http", {k.lower(): v for k, v in headers.items()}),
                          inner)
    sig = key.sign(base)
    return {
        "Content-Digest": digest,
        "Signature-Input": f"{label}={_sfv.serialize_inner_list(inner)}",
        "Signature": f"{label}=:{base64.b64encode(sig).decode()}:",
    }


class NonceCache:
    """Signatures and nonces seen in the last ``window_s`` seconds (thread-safe), and the start of that memory.

    ``not_before`` (the node's start, POSIX s): a request created earlier may have been seen by a previous run
    of the node, whose memory is gone, so it is refused: across a restart the timestamp window bounds replay.
    """

    def __init__(self, window_s: int, *, not_before: int | None = None) -> None:
        self.window_s = window_s
        self.not_before = not_before
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def check_and_add(self, nonce: str, *, now: int, created: int | None = None) -> None:
        """Remember ``nonce``; ``AuthError`` if it was already used within the window."""
        if self.not_before is not None and created is not None and created < self.not_before:
            raise AuthError(f"request created at {created}, before this node started at {self.not_before}: it "
                            "cannot be told from a replay; sign it again")
        with self._lock:
            # Forget what is older than the window, oldest first (the dict keeps insertion order, which is time
            # order while the clock goes forward): amortised O(1) per request. Rebuilding the whole dict once it
            # held over 1,024 nonces cost every request O(n) under sustained load, all of them still in the window.
            # If the clock steps back, an old nonce behind a newer one is kept a little longer: never dropped early.
            horizon = now - 2 * self.window_s
            seen = self._seen
            while seen:
                oldest = next(iter(seen))
                if seen[oldest] >= horizon:
                    break
                del seen[oldest]
            if nonce in seen:
                raise AuthError("replayed request: nonce already used")
            seen[nonce] = now


@dataclass(frozen=True)
class SignedRequest:
    """The verified signer of a request and when it says it signed."""

    party: str
    created: int
    label: str = "sig1"


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
    query: str = "",
    scheme: str = "http",
    authorities: Collection[str] | None = None,
    required: tuple[str, ...] = REQUIRED_COMPONENTS,
) -> SignedRequest:
    """Check a request's signature headers; return the signer or raise ``AuthError`` saying what is wrong.

    ``path`` is the request path as received, before percent-decoding (RFC 9421 §2.2.6); ``authorities``, when
    given, are the ``host[:port]`` names of this node: a request whose Host is another is refused. ``required``:
    the components a signature must cover (the node's; other values are for tests against the RFC's examples).
    """
    raw_input, raw_sig, raw_digest = (_field(headers, h) for h in ("signature-input", "signature",
                                                                    "content-digest"))
    if raw_input is None or raw_sig is None or raw_digest is None:
        raise AuthError("unsigned request: Signature-Input, Signature and Content-Digest headers are required")
    if max(len(raw_input), len(raw_sig), len(raw_digest)) > _MAX_FIELD:
        raise AuthError(f"a signature header is longer than {_MAX_FIELD} characters")
    try:
        inputs, signatures = _sfv.parse_dictionary(raw_input), _sfv.parse_dictionary(raw_sig)
    except ValueError as exc:
        raise AuthError(f"Signature-Input or Signature is not a structured dictionary (RFC 9421 §4): {exc}") from None
    _check_digest(raw_digest, body)
    message = _Message(method.upper(), path, query, scheme, headers)
    if authorities is not None and message.authority not in {a.lower() for a in authorities}:
        raise AuthError(f"the request is addressed to {message.authority!r}, not to this node "
                        f"({', '.join(sorted(authorities))}): a request signed for one node does not replay at "
                        "another")
    problems = []
    for label, inner in inputs.items():
        try:
            return _verify_one(label, inner, signatures.get(label), message, keys=keys, nonces=nonces, now=now,
                               max_skew_s=max_skew_s, required=required)
        except AuthError as exc:
            problems.append(f"{label}: {exc}")
    raise AuthError("no acceptable signature: " + ("; ".join(problems) or "Signature-Input is empty"))


def _verify_one(label: str, inner: _sfv.Item | _sfv.InnerList, signature: _sfv.Item | _sfv.InnerList | None,
                message: _Message, *, keys: Mapping[str, PublicKey], nonces: NonceCache, now: int,
                max_skew_s: int, required: tuple[str, ...]) -> SignedRequest:
    if not isinstance(inner, _sfv.InnerList):
        raise AuthError("a Signature-Input member is an inner list of components")
    if signature is None or not isinstance(signature, _sfv.Item) or not isinstance(signature.value, bytes):
        raise AuthError("no Signature member with this label (a byte sequence)")
    covered = {i.value for i in inner.items}
    missing = [c for c in required if c not in covered]
    if missing:
        raise AuthError(f"the signature must cover {', '.join(required)}; missing {', '.join(missing)}")
    params = inner.params
    created, keyid, alg, expires = (params.get(k) for k in ("created", "keyid", "alg", "expires"))
    if type(created) is not int:
        raise AuthError("the created parameter (an integer) is required")
    if not isinstance(keyid, str) or isinstance(keyid, _sfv.Token):
        raise AuthError("the keyid parameter (a string) is required")
    if alg is not None and alg != "ed25519":
        raise AuthError(f"alg {alg!r} is not ed25519")
    if abs(now - created) > max_skew_s:
        raise AuthError(f"stale request: created {created}, server time {now}, allowed skew {max_skew_s} s")
    if expires is not None:
        if type(expires) is not int:
            raise AuthError("the expires parameter is an integer")
        if now > expires:
            raise AuthError(f"expired request: expires {expires}, server time {now}")
    nonce = params.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or isinstance(nonce, _sfv.Token)):
        raise AuthError("the nonce parameter is a string")
    key = keys.get(keyid)
    if key is None:
        raise AuthError(f"unknown key id {keyid!r}")
    base = signature_base(message, inner)
    try:
        key.verify(signature.value, base)
    except VerificationError as exc:
        raise AuthError(f"request signature does not verify: {exc}") from exc
    nonces.check_and_add(f"sig:{base64.b64encode(signature.value).decode()}", now=now, created=created)
    if nonce is not None:
        nonces.check_and_add(f"nonce:{keyid}:{nonce}", now=now, created=created)
    return SignedRequest(party=keyid, created=created, label=label)
