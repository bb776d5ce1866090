"""The ``moratorium`` command line: thin typer commands that parse, call one library function and render.

Command groups live in ``moratorium._cli.<domain>`` and register themselves here. Nothing heavy (numpy, pyproj,
SQLAlchemy, FastAPI, pydantic...) is imported at start-up: each command imports what it needs when it runs, so
``moratorium --help`` stays as quick as a bare typer app (``benchmarks/cli_start.py``).

Exit codes: 0 success, 1 a failed check (a proof or signature that does not verify, a violation when asked to
fail on one), 2 bad input.
"""

from __future__ import annotations

import sys

import typer

from moratorium._cli import assurance, geo, ledger, node, spine

__all__ = ["app", "main"]

app = typer.Typer(
    name="moratorium",
    help="Verify a reciprocal missile moratorium between parties that do not trust each other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (spine, geo, ledger, assurance, node):
    _module.register(app)


def main() -> None:
    """Console-script entry point: run the app, turning moratorium errors into one line and an exit code."""
    from moratorium.errors import Error, InputError, VerificationError

    try:
        app(standalone_mode=False)
    except Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, VerificationError):
            sys.exit(1)
        if isinstance(exc, InputError):
            sys.exit(2)
        sys.exit(1)
    except SystemExit:
        raise
    except _click_exceptions() as exc:
        _handle_click(exc)


def _click_exceptions() -> tuple[type[BaseException], ...]:
    import click

    return (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit)


def _handle_click(exc: BaseException) -> None:
    import click

    if isinstance(exc, click.exceptions.Exit):
        sys.exit(exc.exit_code)
    if isinstance(exc, click.exceptions.Abort):
        print("aborted", file=sys.stderr)
        sys.exit(1)
    assert isinstance(exc, click.exceptions.ClickException)
    exc.show()
    sys.exit(2 if isinstance(exc, click.exceptions.UsageError) else exc.exit_code)
