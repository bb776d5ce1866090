"""``moratorium compare``, ``warning`` and ``brief`` end to end: real process, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MAIN = "from moratorium.cli import main; main()"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, timeout=300)


def test_compare_json() -> None:
    proc = run("compare", "inf-1987", "ru-2020-offer", "ru-2021-draft", "us-2022-nonpaper",
               "--scenario", "history-2019-2026", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    banned = {t: {d["id"] for d in doc["deployments"] if d["by_treaty"][t]["status"] == "banned"}
              for t in ("inf-1987", "us-2022-nonpaper")}
    assert banned["us-2022-nonpaper"] == set()
    assert "laoag/tomahawk" in banned["inf-1987"]


def test_compare_text_names_every_treaty() -> None:
    proc = run("compare", "inf-1987", "us-2022-nonpaper", "--at", "2024-12")
    assert proc.returncode == 0, proc.stderr
    assert "inf-1987" in proc.stdout and "us-2022-nonpaper" in proc.stdout and "2024-12" in proc.stdout


def test_warning_json() -> None:
    proc = run("warning", "--site", "kapustin-yar", "--system", "oreshnik", "--targets", "Dnipro",
               "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    rows = doc["warnings"]
    assert {r["claim"] for r in rows} == {"ru", "us"}
    assert all(r["shortest"]["profile"] == "depressed" for r in rows)
    assert 780 < rows[0]["distance_km"] < 800


def test_compare_html_and_brief_write_pages(tmp_path: Path) -> None:
    proc = run("compare", "inf-1987", "ru-2020-offer", "--format", "html", "--out", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "c" / "briefing.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2 and "Sources." in page
    proc = run("brief", "history-2019-2026", "--at", "2024-11-21", "--out", str(tmp_path / "b"))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "b" / "brief.html").read_text(encoding="utf-8")
    assert "2024-11-21" in page and "ru-moratorium-europe" in page


CN_ONLY = """\
id: cn-only
name: test
summary: test
date: 2020-01-01
sources: [{id: T, title: test}]
parties: [{id: CN, name: China, kind: state, countries: [CHN]}]
item_classes:
  - {id: glbm, name: GLBM, types: [ballistic], basing: [ground], range_km: {min: 500, max: 5500}}
zones: [{id: china, name: China, countries: [CHN]}]
obligations:
  - {id: cn-none, party: CN, kind: ban, activity: deploy, zone: china, item_classes: [glbm], description: test}
"""


@pytest.mark.parametrize("args", [
    ("compare", "inf-1987", "no-such-treaty"),
    ("compare", "inf-1987", "ru-2020-offer", "--scenario", "no-such-scenario"),
    ("compare", "inf-1987", "ru-2020-offer", "--at", "2030-01-01"),
    ("compare", "inf-1987", "ru-2020-offer", "--at", "1999-01"),
    ("compare", "inf-1987", "ru-2020-offer", "--format", "html"),
    ("compare", "inf-1987", "CN_ONLY"),
    ("warning", "--site", "krichev", "--system", "sm-3"),
    ("warning", "--site", "krichev", "--system", "oreshnik", "--targets", "No Such Place"),
    ("brief", "no-such-scenario", "--out", "OUT"),
    ("brief", "history-2019-2026", "--at", "2031-01", "--out", "OUT"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    cn = tmp_path / "cn-only.yaml"
    cn.write_text(CN_ONLY)
    real = tuple(str(cn) if a == "CN_ONLY" else str(tmp_path / "out") if a == "OUT" else a for a in args)
    proc = run(*real)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
