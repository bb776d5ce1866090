"""A signing HTTP client for a party node (used by the sync tests, the benchmark and scripts).

``NodeClient(base_url, key)`` signs every write with ``key`` (``moratorium.api.auth.sign_request``); reads are
plain. The clock is a parameter (``clock``), the transport a seam (``client``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from moratorium.api.auth import sign_request
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey

__all__ = ["NodeClient"]


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

    def close(self) -> None:
        self.http.close()
