"""Two real nodes on loopback (uvicorn in subprocesses, SQLite in a temp dir): RU and NATO run the demo scenario
through the API, cosign each other's checkpoints, survive a kill -9 and restart, and catch an equivocation."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from moratorium.api.client import NodeClient
from moratorium.ledger.checkpoint import Checkpoint, check_equivocation, open_checkpoint, sign_checkpoint
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys, run_scenario

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A ``moratorium serve`` subprocess."""

    def __init__(self, party: str, key_file: Path, db: Path, port: int, peer_port: int) -> None:
        self.args = [sys.executable, "-c", "from moratorium.cli import main; main()", "serve", "--party", party,
                     "--key", str(key_file), "--db", str(db), "--port", str(port),
                     "--peer", f"http://127.0.0.1:{peer_port}", "--sync-interval", "0"]
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"node exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            try:
                if httpx.get(self.url + "/v1/node", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("node did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture()
def nodes(tmp_path: Path) -> Iterator[tuple[dict[str, Server], dict[str, PartyKey]]]:
    keys = demo_keys(load_scenario("history-2019-2026"))
    ports = {"RU": _free_port(), "NATO": _free_port()}
    servers = {}
    for party, key in keys.items():
        key.save(tmp_path / f"{party}.key")
        other = "NATO" if party == "RU" else "RU"
        servers[party] = Server(party, tmp_path / f"{party}.key", tmp_path / f"{party}.sqlite", ports[party],
                                ports[other])
    for server in servers.values():
        server.start()
    yield servers, keys
    for server in servers.values():
        server.stop()


def _statuses(verdicts: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(v["party"], v["obligation"], v["status"]) for v in verdicts]


def test_two_nodes_run_the_demo_cosign_survive_restart_and_catch_equivocation(
        nodes: tuple[dict[str, Server], dict[str, PartyKey]]) -> None:
    servers, keys = nodes
    scenario = load_scenario("history-2019-2026")
    clients = {p: NodeClient(s.url, keys[p]) for p, s in servers.items()}
    steps = [sign_entry(step.entry, keys[step.entry.author]) for step in scenario.steps]
    first, rest = steps[:-4], steps[-4:]
    for signed in first:
        clients[signed.entry.author].append(signed)
    for client in clients.values():
        result = client.sync()
        assert all(p["error"] is None for p in result["peers"]), result
    # Each node's checkpoint now carries the other party's C2SP cosignature.
    for party, other in (("RU", "NATO"), ("NATO", "RU")):
        cp = clients[party].get("/v1/checkpoint")
        assert set(cp["signers"]) == {party, other}, cp
    sizes_before = {p: c.get("/v1/node")["size"] for p, c in clients.items()}

    # NATO's node is killed; RU keeps writing; NATO restarts and catches up with nothing lost.
    servers["NATO"].kill()
    for signed in rest:
        if signed.entry.author == "RU":
            clients["RU"].append(signed)
    ru_sync = clients["RU"].sync()["peers"][0]
    assert ru_sync["error"] is not None  # the peer is down: recorded, not fatal
    servers["NATO"].start()
    assert clients["NATO"].get("/v1/node")["size"] == sizes_before["NATO"]
    for signed in rest:
        if signed.entry.author == "NATO":
            clients["NATO"].append(signed)
    for client in clients.values():
        assert all(p["error"] is None for p in client.sync()["peers"])
    mirrored = clients["NATO"].get("/v1/logs/RU/entries")["entries"]
    own = clients["RU"].get("/v1/logs/RU/entries")["entries"]
    assert mirrored == own
    assert len(own) == sum(1 for s in steps if s.entry.author == "RU")

    # Both nodes derive the same verdicts, and the same as a single-process run of the scenario.
    expected = [v.to_json() for v in run_scenario(scenario).verdicts]
    views = {p: c.get("/v1/state/verdicts") for p, c in clients.items()}
    assert views["RU"]["verdicts"] == views["NATO"]["verdicts"]
    assert _statuses(views["RU"]["verdicts"]) == _statuses(expected)
    assert views["RU"]["sizes"] == views["NATO"]["sizes"] == {"RU": len(own), "NATO": len(steps) - len(own)}

    # NATO signs a second, different root for a size RU has already witnessed: RU catches and keeps the proof.
    held = clients["RU"].get("/v1/logs/NATO/checkpoint")
    real = open_checkpoint(held["note"], keys["NATO"].public)
    forged = sign_checkpoint(Checkpoint(real.origin, real.size, bytes(32)), keys["NATO"])
    r = clients["RU"].http.post("/v1/checkpoints", json={"note": forged})
    assert r.status_code == 409
    a, b = check_equivocation(r.json()["proof"], operator=keys["NATO"].public)
    assert {a.root, b.root} == {real.root, bytes(32)}
    shown = clients["RU"].get("/v1/equivocations")["equivocations"]
    assert [e["party"] for e in shown] == ["NATO"]
    check_equivocation(shown[0]["proof"], operator=keys["NATO"].public)
    # RU now refuses to cosign that size again.
    assert clients["RU"].sync()["peers"][0]["error"].startswith("equivocation")
    for client in clients.values():
        client.close()
