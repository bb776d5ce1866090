"""The record decides, driven as a user would: treaty hash, catalog sign, log verdicts, run readings, sensitivity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXE = [sys.executable, "-m", "moratorium"]
SHIPPED = Path(__file__).resolve().parents[2] / "src/moratorium/treaty/data/ru-2020-offer.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("history") / "run"
    done = run("run", "history-2019-2026", "--out", str(out), "--format", "json")
    assert done.returncode == 0, done.stderr
    return out


def test_treaty_hash_of_id_and_of_file_agree(tmp_path: Path) -> None:
    by_id = run("treaty", "hash", "ru-2020-offer")
    copy = tmp_path / "offer.yaml"
    copy.write_text("# my copy, reformatted\n" + SHIPPED.read_text())
    by_file = run("treaty", "hash", str(copy))
    assert by_id.returncode == by_file.returncode == 0
    assert len(by_id.stdout.strip()) == 64 and by_id.stdout == by_file.stdout


def test_log_verdicts_equal_the_run_and_carry_inputs(history: Path) -> None:
    done = run("log", "verdicts", str(history / "log.sqlite"), "--treaty", "ru-2020-offer", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    result = json.loads((history / "result.json").read_text())
    assert doc["verdicts"] == result["verdicts"]
    assert doc["inputs"] == result["inputs"]
    hashed = run("treaty", "hash", "ru-2020-offer").stdout.strip()
    assert doc["inputs"]["treaty_sha256"] == hashed


def test_log_verdicts_against_an_edited_treaty_is_refused_naming_both_hashes(history: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.yaml"
    edited.write_text(SHIPPED.read_text().replace("per_year: 2", "per_year: 4", 1))
    done = run("log", "verdicts", str(history / "log.sqlite"), "--treaty", str(edited))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    theirs = run("treaty", "hash", str(edited)).stdout.strip()
    ours = run("treaty", "hash", "ru-2020-offer").stdout.strip()
    assert theirs in lines[0] and ours in lines[0]


def test_run_with_readings_and_assumed_adoption(tmp_path: Path) -> None:
    done = run("run", "history-2019-2026", "--reading", "combat_use_is_deployment=true", "--assume-adopted",
               "NATO", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["inputs"]["readings"]["combat_use_is_deployment"] == "true"
    assert doc["inputs"]["assume_adopted"] == ["NATO"]
    changes = {(c["obligation"], c["to"]) for s in doc["timeline"] for c in s["changes"]}
    assert ("ru-moratorium-europe", "violation") in changes
    assert ("ru-no-9m729-european-russia", "disputed") in changes


@pytest.mark.parametrize("args", [("--reading", "trigger=sometimes"), ("--reading", "nosuch=x"),
                                  ("--reading", "trigger"), ("--assume-adopted", "XX")])
def test_bad_readings_are_one_line_exit_2(args: tuple[str, ...]) -> None:
    done = run("run", "history-2019-2026", *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sensitivity_json_contract() -> None:
    done = run("sensitivity", "history-2019-2026", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert {"party", "obligation", "status", "flips"} <= set(doc["verdicts"][0])
    flips = {(v["obligation"], f["reading"], f["value"], f["status"]) for v in doc["verdicts"] for f in v["flips"]}
    assert ("ru-moratorium-europe", "combat_use_is_deployment", "true", "violation") in flips
    assert ("ru-moratorium-asia", "asia_pacific_russia", "asian", "disputed") in flips
    launcher = [f for v in doc["verdicts"] for f in v["flips"] if f["reading"] == "launcher_counts"]
    assert launcher and launcher[0]["perspectives"]["RU"] == "suspended"
    assert all({"reading", "value", "status"} <= set(f) for v in doc["verdicts"] for f in v["flips"])


def test_catalog_sign_puts_claims_in_a_log_that_then_decides(tmp_path: Path) -> None:
    key = tmp_path / "ru.key"
    assert run("keys", "generate", "--party", "RU", "--out", str(key)).returncode == 0
    log = tmp_path / "log.sqlite"
    done = run("catalog", "sign", "--party", "RU", "--key", str(key), "--log", str(log),
               "--effective", "2020-01-01")
    assert done.returncode == 0, done.stderr
    assert "signed" in done.stdout
    only = run("catalog", "sign", "--party", "RU", "--key", str(key), "--log", str(log), "--only",
               "9m729/nothing", "--effective", "2020-01-01")
    assert only.returncode == 2 and "9m729/nothing" in only.stderr
    verdicts = run("log", "verdicts", str(log), "--treaty", "ru-2020-offer", "--format", "json")
    assert verdicts.returncode == 0, verdicts.stderr
    doc = json.loads(verdicts.stdout)
    assert doc["entries"] > 5 and all(v["status"] == "not-in-force" for v in doc["verdicts"])
    wrong = run("catalog", "sign", "--party", "NATO", "--key", str(key), "--log", str(log))
    assert wrong.returncode == 2


@pytest.mark.slow
def test_two_fresh_environments_from_the_lock_write_byte_identical_results(tmp_path: Path) -> None:
    """Two venvs built from requirements.lock, the same commit: result.json byte for byte."""
    root = Path(__file__).resolve().parents[2]
    outputs = []
    for name in ("a", "b"):
        venv = tmp_path / name
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        py = str(venv / "bin" / "python")
        for args in (["-r", str(root / "requirements.lock")], ["--no-deps", str(root)]):
            subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
                           check=True, capture_output=True, timeout=900)
        out = tmp_path / f"out-{name}"
        subprocess.run([py, "-m", "moratorium", "run", "history-2019-2026", "--out", str(out)], check=True,
                       capture_output=True, timeout=600, cwd=tmp_path)
        outputs.append((out / "result.json").read_bytes())
    assert outputs[0] == outputs[1]
    import hashlib

    from moratorium._provenance import requirement_lines

    locked = hashlib.sha256(requirement_lines((root / "requirements.lock").read_text()).encode()).hexdigest()
    assert json.loads(outputs[0])["inputs"]["lock_sha256"] == locked


def test_scenario_claim_import_errors_name_file_and_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("id: s\nname: S\ntreaty: ru-2020-offer\nseed: s\nclaims:\n  - {by: RU, claimants: [RU]}\n"
                        "  - {by: NATO, only: [9m729/no-such-claim]}\ntimeline:\n"
                        "  - {date: 2020-10-26, by: RU, kind: treaty-adoption, body: {treaty: ru-2020-offer}}\n")
    done = run("run", str(scenario))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{scenario}:7:" in done.stderr and "9m729/no-such-claim" in done.stderr
    pinned = scenario.read_text().replace("  - {by: NATO, only: [9m729/no-such-claim]}\n", "").replace(
        "body: {treaty: ru-2020-offer}", "body: {treaty: ru-2020-offer, treaty_sha256: " + "a" * 64 + "}")
    scenario.write_text(pinned)
    done = run("run", str(scenario), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "treaty_sha256" in done.stderr and "a" * 64 in done.stderr
    assert not (tmp_path / "out").exists()
