"""CLI commands of the analysis domain: ``compare``, ``warning`` and ``brief`` (registered by ``moratorium.cli``).

Only typer is imported at module level; each command imports what it needs when it runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from moratorium._cli._common import TextFormat, console, print_json

__all__ = ["register"]


def _echo_written(paths: list[Path]) -> None:
    for p in paths:
        typer.echo(str(p))
    if not any(p.suffix == ".pdf" for p in paths):
        typer.echo("note: no PDF written (needs Playwright and Chromium: MORATORIUM_CHROMIUM or chromium on PATH)",
                   err=True)


class CompareFormat(StrEnum):
    """``--format`` of ``moratorium compare``."""

    text = "text"
    json = "json"
    html = "html"


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""

    @app.command("compare")
    def compare_cmd(
        treaties: Annotated[list[str], typer.Argument(metavar="TREATY TREATY...", help="treaty ids or files")],
        scenario: Annotated[str, typer.Option("--scenario", help="scenario id or file")] = "history-2019-2026",
        at: Annotated[str | None, typer.Option("--at", help="date (default: the end of the scenario)")] = None,
        fmt: Annotated[CompareFormat, typer.Option("--format")] = CompareFormat.text,
        out: Annotated[Path | None, typer.Option("--out", help="directory for the HTML briefing (and PDF)")] = None,
    ) -> None:
        """Proposals side by side: what each would ban among the scenario's deployments on a date, the capitals
        it takes out of reach, the warning left, and how much of the pledged zone it could verify."""
        from moratorium.analysis.compare import compare
        from moratorium.errors import InputError
        from moratorium.scenario import load_scenario

        result = compare(list(treaties), load_scenario(scenario), at)
        if fmt is CompareFormat.json:
            print_json(result.to_json())
            return
        if fmt is CompareFormat.html:
            if out is None:
                raise InputError("--format html needs --out DIR", field="--out")
            from moratorium.analysis.brief import write_briefing

            _echo_written(write_briefing(result, out))
            return
        from moratorium.analysis._text import render_comparison

        render_comparison(console(), result)
        if out is not None:
            from moratorium.analysis.brief import write_briefing

            _echo_written(write_briefing(result, out))

    @app.command("warning")
    def warning_cmd(
        site: Annotated[str, typer.Option("--site", help="catalogue site id or LAT,LON")],
        system: Annotated[str, typer.Option("--system", help="catalogue system id")],
        claim: Annotated[list[str] | None, typer.Option("--claim", help="range claim id or claimant (repeat)")]
        = None,
        targets: Annotated[list[str] | None, typer.Option(
            "--targets", help="'capitals' (those in reach), or place names / LAT,LON (repeat)")] = None,
        fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text,
    ) -> None:
        """Minutes of flight to each target under each range claim, naming the flight profile and its
        assumptions."""
        from moratorium.analysis.warning import warning

        result = warning(site, system, claims=tuple(claim or ()), targets=tuple(targets or ("capitals",)))
        if fmt is TextFormat.json:
            print_json(result.to_json())
            return
        from moratorium.analysis._text import render_warning

        render_warning(console(), result)

    @app.command("brief")
    def brief_cmd(
        scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="scenario id or file")],
        out: Annotated[Path, typer.Option("--out", help="directory to write brief.html (and brief.pdf)")],
        at: Annotated[str | None, typer.Option("--at", help="date (default: the end of the scenario)")] = None,
    ) -> None:
        """The state of the record on a date as one printable page: deployments, verdicts, contested claims,
        reach and warning times."""
        from moratorium.analysis.brief import brief
        from moratorium.scenario import load_scenario

        _echo_written(brief(load_scenario(scenario), out, at=at))
