"""Terminal output at 80 columns: no line is wider, and the ids a user must type are never cut."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


def run80(*args: str) -> str:
    done = subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "80", "LINES": "40"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def _fits(text: str) -> None:
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert wide == [], wide[:3]


def test_treaty_list_respects_the_width_and_keeps_ids() -> None:
    out = run80("treaty", "list")
    _fits(out)
    ids = [line.split()[0] for line in out.splitlines()]
    assert "asia-pacific-trilateral" in ids and "ru-2020-offer" in ids and "us-2022-nonpaper" in ids


def test_treaty_show_has_zones_members_notifications_and_marks_assumptions() -> None:
    out = run80("treaty", "show", "ru-2020-offer")
    _fits(out)
    assert "Zones" in out and "european-russia" in out and "asia-pacific" in out
    assert "ALB, BEL, BGR" in out  # the bloc's members
    assert "Notification duties" in out
    assert out.count("[modelling assumption]") == 2
    assert "ru-no-9m729-european-russia" in out  # the longest obligation id, whole
    inf = run80("treaty", "show", "inf-1987")
    assert "Notification duties" in inf


@pytest.mark.parametrize("system", ["9m729", "tomahawk"])
def test_classify_keeps_claim_ids_and_says_why(system: str) -> None:
    out = run80("classify", system, "--treaty", "ru-2020-offer")
    _fits(out)
    claims = re.findall(r"^│ (\S+)\s+│", out, flags=re.M)
    assert claims and all(not c.endswith("…") for c in claims)
    assert re.search(r"(yes|no): ", out)
    inf = run80("classify", "9m729", "--treaty", "inf-1987")
    assert "no: outside" in inf and "yes: by" in inf


def test_catalog_show_is_a_table_not_yaml() -> None:
    out = run80("catalog", "show", "9m729")
    _fits(out)
    assert "┃ claim" in out and "ru-mod" in out and "faz-conventional" in out
    assert not re.search(r"^\s*- ", out, flags=re.M) and "claimant:" not in out


def test_run_keeps_obligation_ids_whole() -> None:
    out = run80("run", "history-2019-2026")
    _fits(out)
    final = out[out.index("Verdicts at the end of the log"):]
    for ob in ("ru-no-9m729-european-russia", "ru-moratorium-europe", "nato-reciprocal-europe"):
        assert ob in final
