"""RFC 9421 as the RFC says it (issue 14, item 6): the RFC's own Ed25519 example (Appendix B.2.6), and
interoperation with ``http-message-signatures``, an independent implementation."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import http_message_signatures as hms
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key

from moratorium.api import _sfv
from moratorium.api.auth import (
    AuthError,
    NonceCache,
    _Message,
    content_digest,
    sign_request,
    signature_base,
    verify_request,
)
from moratorium.ledger.keys import PartyKey, PublicKey

VECTOR = json.loads((Path(__file__).parents[2] / "vectors/rfc9421/b26-ed25519.json").read_text())
NOW = 1_750_000_000
KEY = PartyKey.derive("RU", "rfc9421")
KEYS = {"RU": KEY.public}


def _rfc_key() -> PublicKey:
    pub = load_der_public_key(base64.b64decode(VECTOR["public_key_spki_base64"]))
    assert isinstance(pub, Ed25519PublicKey)
    return PublicKey(party="test-key-ed25519", raw=pub.public_bytes(Encoding.Raw, PublicFormat.Raw))


def test_rfc9421_b26_signature_base_is_rebuilt_exactly() -> None:
    req = VECTOR["request"]
    inner = _sfv.parse_dictionary(VECTOR["signature_input"])["sig-b26"]
    assert isinstance(inner, _sfv.InnerList)
    message = _Message(req["method"], req["path"], req["query"], "https", dict(req["headers"]))
    assert signature_base(message, inner).decode() == VECTOR["signature_base"]


def test_rfc9421_b26_request_verifies_under_its_own_label_and_components() -> None:
    req = VECTOR["request"]
    headers = {**dict(req["headers"]), "signature-input": VECTOR["signature_input"],
               "signature": VECTOR["signature"]}
    got = verify_request(req["method"], req["path"], req["body"].encode(), headers,
                         keys={"test-key-ed25519": _rfc_key()}, nonces=NonceCache(300), now=1618884473,
                         query=req["query"], scheme="https", required=("@method", "@path", "@authority"))
    assert (got.party, got.label, got.created) == ("test-key-ed25519", "sig-b26", 1618884473)
    # the node's own requirement (content-digest covered) is not met by the RFC's example: refused, not crashed
    with pytest.raises(AuthError, match="missing content-digest"):
        verify_request(req["method"], req["path"], req["body"].encode(), headers,
                       keys={"test-key-ed25519": _rfc_key()}, nonces=NonceCache(300), now=1618884473,
                       query=req["query"], scheme="https")


def _their_signer(key: PartyKey) -> hms.HTTPMessageSigner:
    raw = key.private

    class Keys(hms.HTTPSignatureKeyResolver):
        def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
            return raw

        def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
            return raw.public_key()

    return hms.HTTPMessageSigner(signature_algorithm=hms.algorithms.ED25519, key_resolver=Keys())


def _their_request(body: bytes, path: str = "/v1/entries") -> Any:
    return SimpleNamespace(method="POST", url=f"http://ru.example:8000{path}",
                           headers={"Host": "ru.example:8000", "Content-Type": "application/json",
                                    "Content-Digest": content_digest(body, ("sha-512", "sha-256"))})


@pytest.mark.parametrize("order", [("@method", "@path", "@authority", "content-digest"),
                                   ("content-digest", "@authority", "content-type", "@path", "@method")])
def test_independent_implementation_signature_is_accepted(order: tuple[str, ...]) -> None:
    body = b'{"x": 1}'
    request = _their_request(body)
    _their_signer(KEY).sign(request, key_id="RU", created=dt.datetime.fromtimestamp(NOW, dt.UTC),
                            expires=dt.datetime.fromtimestamp(NOW + 60, dt.UTC), nonce="n-123456789012345678",
                            covered_component_ids=order, use_existing_digest=True)
    headers = {k.lower(): v for k, v in request.headers.items()}
    got = verify_request("POST", "/v1/entries", body, headers, keys=KEYS, nonces=NonceCache(300), now=NOW,
                         authorities=["ru.example:8000"])
    assert got.party == "RU" and got.label == "pyhms"
    with pytest.raises(AuthError, match="expired"):
        verify_request("POST", "/v1/entries", body, headers, keys=KEYS, nonces=NonceCache(300), now=NOW + 61)


def test_our_signature_verifies_with_the_independent_implementation() -> None:
    body = b'{"x": 1}'
    headers = sign_request(KEY, "POST", "/v1/entries", body, created=NOW, authority="ru.example:8000")
    request = SimpleNamespace(method="POST", url="http://ru.example:8000/v1/entries",
                              headers={"Host": "ru.example:8000", **headers})

    class Keys(hms.HTTPSignatureKeyResolver):
        def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
            assert key_id == "RU"
            return KEY.private.public_key()

    verifier = hms.HTTPMessageVerifier(signature_algorithm=hms.algorithms.ED25519, key_resolver=Keys())
    [result] = verifier.verify(request, max_age=None, require_components=("@method", "@path", "@authority",
                                                                           "content-digest"))
    assert result.parameters["keyid"] == "RU"


def test_path_is_signed_before_percent_decoding() -> None:
    body = b""
    raw_path = "/v1/logs/R%55/entries"
    headers = {k.lower(): v for k, v in sign_request(KEY, "POST", raw_path, body, created=NOW,
                                                     authority="testserver").items()}
    headers["host"] = "testserver"
    verify_request("POST", raw_path, body, headers, keys=KEYS, nonces=NonceCache(300), now=NOW)
    with pytest.raises(AuthError, match="does not verify"):
        verify_request("POST", "/v1/logs/RU/entries", body, headers, keys=KEYS, nonces=NonceCache(300), now=NOW)


def test_content_digest_with_several_algorithms_must_all_match() -> None:
    body = b"{}"
    headers = {k.lower(): v for k, v in sign_request(KEY, "POST", "/v1/sync", body, created=NOW,
                                                     authority="testserver",
                                                     digests=("sha-512", "sha-256")).items()}
    headers["host"] = "testserver"
    verify_request("POST", "/v1/sync", body, headers, keys=KEYS, nonces=NonceCache(300), now=NOW)
    headers["content-digest"] += ", unixsum=:AAAA:"  # an unknown algorithm is ignored (RFC 9530 §2)
    sha512 = headers["content-digest"].split(",")[0]
    wrong = {**headers, "content-digest": sha512.replace(sha512[12:16], "AAAA") + ", " +
             content_digest(body)}
    with pytest.raises(AuthError, match="does not match the body"):
        verify_request("POST", "/v1/sync", body, wrong, keys=KEYS, nonces=NonceCache(300), now=NOW)


@pytest.mark.parametrize("mutation", [
    lambda h: {**h, "signature-input": h["signature-input"].replace('"@authority" ', "")},
    lambda h: {**h, "signature-input": h["signature-input"].replace(";keyid=\"RU\"", "")},
    lambda h: {**h, "signature-input": h["signature-input"].replace('alg="ed25519"', 'alg="rsa-pss-sha512"')},
    lambda h: {**h, "signature-input": "sig1=(", "signature": "sig1=:AA==:"},
    lambda h: {**h, "signature-input": "\u00e9=1"},
    lambda h: {**h, "signature": h["signature"].replace("sig1", "other")},
    lambda h: {**h, "host": "nato.example:8001"},
])
def test_malformed_or_incomplete_signatures_are_auth_errors(mutation: Any) -> None:
    body = b"{}"
    headers = {k.lower(): v for k, v in sign_request(KEY, "POST", "/v1/sync", body, created=NOW,
                                                     authority="ru.example:8000").items()}
    headers["host"] = "ru.example:8000"
    verify_request("POST", "/v1/sync", body, headers, keys=KEYS, nonces=NonceCache(300), now=NOW)
    with pytest.raises(AuthError):
        verify_request("POST", "/v1/sync", body, mutation(headers), keys=KEYS, nonces=NonceCache(300), now=NOW,
                       authorities=["ru.example:8000"])


def test_sf_dictionary_round_trips() -> None:
    text = 'a=("x" "y";k=1);created=5;keyid="q\\"r", b=:AQID:, c, d=?0, e=1.5, f=tok/en'
    parsed = _sfv.parse_dictionary(text)
    a = parsed["a"]
    assert isinstance(a, _sfv.InnerList)
    assert _sfv.serialize_inner_list(a) == '("x" "y";k=1);created=5;keyid="q\\"r"'
    assert parsed["b"] == _sfv.Item(b"\x01\x02\x03") and parsed["c"] == _sfv.Item(True)
    assert parsed["d"] == _sfv.Item(False) and isinstance(parsed["f"], _sfv.Item)
    assert isinstance(parsed["f"].value, _sfv.Token)


def test_nonce_cache_rebuilt_on_every_request_once_full_regression() -> None:
    """The cache used to rebuild its whole dict on every request once it held 1,024 nonces (O(n) a request under
    sustained load); it now forgets only what left the window, oldest first, and never a nonce still in it."""
    class Counting(dict[str, int]):
        """Counts the entries any pass over the cache visits."""

        visited = 0

        def __iter__(self) -> Iterator[str]:
            for key in super().__iter__():
                Counting.visited += 1
                yield key

        def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
            for item in super().items():
                Counting.visited += 1
                yield item

    cache = NonceCache(300)
    for i in range(2000):
        cache.check_and_add(f"n{i}", now=1000 + i // 100)
    cache._seen = Counting(cache._seen)
    for i in range(2000, 3000):
        cache.check_and_add(f"n{i}", now=1000 + i // 100)
    assert Counting.visited <= 1000 + 10  # a look at the oldest entry per request, not a pass over all of them
    for i in range(0, 3000, 7):
        with pytest.raises(AuthError, match="replayed"):
            cache.check_and_add(f"n{i}", now=1030)
    assert len(cache._seen) == 3000
    cache.check_and_add("late", now=1000 + 2 * 300 + 15)  # the nonces of seconds 1000..1014 are now out
    assert len(cache._seen) == 3000 - 1500 + 1
    with pytest.raises(AuthError, match="replayed"):
        cache.check_and_add("n1500", now=1000 + 2 * 300 + 15)
    cache.check_and_add("back", now=900)  # a clock stepping back drops nothing early
    with pytest.raises(AuthError, match="replayed"):
        cache.check_and_add("late", now=900)
