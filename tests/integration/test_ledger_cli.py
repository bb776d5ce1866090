"""The ledger CLI end to end: exit codes 0/1/2, tamper detection, cosigning and equivocation proofs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from moratorium.ledger.checkpoint import Checkpoint, equivocation_proof, sign_checkpoint
from moratorium.ledger.keys import PartyKey


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from moratorium.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_cli_round_trip_and_tamper(tmp_path: Path) -> None:
    us, ru = PartyKey.derive("us", "cli"), PartyKey.derive("ru", "cli")
    us.save(tmp_path / "us.key")
    ru.save(tmp_path / "ru.key")
    (tmp_path / "decl.json").write_text(json.dumps([{"id": f"L{i}", "site": "s"} for i in range(5)]))
    r = run(tmp_path, "escrow", "commit", "decl.json", "--log", "l.db", "--key", "us.key",
            "--secrets", "s.json", "--pad-to", "8", "--recorded", "2026-01-01")
    assert r.returncode == 0, r.stderr
    r = run(tmp_path, "escrow", "reveal", "L1", "L3", "--log", "l.db", "--key", "us.key",
            "--secrets", "s.json", "--commitment", "0", "--recorded", "2026-01-02")
    assert r.returncode == 0, r.stderr
    r = run(tmp_path, "escrow", "verify", "l.db", "--format", "json")
    assert r.returncode == 0 and [x["item"] for x in json.loads(r.stdout)["reveals"]] == ["L1", "L3"]
    assert run(tmp_path, "log", "checkpoint", "l.db", "--key", "us.key", "--origin", "t/o").returncode == 0
    r = run(tmp_path, "log", "cosign", "l.db", "--key", "ru.key", "--operator", "us", "--timestamp", "7")
    assert r.returncode == 0, r.stderr
    r = run(tmp_path, "log", "verify", "l.db", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["cosigners"] == ["ru"] and json.loads(r.stdout)["size"] == 3
    r = run(tmp_path, "log", "prove", "l.db", "--index", "1", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["size"] == 3
    assert run(tmp_path, "log", "consistency", "l.db", "--from", "1", "--to", "3").returncode == 0
    assert run(tmp_path, "log", "prove", "l.db", "--index", "9").returncode == 2
    assert run(tmp_path, "log", "verify", "absent.db").returncode == 2
    with sqlite3.connect(tmp_path / "l.db") as conn:
        (data,) = conn.execute("SELECT data FROM ledger_leaf WHERE seq = 2").fetchone()
        conn.execute("UPDATE ledger_leaf SET data = ? WHERE seq = 2", (data.replace(b"L3", b"L4"),))
    r = run(tmp_path, "log", "verify", "l.db")
    assert r.returncode == 1 and "entry 2" in r.stderr


def test_check_equivocation(tmp_path: Path) -> None:
    us = PartyKey.derive("us", "cli")
    a = sign_checkpoint(Checkpoint("t/o", 4, bytes(32)), us)
    b = sign_checkpoint(Checkpoint("t/o", 4, bytes(31) + b"\x01"), us)
    (tmp_path / "proof.json").write_text(json.dumps(equivocation_proof(a, b, us.public)))
    r = run(tmp_path, "log", "check-equivocation", "proof.json")
    assert r.returncode == 0 and "equivocation proven" in r.stdout
    bad = {**equivocation_proof(a, b, us.public), "checkpoints": [a, a]}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert run(tmp_path, "log", "check-equivocation", "bad.json").returncode == 1
    (tmp_path / "junk.json").write_text("{")
    assert run(tmp_path, "log", "check-equivocation", "junk.json").returncode == 2
