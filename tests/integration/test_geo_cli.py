"""The geo commands end to end: real process, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MAIN = "from moratorium.cli import main; main()"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, timeout=120)


def test_reach_json() -> None:
    proc = run("reach", "--site", "kamyshlov", "--system", "9m729", "--claim", "us", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert list(rows[0]) == ["name", "country", "lat", "lon", "population", "is_capital", "distance_km",
                             "flight_time_min"]
    assert "Riga" in {r["name"] for r in rows}


@pytest.mark.parametrize("args", [
    ("reach", "--site", "91,0", "--range-km", "100"),
    ("reach", "--site", "0,181", "--range-km", "100"),
    ("reach", "--site", "kamyshlov", "--range-km", "-5"),
    ("reach", "--site", "kamyshlov", "--range-km", "1e7"),
    ("reach", "--site", "nowhere", "--range-km", "100"),
    ("reach", "--site", "kamyshlov", "--system", "no-such-missile"),
    ("reach", "--site", "kamyshlov", "--system", "9m729", "--claim", "nobody"),
    ("zones", "which", "95,0"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_zones_and_map(tmp_path: Path) -> None:
    proc = run("zones", "sensitivity", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    changes = {r["site"]: r["changes"] for r in json.loads(proc.stdout)}
    assert changes["mozdok"] and not changes["kamyshlov"]
    out = tmp_path / "m.html"
    proc = run("map", "--site", "kamyshlov", "--system", "9m729", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "L.map(" in out.read_text(encoding="utf-8")
