"""What the CLI does to files: ``run --out`` never deletes what it did not write, a killed run leaves no staging
directory, ``map --out`` into a missing directory is one line, ``log verify --keys`` reads ``run``'s keys.json,
``keys public``/``keys vkey`` print a party's key, negative coordinates need no ``--``."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]
SCENARIO = "inspections-2021"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "out"
    done = run("run", SCENARIO, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_run_out_into_foreign_directory_keeps_its_files(tmp_path: Path) -> None:
    """Regression: run --out DIR renamed DIR away and deleted it with everything a person had put there."""
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "data.csv").write_text("a,b\n")
    before = _tree(tmp_path)
    done = run("run", SCENARIO, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"writing into {tmp_path / SCENARIO} instead" in done.stderr
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert (tmp_path / SCENARIO / "report.html").is_file()


def test_run_out_dot_works_and_reruns_replace_only_their_own_files(tmp_path: Path) -> None:
    done = run("run", SCENARIO, "--out", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "log.sqlite").is_file() and (tmp_path / ".moratorium-run").is_file()
    (tmp_path / "extra.txt").write_text("added after the run")
    again = run("run", SCENARIO, "--out", ".", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "instead" not in again.stderr  # a previous run's directory is reused in place
    assert (tmp_path / "extra.txt").read_text() == "added after the run"
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_library_write_run_refuses_a_foreign_directory(tmp_path: Path) -> None:
    from moratorium.errors import InputError
    from moratorium.scenario import load_scenario
    from moratorium.scenario.run import run_scenario, write_run

    (tmp_path / "keep.txt").write_text("x")
    result = run_scenario(load_scenario(SCENARIO), reach=None)
    with pytest.raises(InputError, match="not written by `moratorium run`"):
        write_run(result, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_killed_run_leaves_no_staging_directory(tmp_path: Path) -> None:
    """SIGTERM during the write removes the staging directory; one left by SIGKILL is swept by the next run."""
    out = tmp_path / "out"
    proc = subprocess.Popen([*EXE, "run", "history-2019-2026", "--out", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(1200):
            if any("staging" in p.name for p in tmp_path.iterdir()) or proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not [p.name for p in tmp_path.iterdir() if "staging" in p.name]
    stale = tmp_path / f".out.moratorium-staging-{2**22 + 12345}-abc"  # a pid above pid_max: gone
    stale.mkdir()
    (stale / "half.sqlite").write_text("")
    done = run("run", SCENARIO, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert not stale.exists()


def test_map_out_missing_directory_is_one_line(tmp_path: Path) -> None:
    done = run("map", "--out", str(tmp_path / "no" / "map.png"), "--site", "kamyshlov", "--range-km", "500")
    assert done.returncode == 2
    assert done.stderr == f"error: --out: no such directory: {tmp_path / 'no'}\n"


def test_log_verify_keys_accepts_runs_keys_json(first_run: Path) -> None:
    done = run("log", "verify", str(first_run / "log.sqlite"), "--keys", str(first_run / "keys.json"))
    assert done.returncode == 0, done.stderr
    assert re.match(r"ok: \d+ entries", done.stdout), done.stdout


def test_keys_public_and_vkey(tmp_path: Path) -> None:
    key = tmp_path / "ru.key"
    assert run("keys", "generate", "--party", "RU", "--out", str(key)).returncode == 0
    doc = json.loads(key.read_text())
    shown = json.loads(run("keys", "public", str(key), "--format", "json").stdout)
    assert shown["public_key"] == doc["public_key"] and shown["party"] == "RU"
    assert "private_key" not in shown
    vkey = run("keys", "vkey", str(key)).stdout.strip()
    # independent of the code under test: c2sp.org/signed-note, key id = SHA-256(name || 0x0A || 0x01 || key)[:4]
    raw = base64.b64decode(doc["public_key"])
    key_id = hashlib.sha256(b"RU\n\x01" + raw).digest()[:4].hex()
    encoded = base64.b64encode(b"\x01" + raw).decode()
    assert vkey == f"RU+{key_id}+{encoded}"
    assert shown["vkey"] == vkey
    text = run("keys", "public", str(key)).stdout
    assert doc["public_key"] in text and vkey in text


def test_vkey_verifies_a_checkpoint_signature(first_run: Path) -> None:
    """The vkey's key id is the one on the run's checkpoint signature line by the operator."""
    keys = json.loads((first_run / "keys.json").read_text())
    (first_run.parent / "ru.pub").write_text(json.dumps(keys["RU"]))
    vkey = run("keys", "vkey", str(first_run.parent / "ru.pub")).stdout.strip()
    both = run("keys", "vkey", str(first_run / "keys.json")).stdout.splitlines()  # run's keys.json: every party
    assert [line.split("+")[0] for line in both] == ["RU", "NATO"] and both[0] == vkey
    name, key_id, _ = vkey.split("+")
    note = (first_run / "checkpoint.txt").read_text()
    sig_line = next(line for line in note.splitlines() if line.startswith("\u2014 RU "))
    assert base64.b64decode(sig_line.split(" ")[2])[:4].hex() == key_id and name == "RU"


@pytest.mark.parametrize("point", ["-33.9,18.4", "-15.4,130.3"])
def test_negative_latitude_needs_no_double_dash(point: str) -> None:
    """Regression: zones which -33.9,18.4 was read as the unknown option -3."""
    done = run("zones", "which", point)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{point}:")


def test_zones_which_treaty_tests_the_treatys_own_zones() -> None:
    done = run("zones", "which", "55.75,37.62", "--treaty", "ru-2020-offer", "--format", "json")
    assert done.returncode == 0, done.stderr
    zones = json.loads(done.stdout)["treaty_zones"]
    assert zones["european-russia"] is True and zones["asia-pacific"] is False
    vladivostok = json.loads(run("zones", "which", "43.1,131.9", "--treaty", "ru-2020-offer",
                                 "--format", "json").stdout)["treaty_zones"]
    assert vladivostok["european-russia"] is False and vladivostok["asia-pacific"] is True

