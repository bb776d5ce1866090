"""Two real nodes (uvicorn subprocesses on loopback) witness each other through C2SP ``add-checkpoint``: each is
started with ``serve --witness <the other's vkey>@<the other's URL>``, submits its checkpoints with consistency
proofs as its log grows, and keeps the cosignatures; each serves its log as tiles that ``follow`` verifies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from moratorium.api.client import NodeClient
from moratorium.ledger.checkpoint import verify_cosignature, vkey
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.ledger.tlog_client import HttpFetcher, follow
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys

from .test_two_nodes import Server, _free_port

pytestmark = pytest.mark.slow


@pytest.fixture()
def witnessing_nodes(tmp_path: Path) -> Iterator[tuple[dict[str, Server], dict[str, PartyKey]]]:
    keys = demo_keys(load_scenario("history-2019-2026"))
    ports = {"RU": _free_port(), "NATO": _free_port()}
    servers = {}
    for party, key in keys.items():
        key.save(tmp_path / f"{party}.key")
        other = "NATO" if party == "RU" else "RU"
        server = Server(party, tmp_path / f"{party}.key", tmp_path / f"{party}.sqlite", ports[party], ports[other])
        witness_key = keys[other].public
        server.args += ["--witness", f"{vkey(other, witness_key.raw, cosigner=party == 'RU')}@"
                                     f"http://127.0.0.1:{ports[other]}"]
        servers[party] = server
    for server in servers.values():
        server.start()
    yield servers, keys
    for server in servers.values():
        server.stop()


def _entry(author: str, i: int) -> Entry:
    return Entry(author=author, kind="notification", effective="2021-01-01", recorded="2021-01-01",
                 body={"event": "other", "text": f"witnessed {i}"})


def test_two_nodes_witness_each_other_through_add_checkpoint(
        witnessing_nodes: tuple[dict[str, Server], dict[str, PartyKey]]) -> None:
    servers, keys = witnessing_nodes
    clients = {p: NodeClient(s.url, keys[p]) for p, s in servers.items()}
    for round_no, count in enumerate((3, 5)):
        for party, client in clients.items():
            for i in range(count):
                client.append(sign_entry(_entry(party, 100 * round_no + i), keys[party]))
        # Two rounds each: the first contact pins the peer's key, after which its add-checkpoint accepts.
        for _ in range(2):
            for client in clients.values():
                client.sync()
        for party, other in (("RU", "NATO"), ("NATO", "RU")):
            size = clients[party].get("/v1/node")["size"]
            assert size == 3 + 5 * round_no
            [witness] = clients[party].get("/v1/witnesses")["witnesses"]
            assert witness["error"] is None, witness
            assert witness["cosigned_size"] == size
            note = clients[party].get("/v1/checkpoint")["note"]
            assert verify_cosignature(note, keys[other].public) > 0
            # The witness's own record of that log moved to the new size (a stale resubmission is a 409).
            stale = httpx.post(f"{servers[other].url}/add-checkpoint", content=f"old 0\n\n{note}".encode())
            assert stale.status_code == 409
            assert stale.headers["content-type"] == "text/x.tlog.size"
            assert stale.text == f"{size}\n"
    # Each node's log, as served in tiles, is followed and verified by the tiles-only client.
    for party, server in servers.items():
        with httpx.Client(timeout=10) as http:
            result = follow(HttpFetcher(f"{server.url}/tlog/{party}", client=http), {party: keys[party].public,
                            **{p: k.public for p, k in keys.items()}})
        assert len(result.entries) == 8
        assert result.cosigners == ["NATO" if party == "RU" else "RU"]
    for client in clients.values():
        client.close()
