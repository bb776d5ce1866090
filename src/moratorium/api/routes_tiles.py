"""The node's transparency-ecosystem routes: C2SP tlog-tiles reads and the tlog-witness ``add-checkpoint``.

- ``GET /tlog/{party}/checkpoint`` and ``GET /tlog/{party}/tile/...``: each party's log (the own log, or a
  verified mirror) as a tlog-tiles prefix ``/tlog/{party}`` (``moratorium.ledger.tiles``). Tiles and entry
  bundles are immutable (a partial tile of width W never changes either) and are served with a year-long
  ``Cache-Control: immutable``; the checkpoint is mutable and served ``no-cache``. ``moratorium log follow
  URL/tlog/RU`` reads them, and so does any tlog-tiles client.
- ``POST /add-checkpoint``: this node as a C2SP witness of its peers' logs (``moratorium.ledger.witness``): 200
  with the cosignature lines, 409 with ``text/x.tlog.size``, and 400/403/404/422 as RFC 9457 problem bodies.
- ``GET /v1/witnesses``: the external witnesses this node submits its own checkpoints to, and how that went.

``submit_to_witnesses`` is the submitting side, run with each sync round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from moratorium.api._problems import problem
from moratorium.api.node import Node
from moratorium.errors import Error, InputError
from moratorium.ledger.checkpoint import Checkpoint, SignedNote
from moratorium.ledger.tiles import parse_tile_path, read_bundle, read_tile
from moratorium.ledger.witness import SIZE_CONTENT_TYPE, WitnessError, submit_checkpoint

__all__ = ["add_tlog_routes", "submit_to_witnesses"]

_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
_MUTABLE = {"Cache-Control": "no-cache"}
_TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity"}


def _served_note(node: Node, party: str) -> str:
    """The checkpoint the party's tiles are served for: the own log's latest, or the mirror's latest held one
    that the mirror has the entries of."""
    if party == node.party:
        return node.checkpoint()
    log = node.log(party)
    for note in log.checkpoints(origin=node.origin(party)):
        if Checkpoint.parse(SignedNote.parse(note).text).size <= log.size:
            return note
    raise InputError(f"no checkpoint of {party}'s log held yet", field="party")


def add_tlog_routes(app: FastAPI, node: Node, *, now: Callable[[], int]) -> None:
    """Add the tiles and witness routes to ``app``."""

    @app.get("/tlog/{party}/checkpoint", tags=["tiles"], response_class=PlainTextResponse)
    def tiles_checkpoint(party: str) -> Response:
        """The party's latest checkpoint (C2SP signed note), the root of its tlog-tiles tree."""
        return PlainTextResponse(_served_note(node, party), media_type="text/plain; charset=utf-8",
                                 headers=_MUTABLE)

    @app.get("/tlog/{party}/tile/{path:path}", tags=["tiles"], response_class=Response)
    def tiles_tile(party: str, path: str) -> Response:
        """A Merkle tile ``tile/<L>/<N>[.p/<W>]`` or an entry bundle ``tile/entries/<N>[.p/<W>]``."""
        level, index, width = parse_tile_path(f"tile/{path}")
        log = node.log(party)
        data = read_bundle(log, index, width) if level is None else read_tile(log, level, index, width)
        return Response(data, media_type="application/octet-stream", headers=_IMMUTABLE)

    @app.post("/add-checkpoint", tags=["witness"], response_class=PlainTextResponse,
              openapi_extra={"requestBody": {"required": True, "content": {"text/plain": {"schema": {
                  "type": "string", "description": "old <size>, proof lines, empty line, signed checkpoint"}}}}})
    async def add_checkpoint(request: Request) -> Response:
        """C2SP tlog-witness: cosign a peer's checkpoint that is consistent with the last one cosigned."""
        body = await request.body()
        try:
            lines = await run_in_threadpool(node.add_checkpoint, body, now=now())
        except WitnessError as exc:
            if exc.status == 409 and exc.size is not None:
                # Exactly ``text/x.tlog.size`` as the spec says: no charset parameter (Starlette would add one).
                return Response(f"{exc.size}\n".encode(), status_code=409, headers={"Content-Type": SIZE_CONTENT_TYPE})
            return problem(exc.status, _TITLES.get(exc.status, "Error"), str(exc))
        return PlainTextResponse(lines, media_type="text/plain; charset=utf-8")

    @app.get("/v1/witnesses", tags=["witness"])
    def witnesses() -> dict[str, Any]:
        """The external witnesses this node submits its checkpoints to (``serve --witness``)."""
        return {"witnesses": [w.to_json() for w in node.witnesses],
                "witnessed_logs": sorted(node.witnessed_logs())}


def submit_to_witnesses(node: Node, *, client: httpx.Client) -> list[dict[str, Any]]:
    """Submit the own latest checkpoint to every configured witness and keep the cosignatures they return."""
    if not node.witnesses:
        return []
    note = node.checkpoint()
    size = Checkpoint.parse(SignedNote.parse(note).text).size
    for witness in node.witnesses:
        def post(body: bytes, url: str = witness.url) -> tuple[int, str, str]:
            try:
                r = client.post(f"{url}/add-checkpoint", content=body, headers={"Content-Type": "text/plain"})
            except httpx.HTTPError as exc:
                raise ConnectionError(f"POST {url}/add-checkpoint: {exc}") from exc
            return r.status_code, r.headers.get("content-type", ""), r.text

        try:
            cosigned, held = submit_checkpoint(post, note, witness=witness.key,
                                               consistency_proof=lambda old: node.own.consistency_proof(old, size),
                                               old_size=witness.size)
            node.merge_witness_cosignature(cosigned)
            witness.size = witness.cosigned_size = held
            witness.error = None
        except (Error, ConnectionError) as exc:
            witness.error = f"{type(exc).__name__}: {exc}"
    return [w.to_json() for w in node.witnesses]
