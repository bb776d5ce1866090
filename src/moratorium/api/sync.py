"""Node-to-node sync: pull a peer's new entries, verify them, cosign its checkpoint and push the cosignature back.

One round against a peer (``sync_peer``):

1. ``GET /v1/node``: the peer's party and public key. The first key seen is pinned in the mirror; a different
   key later is refused (trust on first use; operators compare key ids out of band, as ``/v1/node`` shows).
2. ``GET /v1/logs/{peer}/checkpoint``: the peer's latest checkpoint, verified with the pinned key. A second
   root for a size already held is an equivocation: the note is stored beside the first and the round stops.
3. ``GET /v1/logs/{peer}/entries`` from the mirror's size to the checkpoint's size, in pages. Every entry must be
   authored by the peer and carry its valid signature (the mirror checks it against the pinned key), and the
   Merkle root of the mirror plus the new entries must equal the checkpoint's root *before* anything is stored.
4. ``cosign`` (C2SP tlog-cosignature): checks consistency with the last checkpoint this node cosigned for that
   origin, then signs. ``POST /v1/cosignatures`` hands the cosigned note back to the peer.

A node that was down simply starts from its mirror's size: nothing is lost and nothing is fetched twice.
The clock (``now``) is a parameter; the HTTP client is too (a seam for tests).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from moratorium.api.node import Node, PeerStatus
from moratorium.errors import ConflictError, EquivocationError, Error, InputError, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger.checkpoint import ForkProvenError, cosign, open_checkpoint
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PublicKey

__all__ = ["PAGE_SIZE", "pin_peer_keys", "sync_peer"]

PAGE_SIZE = 500


def _get(client: httpx.Client, url: str, **params: Any) -> Any:
    try:
        response = client.get(url, params=params or None)
    except httpx.HTTPError as exc:
        raise ConnectionError(f"GET {url}: {exc}") from exc
    if response.status_code != 200:
        raise VerificationError(f"GET {url}: HTTP {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError as exc:
        raise VerificationError(f"GET {url}: not JSON") from exc


def _peer_key(info: Any) -> PublicKey:
    try:
        return PublicKey(party=str(info["party"]), raw=base64.b64decode(info["public_key"], validate=True))
    except (KeyError, TypeError, ValueError, binascii.Error, InputError) as exc:
        raise VerificationError(f"malformed /v1/node answer: {exc!r}") from exc


def _fetch(client: httpx.Client, base: str, party: str, start: int, stop: int) -> list[SignedEntry]:
    out: list[SignedEntry] = []
    while start + len(out) < stop:
        pos = start + len(out)
        page = _get(client, f"{base}/v1/logs/{party}/entries", start=pos, stop=min(stop, pos + PAGE_SIZE))
        items = page.get("entries") if isinstance(page, dict) else None
        if not isinstance(items, list) or not items:
            raise VerificationError(f"peer returned no entries for [{pos}, {stop})")
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get("seq") != pos + i:
                raise VerificationError(f"peer entry {pos + i}: wrong or missing sequence number")
            try:
                signed = SignedEntry.from_json({"entry": item.get("entry"), "signature": item.get("signature")})
            except InputError as exc:
                raise VerificationError(f"peer entry {pos + i}: {exc}") from exc
            if signed.entry.author != party:
                raise VerificationError(f"peer entry {pos + i} is authored by {signed.entry.author}, not {party}")
            out.append(signed)
    return out[: stop - start]


def pin_peer_keys(node: Node, *, client: httpx.Client) -> None:
    """Learn (first contact) the keys of configured peers whose keys are not pinned yet; errors are recorded."""
    known = node.keyring()
    for peer in node.peers:
        if peer.party is not None and peer.party in known:
            continue
        try:
            key = _peer_key(_get(client, f"{peer.url}/v1/node"))
            if key.party in node.mirrors:
                node.pin_peer_key(key)
                peer.party = key.party
        except (Error, ConnectionError) as exc:
            peer.error = f"{type(exc).__name__}: {exc}"


def sync_peer(node: Node, peer: PeerStatus, *, client: httpx.Client, now: int) -> PeerStatus:
    """Run one sync round against ``peer`` and update its status (errors are recorded, not raised)."""
    peer.last_sync = now
    try:
        _round(node, peer, client=client, now=now)
        peer.error = None
    except ForkProvenError as exc:
        peer.error = f"equivocation: {exc}"
    except (Error, ConnectionError) as exc:
        peer.error = f"{type(exc).__name__}: {exc}"
    return peer


def _round(node: Node, peer: PeerStatus, *, client: httpx.Client, now: int) -> None:
    key = _peer_key(_get(client, f"{peer.url}/v1/node"))
    if key.party == node.party or key.party not in node.mirrors:
        raise VerificationError(f"peer at {peer.url} says it is {key.party!r}: not another party of the treaty")
    peer.party = key.party
    node.pin_peer_key(key)
    mirror = node.mirrors[key.party]
    note = _get(client, f"{peer.url}/v1/logs/{key.party}/checkpoint").get("note")
    if not isinstance(note, str):
        raise VerificationError("peer checkpoint answer has no note")
    gossip = node.receive_peer_checkpoint(note)
    if gossip["status"] == "equivocation":
        raise ForkProvenError(f"{key.party} signed two roots at one size", gossip["proof"])
    if gossip["status"] == "inconsistent":
        peer.inconsistencies.append(gossip["detail"])
        raise EquivocationError(gossip["detail"])
    cp = open_checkpoint(note, key)
    if cp.origin != node.origin(key.party):
        raise VerificationError(f"checkpoint origin {cp.origin!r}, expected {node.origin(key.party)!r}")
    held = mirror.size
    new = _fetch(client, peer.url, key.party, held, cp.size) if cp.size > held else []
    with node.lock:
        if mirror.size != held:
            raise ConflictError("the mirror grew during the round (a concurrent sync); try again")
        if new:
            hashes = [h for _, _, h in mirror.iter_leaves(0, held)]
            hashes += [rfc6962.hash_leaf(s.leaf_data()) for s in new]
            levels = rfc6962.perfect_levels(hashes)
            root = rfc6962.root_from(cp.size, lambda level, index: levels[level][index])
            if root != cp.root:
                raise EquivocationError(f"entries [{held}, {cp.size}) do not give the checkpoint root: expected "
                                        f"{cp.root.hex()}, calculated {root.hex()}")
            try:
                mirror.append_many(new)
            except ConflictError as exc:
                raise VerificationError(f"peer entries refused by the mirror: {exc}") from exc
        cosigned = cosign(mirror, note, node.key, operator=key.party, timestamp=now)
        node.forget_view()
    peer.mirrored_size = mirror.size
    peer.cosigned_size = cp.size
    try:
        response = client.post(f"{peer.url}/v1/cosignatures", json={"note": cosigned})
    except httpx.HTTPError as exc:
        raise ConnectionError(f"pushing the cosignature: {exc}") from exc
    if response.status_code != 200:
        raise VerificationError(f"peer refused our cosignature: HTTP {response.status_code}: {response.text[:200]}")
