"""CLI commands of the ``node`` domain (registered by ``moratorium.cli``)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app. Import nothing heavy at module level."""
