"""The tlog-tiles read path end to end: ``run`` writes the history log, ``log export-tiles`` writes it as tiles, a
plain static file server (the standard library's, on loopback) serves them, ``log follow`` verifies every entry;
``log prove``/``log verify`` read the same tiles; bad input is one line and exit 2."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from base64 import b64decode, b64encode
from collections.abc import Iterator
from pathlib import Path

import pytest

from moratorium.ledger import open_log, rfc6962
from moratorium.ledger.checkpoint import vkey
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys

pytestmark = pytest.mark.slow


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from moratorium.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture()
def static_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_history_log_exported_served_statically_and_followed(tmp_path: Path,
                                                             static_server: tuple[str, Path]) -> None:
    base, www = static_server
    r = run(tmp_path, "run", "history-2019-2026", "--out", "out")
    assert r.returncode == 0, r.stderr
    db = tmp_path / "out" / "log.sqlite"
    r = run(tmp_path, "log", "export-tiles", str(db), str(www / "history"), "--format", "json")
    assert r.returncode == 0, r.stderr
    exported = json.loads(r.stdout)
    assert exported["verified_leaves"] is False
    r = run(tmp_path, "log", "export-tiles", str(db), str(tmp_path / "verified"), "--verify-leaves", "--format",
            "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["verified_leaves"] is True
    written = {str(p.relative_to(www / "history")): p.read_bytes() for p in (www / "history").rglob("*")
               if p.is_file()}
    assert written == {str(p.relative_to(tmp_path / "verified")): p.read_bytes()
                       for p in (tmp_path / "verified").rglob("*") if p.is_file()}
    with open_log(str(db), create=False) as log:
        size, root = log.size, log.root_hash()
        leaves = [data for _s, data, _h in log.iter_leaves()]
    assert exported["size"] == size and exported["root"] == b64encode(root).decode()
    keys = demo_keys(load_scenario("history-2019-2026"))
    vkeys = [arg for k in keys.values() for arg in ("--vkey", vkey(k.party, k.public.raw))]
    url = f"{base}/history"
    state = tmp_path / "follow.json"
    r = run(tmp_path, "log", "follow", url, *vkeys, "--state", str(state), "--format", "json")
    assert r.returncode == 0, r.stderr
    followed = json.loads(r.stdout)
    assert [e["seq"] for e in followed["entries"]] == list(range(size))
    # Every entry the follower printed is the log's own leaf, byte for byte.
    from moratorium.ledger.entry import SignedEntry

    for e, data in zip(followed["entries"], leaves, strict=True):
        assert SignedEntry.from_json({"entry": e["entry"], "signature": e["signature"]}).leaf_data() == data
    assert followed["cosigners"] == ["NATO"]
    # The second round uses the state (keys included) and finds nothing new.
    r = run(tmp_path, "log", "follow", url, "--state", str(state))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(f"at size {size}, 0 new entries verified, cosigned by NATO")
    # prove and verify read the tiles too (URL and directory).
    r = run(tmp_path, "log", "prove", url, "--index", "5", "--format", "json")
    assert r.returncode == 0, r.stderr
    proof = json.loads(r.stdout)
    rfc6962.verify_inclusion(rfc6962.hash_leaf(leaves[5]), 5, size, [b64decode(p) for p in proof["proof"]], root)
    keyfile = tmp_path / "keys.json"
    keyfile.write_text(json.dumps([k.public.to_json() for k in keys.values()]))
    r = run(tmp_path, "log", "verify", str(www / "history"), "--keys", str(keyfile))
    assert r.returncode == 0, r.stderr
    assert "cosigned by NATO" in r.stdout
    # --keys also takes the {party: key} map that `run` writes (regression: it was refused as "not a JSON list").
    r = run(tmp_path, "log", "verify", url, "--keys", str(tmp_path / "out" / "keys.json"))
    assert r.returncode == 0, r.stderr

    # A tampered entry bundle on the server: follow (from scratch) fails with exit 1 and one line.
    bundle = next(p for p in (www / "history" / "tile" / "entries").rglob("*") if p.is_file())
    data = bytearray(bundle.read_bytes())
    data[40] ^= 0x20
    bundle.write_bytes(bytes(data))
    r = run(tmp_path, "log", "follow", url, *vkeys)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_tiles_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["log", "follow", str(tmp_path / "missing")],
                 ["log", "follow", str(tmp_path), "--vkey", "not-a-vkey"],
                 ["log", "export-tiles", str(tmp_path / "none.sqlite"), str(tmp_path / "t")]):
        r = run(tmp_path, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
