"""The spine's CLI as a user runs it: real console script, exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_treaty_list_and_show() -> None:
    out = run("treaty", "list")
    assert out.returncode == 0
    assert "ru-2020-offer" in out.stdout and "inf-1987" in out.stdout
    shown = json.loads(run("treaty", "show", "inf-1987", "--format", "json").stdout)
    assert shown["verification"]["inspections"][1]["quota"][0] == {"first_year": 1, "last_year": 3, "per_year": 20}


def test_treaty_check_valid_and_invalid(tmp_path: Path) -> None:
    good = run("treaty", "show", "ru-2020-offer")
    assert good.returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: y\nsummary: z\ndate: 2020-01-01\nsources: [{id: a, title: b}]\n"
                   "parties: [{id: RU, name: R, countries: [RUS]}]\nzones: [{id: z, name: Z, countries: [RUS]}]\n"
                   "obligations: [{id: o, party: US, kind: ban, zone: z, systems: [9m729], description: d}]\n")
    out = run("treaty", "check", str(bad))
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: {bad}:8: obligations[0].party: unknown party 'US'; known: RU"
    assert "Traceback" not in out.stderr
    missing = run("treaty", "check", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_classify_json_keys_and_values() -> None:
    out = run("classify", "9m729", "--format", "json")
    assert out.returncode == 0
    rows = json.loads(out.stdout)
    assert {k for k in rows[0]} >= {"claim", "claimant", "range_km", "source", "item_class", "limited"}
    by_claim = {r["claim"]: r for r in rows}
    assert by_claim["ru-mod"]["item_class"] is None and by_claim["ru-mod"]["limited"] is False
    assert by_claim["us"]["item_class"] == "glcm-intermediate" and by_claim["us"]["limited"] is True
    unknown = run("classify", "9m999")
    assert unknown.returncode == 2 and "unknown system '9m999'" in unknown.stderr


def test_catalog_commands() -> None:
    assert "kamyshlov" in run("catalog", "sites").stdout
    shown = json.loads(run("catalog", "show", "mk41-aegis-ashore", "--format", "json").stdout)
    assert {c["claimant"] for c in shown["can_fire"]["tomahawk"]} == {"US", "RU"}
    assert run("catalog", "show", "nothing").returncode == 2


def test_keys_generate(tmp_path: Path) -> None:
    out = run("keys", "generate", "--party", "RU", "--out", str(tmp_path / "ru.key"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "ru.key").stat().st_mode & 0o777 == 0o600
    again = run("keys", "generate", "--party", "RU", "--out", str(tmp_path / "ru.key"))
    assert again.returncode == 2
    assert run("keys", "generate", "--party", "ru!", "--out", str(tmp_path / "x.key")).returncode == 2


def test_run_history_json_contract(tmp_path: Path) -> None:
    out = run("run", "history-2019-2026", "--format", "json", "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) >= {"treaty", "entries", "timeline", "verdicts", "inputs"}
    assert doc["treaty"] == "ru-2020-offer" and doc["entries"] == len(doc["timeline"])
    assert set(doc["inputs"]) >= {"treaty_sha256", "claims_sha256", "engine_version", "lock_sha256", "readings"}
    offer = next(s for s in doc["timeline"] if s["kind"] == "treaty-adoption" and s["author"] == "RU")
    assert set(offer) >= {"seq", "date", "action", "changes"}
    europe = next(c for c in offer["changes"] if c["obligation"] == "ru-moratorium-europe")
    assert europe | {"depends_on": None, "evidence": None} == {
        "party": "RU", "obligation": "ru-moratorium-europe", "from": "not-in-force", "to": "disputed",
        "perspectives": {"RU": "compliant", "NATO": "violation"}, "basis": "declared",
        "evidence": None, "depends_on": None}
    assert set(doc["verdicts"][0]) >= {"party", "obligation", "status", "evidence", "depends_on", "perspectives",
                                       "basis"}
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    # Dark Eagle (Australia, Jul 2025) and SM-6 (surface-attack role, no longer typed as a SAM) now get maps
    assert written == ["checkpoint.txt", "entries.jsonl", "keys.json", "log.sqlite", "map-9m729.png",
                       "map-dark-eagle.png", "map-oreshnik.png", "map-sm-6.png", "map-tomahawk.png", "map.html",
                       "report.html", "result.json"]
    report = (tmp_path / "out" / "report.html").read_text()
    assert "data:image/png;base64," in report and 'href="map.html"' in report
    assert "http://" not in (tmp_path / "out" / "map.html").read_text().split("<script>")[0]  # nothing fetched
    assert json.loads((tmp_path / "out" / "result.json").read_text()) == doc


SCENARIO = """\
id: s
name: S
treaty: ru-2020-offer
seed: s
timeline:
  - {date: 2020-10-26, by: RU, kind: treaty-adoption, body: {treaty: ru-2020-offer}}
  - {date: 2021-01-01, by: NATO, kind: deployment, body: {site: deveselu, items: [{system: sm-3, count: 24}]}}
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("date: 2021-01-01", "date: 2019-01-01", ":7: timeline[1].date: dates out of order"),
        ("site: deveselu", "site: atlantis", ":7: timeline[1].body.site: unknown site 'atlantis'"),
        ("by: NATO", "by: CN", ":7: timeline[1].author: author 'CN' is not a party"),
        ("kind: deployment", "kind: invasion", ":7: timeline[1].kind: unknown entry kind 'invasion'"),
        ("treaty: ru-2020-offer\n", "treaty: nope\n", ":3: treaty: unknown treaty 'nope'"),
        ("seed: s\n", "seed: s\n  bad: [\n", ":5: malformed YAML"),
        ("system: sm-3", "system: sm-99", ":7: timeline[1].body.items[0].system: unknown system 'sm-99'"),
    ],
)
def test_bad_scenarios_exit_2_and_write_nothing(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = tmp_path / "s.yaml"
    assert old in SCENARIO
    path.write_text(SCENARIO.replace(old, new, 1))
    out = run("run", str(path), "--out", str(tmp_path / "out"))
    assert out.returncode == 2, out.stdout + out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert f"{path}{expected}" in out.stderr
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]
