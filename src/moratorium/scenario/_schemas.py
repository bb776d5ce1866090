"""JSON Schemas (draft 2020-12) of treaty and scenario files, generated from the pydantic models that load them.

The generated files ship in the package beside the code that reads them (``treaty/treaty.schema.json``,
``scenario/scenario.schema.json``) so an editor can validate a file as it is written (``docs/authoring.md``).
``scripts/schema.py`` regenerates them; a test checks that the shipped files equal a fresh generation. The
loaders check more than a schema can say (known systems and sites, dates in order, who may make which entry).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA_FILES", "schema", "schema_text"]

_PACKAGE = Path(__file__).resolve().parent.parent
SCHEMA_FILES = {"treaty": _PACKAGE / "treaty" / "treaty.schema.json",
                "scenario": _PACKAGE / "scenario" / "scenario.schema.json"}

_ABOUT = {
    "treaty": ("moratorium treaty file", "A treaty as code: parties, item classes, zones, obligations, reciprocity, "
               "verification rights and notification duties (moratorium/treaty/data/*.yaml)."),
    "scenario": ("moratorium scenario file", "A treaty and a dated timeline of party actions, with planned "
                 "inspections and covert ground truth (moratorium/scenario/data/*.yaml)."),
}


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (``treaty`` or ``scenario``) files."""
    if kind == "treaty":
        from moratorium.treaty._schema import TreatyFile as model  # noqa: N813
    elif kind == "scenario":
        from moratorium.scenario._load import _ScenarioFile as model  # type: ignore[assignment]
    else:
        raise ValueError(f"no schema for {kind!r}")
    title, description = _ABOUT[kind]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://moratorium.example/schema/{kind}.schema.json",
            **model.model_json_schema(), "title": title, "description": description}


def schema_text(kind: str) -> str:
    """:func:`schema` as the text of the shipped file (sorted keys, two-space indent, final newline)."""
    return json.dumps(schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
