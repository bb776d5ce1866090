"""The shipped JSON Schemas of treaty and scenario files equal a fresh generation from the models, and the
shipped files validate against them (with jsonschema_rs, an implementation independent of pydantic)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from moratorium.scenario._schemas import SCHEMA_FILES, schema_text


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_shipped_schema_equals_a_fresh_generation(kind: str) -> None:
    assert SCHEMA_FILES[kind].read_text(encoding="utf-8") == schema_text(kind), \
        "run `.venv/bin/python scripts/schema.py` and commit the result"


def _plain(path: Path) -> Any:
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def _files(package: str) -> list[Path]:
    folder = Path(str(resources.files(package).joinpath("data")))
    return sorted(folder.glob("*.yaml"))


@pytest.mark.parametrize(("kind", "package"), [("treaty", "moratorium.treaty"), ("scenario", "moratorium.scenario")])
def test_shipped_files_validate_and_a_bad_one_does_not(kind: str, package: str) -> None:
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILES[kind].read_text()))
    files = _files(package)
    assert files
    for path in files:
        errors = [e.message for e in validator.iter_errors(_plain(path))]
        assert errors == [], (path, errors[:3])
    bad = _plain(files[0])
    bad["no_such_key"] = 1
    del bad["name"]
    assert len(list(validator.iter_errors(bad))) == 2
