"""The party node: one party's log as an HTTP service, witnessing its peers, with the regime view and a web UI.

Design
------
- **Own log, peer mirrors.** Each node operates *its own party's* append-only log (``SqlLog`` at ``--db``) and
  keeps a verified mirror of every other party's log (a sibling SQLite file, or a schema of the same
  PostgreSQL database; ``moratorium.api._storage``). Every write is an entry authored by the node's party and
  signed with that party's key: ``POST /v1/entries`` accepts it only if the HTTP request is signed by the same
  party (the signer must equal ``entry.author`` and the node's party). Peers' entries reach a node only
  through sync, never through writes.
- **Authentication** (``moratorium.api.auth``): an Ed25519 signature over method, path, the body's SHA-256
  ``Content-Digest``, a timestamp and a nonce, in the headers of HTTP Message Signatures (RFC 9421, a
  documented subset). Stale timestamps (more than 300 s off) and reused nonces are refused. Unsigned or badly
  signed writes get 401, a valid signature by the wrong party 403, a malformed body 422, a body over the
  limit 413; every error is an RFC 9457 problem document. Reads need no key: everything shown is public
  under the treaty.
- **One regime view** (``moratorium.api.view``): both nodes merge all parties' logs in the order
  ``(effective, recorded, author, seq)`` and replay the result, so with the same log prefixes they derive the
  same state and verdicts. Evidence is reported as ``{party, seq}`` references into the authors' logs.
- **Sync and witnessing** (``moratorium.api.sync``): each node pulls a peer's new entries by range with its
  latest checkpoint, checks every signature and that the entries give the checkpoint's root, cosigns the
  checkpoint (C2SP tlog-cosignature; ``cosign`` first checks RFC 9162 consistency with the last checkpoint
  this node cosigned) and pushes the cosignature back (``POST /v1/cosignatures``). A node that was down
  resumes from its mirror's size. Two checkpoints of one origin and size with different roots are an
  equivocation: the second is stored beside the first and the portable proof is shown at
  ``/v1/equivocations`` and in the UI. Checkpoints are also accepted as gossip from anyone
  (``POST /v1/checkpoints``), since they are self-authenticating. Sync runs as a background task
  (``--sync-interval``) and on demand (``POST /v1/sync``, signed by a known party).
- **Time** is read only here, in the HTTP layer (``create_app(clock=...)``); everything below takes it as a
  parameter.

Modules: ``app`` (application and log/witness routes), ``routes_regime`` (treaty, verdicts, maps, reach,
inspections), ``routes_tiles`` (C2SP tlog-tiles reads and the tlog-witness ``add-checkpoint``), ``node`` (state),
``sync``, ``auth``, ``view``, ``client`` (a signing client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from moratorium.api.node import Node

__all__ = ["build_app"]


def build_app(*, treaty_id: str, key_file: str, db_url: str, peers: tuple[str, ...] = (),
              sync_interval_s: float = 10.0, authorities: tuple[str, ...] | None = None) -> tuple[FastAPI, Node]:
    """Load the treaty and key, open the logs and return the node's application and its ``Node``."""
    from pathlib import Path

    from moratorium.api.app import create_app
    from moratorium.api.node import Node
    from moratorium.ledger.keys import PartyKey
    from moratorium.treaty import load_treaty

    key = PartyKey.load(Path(key_file))
    node = Node(treaty=load_treaty(treaty_id), key=key, db_url=db_url, peers=peers)
    return create_app(node, sync_interval_s=sync_interval_s, authorities=authorities), node
