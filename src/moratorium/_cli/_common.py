"""Helpers shared by the command modules: output formats, JSON printing, rich console."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["TableFormat", "TextFormat", "console", "print_json"]


class TextFormat(StrEnum):
    """``--format`` for commands that print text or JSON."""

    text = "text"
    json = "json"


class TableFormat(StrEnum):
    """``--format`` for commands that print a table or JSON."""

    table = "table"
    json = "json"


def console(*, stderr: bool = False) -> Console:
    """A rich console (imported lazily: rich costs start-up time)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
