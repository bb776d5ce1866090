"""CLI commands of the spine: treaty, catalog, classify, keys, run."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the spine's commands to the root app."""
