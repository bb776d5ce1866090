"""The node's FastAPI application: log, checkpoints, proofs, signed writes, witnessing and sync.

``create_app(node, clock=...)`` builds it; regime views (treaty, verdicts, maps, reach, inspections) are added by
``moratorium.api.routes_regime`` and the web UI is mounted at ``/ui``. The clock is read here and nowhere below.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Mapping
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from moratorium.api._problems import BodyLimit, ForbiddenError, UnsupportedMediaTypeError, install_handlers
from moratorium.api.auth import NonceCache, SignedRequest, verify_request
from moratorium.api.node import Node
from moratorium.api.routes_tiles import add_tlog_routes, submit_to_witnesses
from moratorium.api.sync import pin_peer_keys, sync_peer
from moratorium.errors import InputError, VerificationError
from moratorium.ledger.checkpoint import Checkpoint, SignedNote
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.rfc6962 import hash_leaf

__all__ = ["MAX_BODY_BYTES", "MAX_PAGE", "create_app"]

MAX_BODY_BYTES = 256 * 1024
MAX_PAGE = 1000
_PIN_INTERVAL_S = 60
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in a request body (entry bodies are a few levels deep)."""
_SIZE = Annotated[int, Query(ge=0, le=2**53)]

_ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["entry", "signature"],
    "additionalProperties": False,
    "properties": {
        "entry": {
            "type": "object",
            "required": ["author", "kind", "effective", "recorded", "body"],
            "properties": {
                "author": {"type": "string"}, "kind": {"type": "string"}, "effective": {"type": "string"},
                "recorded": {"type": "string"}, "body": {"type": "object"},
            },
        },
        "signature": {"type": "string", "description": "base64 Ed25519 signature by the author"},
    },
}
_SIGNED = {"description": "RFC 9421 subset: see moratorium.api.auth", "security": [{"httpSignature": []}]}


class NoteIn(BaseModel):
    """A C2SP signed note (a checkpoint, possibly with cosignatures)."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(max_length=16384)


class _NodeKeys(Mapping[str, PublicKey]):
    """The node's keyring as ``verify_request`` reads it: a lookup of the signer's key only (``Node.public_key``),
    so a request signed by the node's own party reads no key from the store; iterating reads them all."""

    def __init__(self, node: Node) -> None:
        self._node = node

    def __getitem__(self, party: str) -> PublicKey:
        key = self._node.public_key(party)
        if key is None:
            raise KeyError(party)
        return key

    def __iter__(self) -> Iterator[str]:
        return iter(self._node.keyring())

    def __len__(self) -> int:
        return len(self._node.keyring())


def _hex(items: list[bytes]) -> list[str]:
    return [h.hex() for h in items]


def note_json(note: str) -> dict[str, Any]:
    """A checkpoint note with its parsed fields and signers, for the API and the log explorer."""
    signed = SignedNote.parse(note)
    cp = Checkpoint.parse(signed.text)
    return {"note": note, "origin": cp.origin, "size": cp.size, "root": cp.root.hex(),
            "root_base64": base64.b64encode(cp.root).decode(), "signers": [s.name for s in signed.signatures]}


def _depth_ok(value: Any, limit: int) -> bool:
    """``value`` nests arrays and objects at most ``limit`` deep (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def create_app(node: Node, *, clock: Callable[[], float] = time.time, sync_interval_s: float = 0.0,
               max_body_bytes: int = MAX_BODY_BYTES, max_skew_s: int = 300,
               authorities: Collection[str] | None = None) -> FastAPI:
    """The HTTP application of ``node``. ``sync_interval_s > 0`` runs peer sync in the background.

    ``authorities``: the ``host[:port]`` names clients reach this node by; a signed request addressed to another
    (its covered ``@authority``) is refused, so a request captured at one node cannot be replayed at another.
    None accepts any Host (still covered by the signature). Requests signed before the app was created are
    refused (``NonceCache.not_before``): the replay memory does not survive a restart.
    """

    def now() -> int:
        return int(clock())

    nonces = NonceCache(window_s=max_skew_s, not_before=now())
    last_pin = [-_PIN_INTERVAL_S]  # when a cosignature last made the node learn its peers' keys

    def sync_all() -> list[dict[str, Any]]:
        with httpx.Client(timeout=10.0) as client:
            peers = [sync_peer(node, peer, client=client, now=now()).to_json() for peer in node.peers]
            submit_to_witnesses(node, client=client)
            return peers

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = None
        if sync_interval_s > 0 and (node.peers or node.witnesses):
            async def loop() -> None:
                while True:
                    await run_in_threadpool(sync_all)
                    await asyncio.sleep(sync_interval_s)

            task = asyncio.create_task(loop())
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(title="moratorium party node", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="One party's node: its append-only log, mirrors of the peers' logs, witnessing, "
                              "and the regime view both nodes compute. Writes are signed (RFC 9421 subset).")
    install_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.state.node = node
    app.state.sync_all = sync_all

    async def authenticate(request: Request) -> tuple[SignedRequest, bytes]:
        body = await request.body()
        # RFC 9421 §2.2.6: @path is the path as sent, before percent-decoding (Starlette's url.path is decoded)
        raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
        raw_query = request.scope.get("query_string") or b""
        signer = verify_request(request.method, raw_path.decode("latin-1"), body, request.headers,
                                keys=_NodeKeys(node), nonces=nonces, now=now(), max_skew_s=max_skew_s,
                                query=raw_query.decode("latin-1"), scheme=request.url.scheme,
                                authorities=authorities)
        return signer, body

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The API docs (Swagger UI) from the node's own vendored copy: works offline, no CDN."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="moratorium party node: API",
                                   swagger_js_url="/ui/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/ui/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/ui/vendor/swagger-ui/favicon-32x32.png")

    @app.get("/v1/node", tags=["node"])
    def node_info() -> dict[str, Any]:
        """This node's party, key, log origin, treaty and peers."""
        key = node.key.public
        return {"party": node.party, "public_key": key.to_json()["public_key"], "key_id": key.key_id,
                "origin": node.origin(), "treaty": node.treaty.id, "size": node.own.size,
                "parties": [node.party, *node.mirrors], "peers": [p.to_json() for p in node.peers]}

    @app.get("/v1/logs/{party}/entries", tags=["log"])
    def log_entries(party: str, start: _SIZE = 0, stop: Annotated[int | None, Query(ge=0, le=2**53)] = None
                    ) -> dict[str, Any]:
        """Entries ``start <= seq < stop`` of ``party``'s log (at most 1000), with their leaf hashes."""
        log = node.log(party)
        size = log.size
        stop = size if stop is None else stop
        if not start <= stop <= size:
            raise InputError(f"range [{start}, {stop}) is outside the log of size {size}", field="stop")
        stop = min(stop, start + MAX_PAGE)
        out = []
        for seq, signed in enumerate(log.entries(start, stop), start=start):
            out.append({"seq": seq, "leaf_hash": hash_leaf(signed.leaf_data()).hex(), **signed.to_json()})
        return {"party": party, "size": size, "start": start, "entries": out}

    @app.get("/v1/entries", tags=["log"])
    def own_entries(start: _SIZE = 0, stop: Annotated[int | None, Query(ge=0, le=2**53)] = None) -> dict[str, Any]:
        """Entries of this node's own log (same as ``/v1/logs/{party}/entries``)."""
        return log_entries(node.party, start, stop)

    @app.get("/v1/logs/{party}/checkpoint", tags=["log"])
    def latest_checkpoint(party: str) -> dict[str, Any]:
        """The latest checkpoint of ``party``'s log: signed now for the own log, as cosigned for a mirror."""
        if party == node.party:
            return note_json(node.checkpoint())
        notes = node.log(party).checkpoints(origin=node.origin(party))
        if not notes:
            raise InputError(f"no checkpoint of {party}'s log held yet", field="party")
        return note_json(notes[0])

    @app.get("/v1/checkpoint", tags=["log"])
    def own_checkpoint() -> dict[str, Any]:
        """This node's latest checkpoint, with every cosignature pushed back so far."""
        return note_json(node.checkpoint())

    @app.get("/v1/logs/{party}/checkpoints", tags=["log"])
    def all_checkpoints(party: str) -> dict[str, Any]:
        """Every stored checkpoint of ``party``'s log, largest first, with their signers (cosignatures)."""
        log = node.log(party)
        return {"party": party, "checkpoints": [note_json(n) for n in log.checkpoints(origin=node.origin(party))]}

    @app.get("/v1/logs/{party}/proofs/inclusion", tags=["log"])
    def inclusion(party: str, index: _SIZE, size: Annotated[int | None, Query(ge=1, le=2**53)] = None
                  ) -> dict[str, Any]:
        """RFC 9162 §2.1.3 inclusion proof of entry ``index`` in the tree of ``size`` (default: current)."""
        log = node.log(party)
        size = log.size if size is None else size
        if not 0 <= index < size <= log.size:
            raise InputError(f"need 0 <= index < size <= {log.size}", field="index")
        [signed] = log.entries(index, index + 1)
        leaf = signed.leaf_data()
        return {"party": party, "index": index, "size": size, "leaf": leaf.decode(), "leaf_hash": hash_leaf(leaf).hex(),
                "root": log.root_hash(size).hex(), "proof": _hex(log.inclusion_proof(index, size))}

    @app.get("/v1/logs/{party}/proofs/consistency", tags=["log"])
    def consistency(party: str, size1: Annotated[int, Query(ge=1, le=2**53)],
                    size2: Annotated[int | None, Query(ge=1, le=2**53)] = None) -> dict[str, Any]:
        """RFC 9162 §2.1.4 consistency proof between tree sizes ``size1 <= size2``."""
        log = node.log(party)
        size2 = log.size if size2 is None else size2
        if not size1 <= size2 <= log.size:
            raise InputError(f"need 1 <= size1 <= size2 <= {log.size}", field="size2")
        return {"party": party, "size1": size1, "size2": size2, "root1": log.root_hash(size1).hex(),
                "root2": log.root_hash(size2).hex(), "proof": _hex(log.consistency_proof(size1, size2))}

    @app.post("/v1/entries", tags=["log"], status_code=201,
              openapi_extra={**_SIGNED, "requestBody": {"required": True,
                                                        "content": {"application/json": {"schema": _ENTRY_SCHEMA}}}})
    async def post_entry(request: Request) -> dict[str, Any]:
        """Append one of this party's entries. The request must be signed by the entry's author, this node's
        party: unsigned 401, another party 403, a malformed entry 422, a replayed entry 409."""
        signer, body = await authenticate(request)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise UnsupportedMediaTypeError(f"an entry is sent as application/json, not {media or 'no type'!r}",
                                            field="content-type")
        if signer.party != node.party:
            raise ForbiddenError(f"this node accepts writes from {node.party} only; the request is signed by "
                            f"{signer.party}")
        try:
            obj = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise InputError(f"the body is not JSON: {exc}", field="body") from exc
        if not _depth_ok(obj, MAX_DEPTH):
            raise InputError(f"the body nests arrays or objects more than {MAX_DEPTH} deep", field="body")
        signed = SignedEntry.from_json(obj)
        if signed.entry.author != signer.party:
            raise ForbiddenError(f"a party may only author its own entries: signer {signer.party}, "
                            f"author {signed.entry.author}")
        seq = await run_in_threadpool(node.append, signed)
        return {"party": node.party, "seq": seq, "leaf_hash": hash_leaf(signed.leaf_data()).hex()}

    @app.post("/v1/cosignatures", tags=["witness"])
    def post_cosignature(item: NoteIn) -> dict[str, Any]:
        """A peer hands back our checkpoint with its C2SP cosignature (self-authenticating: no HTTP signature).

        A cosigner that is a party of the treaty whose key is not pinned yet makes the node learn the configured
        peers' keys (first contact), at most once a minute and with a short timeout; any other name makes no
        outgoing request, so an unauthenticated caller cannot make the node call its peers at will."""
        names = {sig.name for sig in SignedNote.parse(item.note).signatures}
        unpinned = (names & set(node.mirrors)) - set(node.keyring())
        if unpinned and now() - last_pin[0] >= _PIN_INTERVAL_S:
            last_pin[0] = now()
            with httpx.Client(timeout=2.0) as client:
                pin_peer_keys(node, client=client)
        cosigners = node.receive_cosignature(item.note)
        return {"stored": True, "cosigners": cosigners}

    @app.post("/v1/checkpoints", tags=["witness"])
    def post_checkpoint(item: NoteIn) -> dict[str, Any]:
        """Gossip: anyone may hand us a peer's signed checkpoint; one that conflicts with a checkpoint we hold
        is an equivocation, stored and answered with 409 and the portable proof."""
        result = node.receive_peer_checkpoint(item.note)
        if result["status"] == "equivocation":
            from moratorium.ledger.checkpoint import ForkProvenError

            raise ForkProvenError("the peer signed two different roots for one size", result["proof"])
        if result["status"] == "inconsistent":
            raise VerificationError(result["detail"])
        return result

    @app.post("/v1/sync", tags=["witness"], openapi_extra=_SIGNED)
    async def post_sync(request: Request) -> dict[str, Any]:
        """Sync with every peer now (pull, verify, cosign, push back). Signed by any party the node knows."""
        await authenticate(request)
        return {"peers": await run_in_threadpool(sync_all)}

    @app.get("/v1/equivocations", tags=["witness"])
    def equivocations() -> dict[str, Any]:
        """Portable proofs that a peer signed two roots for one size (``moratorium-equivocation/v1``)."""
        return {"equivocations": node.equivocations(),
                "inconsistencies": {p.url: p.inconsistencies for p in node.peers if p.inconsistencies}}

    from moratorium.api.routes_regime import add_regime_routes
    from moratorium.web import static_dir

    add_regime_routes(app, node)
    add_tlog_routes(app, node, now=now)
    app.mount("/ui", StaticFiles(directory=str(static_dir()), html=True), name="ui")  # /ui/ serves index.html
    app.openapi_schema = None
    _add_security_scheme(app)
    return app


def _add_security_scheme(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            schema.setdefault("components", {})["securitySchemes"] = {"httpSignature": {
                "type": "apiKey", "in": "header", "name": "Signature",
                "description": "Ed25519 HTTP Message Signature (RFC 9421 subset) with Signature-Input and "
                               "Content-Digest; see moratorium.api.auth"}}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
