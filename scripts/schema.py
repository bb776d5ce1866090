"""Regenerate the shipped JSON Schemas of treaty and scenario files from the pydantic models.

Run ``.venv/bin/python scripts/schema.py`` after changing ``treaty/_schema.py`` or ``scenario/_load.py`` and commit
the result; ``tests/unit/test_file_schemas.py`` fails while the shipped files differ from a fresh generation.
"""

from __future__ import annotations

from moratorium.scenario._schemas import SCHEMA_FILES, schema_text


def main() -> None:
    for kind, path in SCHEMA_FILES.items():
        path.write_text(schema_text(kind), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
