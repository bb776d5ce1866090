"""``moratorium node import|submit|status`` against two real nodes (``moratorium serve`` subprocesses on
loopback): each party imports its own entries of the history scenario, the nodes sync, and both serve the same
verdicts as a single-process run. ``serve`` says where it listens, whose key it holds and how its peers are."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from moratorium.api.client import NodeClient
from moratorium.ledger.keys import PartyKey
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys, run_scenario

pytestmark = pytest.mark.slow
EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture()
def nodes(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, PartyKey], dict[str, str]]]:
    keys = demo_keys(load_scenario("history-2019-2026"))
    ports = {"RU": _free_port(), "NATO": _free_port()}
    procs, urls, banners, logs = {}, {}, {}, []
    for party, key in keys.items():
        key.save(tmp_path / f"{party}.key")
        other = "NATO" if party == "RU" else "RU"
        urls[party] = f"http://127.0.0.1:{ports[party]}"
        log = (tmp_path / f"{party}.err").open("w")
        logs.append(log)
        procs[party] = subprocess.Popen(
            [*EXE, "serve", "--party", party, "--key", str(tmp_path / f"{party}.key"), "--db",
             str(tmp_path / f"{party}.sqlite"), "--port", str(ports[party]), "--peer",
             f"http://127.0.0.1:{ports[other]}", "--sync-interval", "0"], stdout=subprocess.DEVNULL, stderr=log)
    try:
        for party, url in urls.items():
            deadline = time.monotonic() + 30
            while True:
                assert procs[party].poll() is None, (tmp_path / f"{party}.err").read_text()
                try:
                    if httpx.get(url + "/v1/node", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "node did not start"
                time.sleep(0.1)
            banners[party] = (tmp_path / f"{party}.err").read_text()
        yield urls, keys, {p: str(tmp_path / f"{p}.key") for p in keys} | {f"{p}-banner": b
                                                                           for p, b in banners.items()}
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait(10)
        for log in logs:
            log.close()


def test_two_nodes_import_the_history_and_serve_the_same_verdicts(
        nodes: tuple[dict[str, str], dict[str, PartyKey], dict[str, str]]) -> None:
    urls, keys, files = nodes
    for party in ("RU", "NATO"):
        done = cli("node", "import", urls[party], "--key", files[party], "history-2019-2026")
        assert done.returncode == 0, done.stderr
        assert "imported" in done.stdout and "Traceback" not in done.stderr
    again = cli("node", "import", urls["RU"], "--key", files["RU"], "history-2019-2026")
    assert again.returncode == 0 and "imported 0 of" in again.stdout and "already there" in again.stdout
    for party in ("RU", "NATO"):
        client = NodeClient(urls[party], keys[party])
        assert all(p["error"] is None for p in client.sync()["peers"])
        client.close()
    views = {}
    for party in ("RU", "NATO"):
        done = cli("node", "status", urls[party], "--format", "json")
        assert done.returncode == 0, done.stderr
        views[party] = json.loads(done.stdout)["verdicts"]
    assert views["RU"]["verdicts"] == views["NATO"]["verdicts"]
    expected = [(v.party, v.obligation, v.status) for v in run_scenario(load_scenario("history-2019-2026")).verdicts]
    assert [(v["party"], v["obligation"], v["status"]) for v in views["RU"]["verdicts"]] == expected
    text = cli("node", "status", urls["NATO"])
    assert text.returncode == 0 and "party NATO" in text.stdout and "peer " in text.stdout


def test_node_submit_signs_a_yaml_entry_and_refusals_are_one_line(
        nodes: tuple[dict[str, str], dict[str, PartyKey], dict[str, str]], tmp_path: Path) -> None:
    urls, _keys, files = nodes
    entry = tmp_path / "adopt.yaml"
    entry.write_text("kind: treaty-adoption\ndate: 2020-10-26\nbody: {treaty: ru-2020-offer}\n")
    done = cli("node", "submit", urls["RU"], "--key", files["RU"], str(entry))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{urls['RU']}: appended treaty-adoption by RU as entry 0"
    wrong = cli("node", "submit", urls["NATO"], "--key", files["RU"], str(entry))  # RU's entry at NATO's node
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "HTTP 40" in wrong.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: deployment\nbody: {}\n")
    missing = cli("node", "submit", urls["RU"], "--key", files["RU"], str(bad))
    assert missing.returncode == 2 and missing.stderr == f"error: {bad}: effective: missing (the date the fact " \
                                                         "took effect)\n"
    down = cli("node", "status", "http://127.0.0.1:9")
    assert down.returncode == 2 and down.stderr.startswith("error: URL: cannot reach the node at")


def test_serve_names_its_url_party_key_and_peers(
        nodes: tuple[dict[str, str], dict[str, PartyKey], dict[str, str]]) -> None:
    urls, keys, files = nodes
    banner = files["RU-banner"]
    assert f"moratorium node for RU at {urls['RU']}/ (UI {urls['RU']}/ui/" in banner
    assert f"key id {keys['RU'].public.key_id}" in banner
    assert "peer http://127.0.0.1:" in banner  # the peer is either described or warned about
    ui = httpx.get(urls["RU"] + "/ui/", timeout=10)  # regression: /ui/ answered 404; only /ui/index.html worked
    assert ui.status_code == 200 and "Compliance dashboard" in ui.text
    import os

    helped = subprocess.run([*EXE, "serve", "--help"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "250"})
    assert "moratorium keys generate" in helped.stdout and "keygen" not in helped.stdout
    assert "moratorium node import" in helped.stdout
