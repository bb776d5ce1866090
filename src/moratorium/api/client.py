"""A signing HTTP client for a party node (used by the sync tests, the benchmark and scripts).

``NodeClient(base_url, key)`` signs every write with ``key`` (``moratorium.api.auth.sign_request``); reads are
plain. The clock is a parameter (``clock``), the transport a seam (``client``). ``submit`` and ``status`` serve
``moratorium node submit|import|status``: they turn an unreachable node or an RFC 9457 problem answer into one
``InputError`` line naming the URL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from moratorium.api.auth import sign_request
from moratorium.errors import InputError
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey

__all__ = ["NodeClient", "Submitted"]


@dataclass(frozen=True)
class Submitted:
    """The node's answer to one entry: its sequence number, or None if the node already held it (409)."""

    seq: int | None
    detail: str = ""


def _problem(response: httpx.Response) -> str:
    try:
        doc = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(doc, dict):
        return str(doc.get("detail") or doc.get("title") or doc)
    return str(doc)


class NodeClient:
    """Reads from and signed writes to the node at ``base_url``."""

    def __init__(self, base_url: str, key: PartyKey | None = None, *, client: httpx.Client | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.http = client or httpx.Client(base_url=self.base_url, timeout=30.0)
        self.clock = clock

    def signed_post(self, path: str, payload: Any, *, key: PartyKey | None = None) -> httpx.Response:
        """POST ``payload`` as JSON to ``path``, signed with ``key`` (default: the client's key)."""
        body = json.dumps(payload).encode()
        signer = key or self.key
        if signer is None:
            raise ValueError("a signed request needs a key")
        authority = httpx.URL(self.base_url).netloc.decode("ascii")
        headers = sign_request(signer, "POST", path, body, created=int(self.clock()), authority=authority)
        headers["Content-Type"] = "application/json"
        return self.http.post(path, content=body, headers=headers)

    def append(self, signed: SignedEntry) -> int:
        """Append ``signed`` to the node's log; return its sequence number (raises on an HTTP error)."""
        response = self.signed_post("/v1/entries", signed.to_json())
        response.raise_for_status()
        return int(response.json()["seq"])

    def sync(self) -> Any:
        response = self.signed_post("/v1/sync", {})
        response.raise_for_status()
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params or None)
        response.raise_for_status()
        return response.json()

    def _call(self, fn: Callable[[], httpx.Response]) -> httpx.Response:
        try:
            return fn()
        except httpx.InvalidURL as exc:
            raise InputError(f"not a node URL: {exc}", field="URL") from exc
        except httpx.UnsupportedProtocol as exc:
            raise InputError(f"not a node URL (http:// or https://): {self.base_url}", field="URL") from exc
        except httpx.HTTPError as exc:
            raise InputError(f"cannot reach the node at {self.base_url}: {exc}", field="URL") from exc

    def submit(self, signed: SignedEntry) -> Submitted:
        """Append ``signed``; a node that already holds it answers 409 (``seq`` None). Any other refusal raises
        ``InputError`` with the node's problem detail."""
        response = self._call(lambda: self.signed_post("/v1/entries", signed.to_json()))
        if response.status_code == 409:
            return Submitted(None, _problem(response))
        if response.status_code >= 400:
            raise InputError(f"{self.base_url} refused the entry (HTTP {response.status_code}): "
                             f"{_problem(response)}")
        return Submitted(int(response.json()["seq"]))

    def read(self, path: str) -> Any:
        """GET ``path`` as JSON; ``InputError`` naming the node on any failure."""
        response = self._call(lambda: self.http.get(path))
        if response.status_code >= 400:
            raise InputError(f"{self.base_url}{path}: HTTP {response.status_code}: {_problem(response)}")
        try:
            return response.json()
        except ValueError as exc:
            raise InputError(f"{self.base_url}{path}: not JSON; is this a moratorium node?") from exc

    def status(self) -> dict[str, Any]:
        """The node's party, key, treaty, log size and checkpoint, its peers, and the verdicts it derives."""
        info = self.read("/v1/node")
        checkpoint = self.read("/v1/checkpoint") if info.get("size") else None
        verdicts = self.read("/v1/state/verdicts")
        return {"url": self.base_url, "node": info, "checkpoint": checkpoint, "verdicts": verdicts}

    def close(self) -> None:
        self.http.close()
