"""docs/authoring.md's worked example works as printed: its treaty passes ``treaty check``, its scenario runs
(the treaty path resolved relative to the scenario file), ``zones which --treaty FILE`` reads the treaty's zones,
and both files validate against the shipped JSON Schemas."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from moratorium.scenario._schemas import SCHEMA_FILES

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


def _blocks() -> dict[str, str]:
    """The doc's YAML blocks that start with ``# NAME.yaml``, by name."""
    out = {}
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S):
        first = block.splitlines()[0]
        if re.fullmatch(r"# [\w.-]+\.yaml", first):
            out[first[2:]] = block
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("authoring")
    (root / "scenarios").mkdir()
    blocks = _blocks()
    assert set(blocks) == {"my-treaty.yaml", "my-scenario.yaml"}
    (root / "scenarios" / "my-treaty.yaml").write_text(blocks["my-treaty.yaml"])
    (root / "scenarios" / "my-scenario.yaml").write_text(blocks["my-scenario.yaml"])
    return root


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_worked_treaty_checks(files: Path) -> None:
    done = run("treaty", "check", "scenarios/my-treaty.yaml", cwd=files)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "scenarios/my-treaty.yaml: ok (baltic-glcm-freeze: 2 parties, 2 obligations)\n"
    where = run("zones", "which", "54.6,21.8", "--treaty", "scenarios/my-treaty.yaml", "--format", "json", cwd=files)
    assert json.loads(where.stdout)["treaty_zones"] == {"baltic": True}


def test_worked_scenario_runs_with_its_treaty_path_relative_to_itself(files: Path) -> None:
    """Regression: a scenario's ``treaty: FILE`` was resolved against the working directory."""
    done = run("run", "scenarios/my-scenario.yaml", "--format", "json", cwd=files)  # cwd is not the file's dir
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    final = {(v["party"], v["obligation"]): v for v in doc["verdicts"]}
    ru = final[("RU", "ru-no-glcm-baltic")]
    assert ru["status"] == "disputed"
    assert ru["perspectives"] == {"RU": "compliant", "NATO": "violation"}
    assert {d["kind"] for d in ru["depends_on"]} >= {"observation", "range-claim"}
    assert final[("NATO", "nato-no-glcm-baltic")]["status"] == "compliant"


@pytest.mark.parametrize("kind", ["treaty", "scenario"])
def test_worked_files_validate_against_the_shipped_schema(files: Path, kind: str) -> None:
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILES[kind].read_text()))
    data = yaml.safe_load((files / "scenarios" / f"my-{kind}.yaml").read_text())
    assert [e.message for e in validator.iter_errors(json.loads(json.dumps(data, default=str)))] == []


def test_errors_name_the_missing_field_and_all_errors_come_in_one_run(files: Path) -> None:
    text = (files / "scenarios" / "my-treaty.yaml").read_text()
    broken = text.replace('    description: "Russia deploys no INF-range GLCM in the Baltic region."\n', "", 1)
    broken = broken.replace("    kind: ban\n", "", 2).replace("    party: NATO\n", "    party: NATO\n    colour: red\n")
    path = files / "broken.yaml"
    path.write_text(broken)
    done = run("treaty", "check", str(path), cwd=files)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert all(line.startswith(f"error: {path}:") for line in lines)
    assert any(line.endswith("obligations[0].description: missing (required)") for line in lines)
    assert any(line.endswith("obligations[0].kind: missing (required)") for line in lines)
    assert any(line.endswith("obligations[1].kind: missing (required)") for line in lines)
    assert any("obligations[1].colour: unknown key" in line for line in lines)
