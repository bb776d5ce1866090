"""The node's C2SP routes in process: tlog-tiles reads (followed by the tiles-only client) and the tlog-witness
``add-checkpoint`` state machine driven through every status code the spec names."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moratorium.api.app import create_app
from moratorium.api.auth import sign_request
from moratorium.api.node import Node
from moratorium.ledger import open_log
from moratorium.ledger.checkpoint import Checkpoint, sign_checkpoint, verify_cosignature
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.ledger.sqllog import SqlLog
from moratorium.ledger.tlog_client import HttpFetcher, TileReader, follow
from moratorium.ledger.witness import render_add_checkpoint
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys

NOW = 1_750_000_000


@pytest.fixture(scope="module")
def keys() -> dict[str, PartyKey]:
    return demo_keys(load_scenario("history-2019-2026"))


@pytest.fixture()
def ru(tmp_path: Path, keys: dict[str, PartyKey]) -> Iterator[tuple[TestClient, Node]]:
    from moratorium.treaty import load_treaty

    node = Node(treaty=load_treaty("ru-2020-offer"), key=keys["RU"], db_url=str(tmp_path / "ru.sqlite"))
    app = create_app(node, clock=lambda: NOW, max_body_bytes=64 * 1024)
    with TestClient(app) as client:
        yield client, node
    node.close()


def _notification(author: str, i: int) -> Entry:
    return Entry(author=author, kind="notification", effective="2021-01-01", recorded="2021-01-01",
                 body={"event": "other", "text": f"note {i}"})


def _post_entry(client: TestClient, key: PartyKey, i: int) -> None:
    body = json.dumps(sign_entry(_notification(key.party, i), key).to_json()).encode()
    headers = sign_request(key, "POST", "/v1/entries", body, created=NOW, authority="testserver")
    r = client.post("/v1/entries", content=body, headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 201, r.text


def test_tiles_routes_serve_the_own_log_and_follow_reads_them(ru: tuple[TestClient, Node],
                                                               keys: dict[str, PartyKey]) -> None:
    client, node = ru
    for i in range(300):
        _post_entry(client, keys["RU"], i)
    r = client.get("/tlog/RU/checkpoint")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert "no-cache" in r.headers["cache-control"]
    tile = client.get("/tlog/RU/tile/0/000")
    assert tile.status_code == 200 and len(tile.content) == 8192
    assert tile.headers["content-type"] == "application/octet-stream"
    assert "immutable" in tile.headers["cache-control"]
    assert len(client.get("/tlog/RU/tile/0/001.p/44").content) == 44 * 32
    assert client.get("/tlog/RU/tile/1/000.p/1").status_code == 200
    # Beyond the log, or not a tile path: problem bodies, never a 500.
    for path, status in (("0/001", 404), ("0/001.p/45", 404), ("0/1", 422), ("entries/000.p/0", 422),
                         ("0/000.p/256", 422)):
        got = client.get(f"/tlog/RU/tile/{path}")
        assert got.status_code == status, (path, got.text)
        assert got.headers["content-type"] == "application/problem+json"
    assert client.get("/tlog/XX/checkpoint").status_code == 404
    fetcher = HttpFetcher("http://testserver/tlog/RU", client=client)
    result = follow(fetcher, {"RU": keys["RU"].public})
    assert len(result.entries) == 300
    assert result.checkpoint.root == node.own.root_hash()
    reader = TileReader(fetcher, 300)
    assert reader.inclusion_proof(123) == node.own.inclusion_proof(123, 300)


class _NatoLog:
    """NATO's log, kept by the test, whose checkpoints are submitted to RU's witness."""

    def __init__(self, tmp_path: Path, key: PartyKey, origin: str) -> None:
        self.key = key
        self.origin = origin
        self.log: SqlLog = open_log(str(tmp_path / "nato.sqlite"))
        self.log.register_key(key.public)

    def grow(self, n: int) -> str:
        start = self.log.size
        self.log.append_many([sign_entry(_notification("NATO", start + i), self.key) for i in range(n)])
        return sign_checkpoint(Checkpoint(self.origin, self.log.size, self.log.root_hash()), self.key)


def test_add_checkpoint_state_machine_through_every_status_code(ru: tuple[TestClient, Node], tmp_path: Path,
                                                                keys: dict[str, PartyKey]) -> None:
    client, node = ru
    node.pin_peer_key(keys["NATO"].public)
    nato = _NatoLog(tmp_path, keys["NATO"], node.origin("NATO"))

    def add(body: bytes) -> tuple[int, str, str]:
        r = client.post("/add-checkpoint", content=body, headers={"Content-Type": "text/plain"})
        return r.status_code, r.headers["content-type"], r.text

    note5 = nato.grow(5)
    # 400: malformed bodies.
    for body in (b"", b"old 0\n" + note5.encode(), b"old 00\n\n" + note5.encode(), b"old -1\n\n" + note5.encode(),
                 b"old 0\nnot base64!\n\n" + note5.encode(), b"old 0\n\nnot a checkpoint\n",
                 b"\xff\xfe", b"old 0\n" + b"AAAA\n" * 64 + b"\n" + note5.encode()):
        status, ctype, _ = add(body)
        assert status == 400, body[:30]
        assert ctype == "application/problem+json"
    # 400: an old size above the checkpoint's.
    assert add(render_add_checkpoint(6, [], note5))[0] == 400
    # 404: an origin this node does not witness (its own, or another treaty's).
    own = sign_checkpoint(Checkpoint(node.origin(), 0, node.own.root_hash()), keys["RU"])
    assert add(render_add_checkpoint(0, [], own))[0] == 404
    other = sign_checkpoint(Checkpoint("example.com/log", 5, nato.log.root_hash()), keys["NATO"])
    assert add(render_add_checkpoint(0, [], other))[0] == 404
    # 403: the right origin signed by another key.
    forged = sign_checkpoint(Checkpoint(nato.origin, 5, nato.log.root_hash()), PartyKey.derive("NATO", "x"))
    assert add(render_add_checkpoint(0, [], forged))[0] == 403
    # 422: a proof from size 0 must be empty.
    assert add(render_add_checkpoint(0, [bytes(32)], note5))[0] == 422
    # 200: first checkpoint, from size 0.
    status, ctype, lines = add(render_add_checkpoint(0, [], note5))
    assert status == 200, lines
    assert lines.startswith("\u2014 RU ") and lines.endswith("\n")
    assert verify_cosignature(note5 + lines, keys["RU"].public) == NOW
    # 409: stale old size; the body is the size the witness holds, as text/x.tlog.size.
    note9 = nato.grow(4)
    status, ctype, text = add(render_add_checkpoint(0, [], note9))
    assert (status, ctype, text) == (409, "text/x.tlog.size", "5\n")
    # 409: the same size with another root.
    fork5 = sign_checkpoint(Checkpoint(nato.origin, 5, bytes(32)), keys["NATO"])
    status, ctype, text = add(render_add_checkpoint(5, [], fork5))
    assert (status, ctype, text) == (409, "text/x.tlog.size", "5\n")
    # 422: a consistency proof that does not verify.
    good = nato.log.consistency_proof(5, 9)
    bad = [bytes(32), *good[1:]]
    assert add(render_add_checkpoint(5, bad, note9))[0] == 422
    assert add(render_add_checkpoint(5, good[:-1], note9))[0] == 422
    # 200: consistent from 5 to 9; the state moves to 9 (atomically with the check).
    status, _, lines = add(render_add_checkpoint(5, good, note9))
    assert status == 200, lines
    assert add(render_add_checkpoint(5, good, note9))[:3:2] == (409, "9\n")
    # Resubmitting the cosigned checkpoint itself is accepted (same size, same root).
    assert add(render_add_checkpoint(9, [], note9))[0] == 200
    # The state is the one the sync path uses: the mirror holds NATO's cosigned checkpoint at 9.
    assert node.mirrors["NATO"].cosigned_state("RU", nato.origin) is not None
    assert base64.b64decode(note9.split("\n")[2]) == nato.log.root_hash()
    nato.log.close()
