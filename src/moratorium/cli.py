"""The ``moratorium`` command line: thin typer commands that parse, call one library function and render.

Command groups live in ``moratorium._cli.<domain>`` and register themselves here. Nothing heavy (numpy, pyproj,
SQLAlchemy, FastAPI, pydantic...) is imported at start-up: each command imports what it needs when it runs, so
``moratorium --help`` stays as quick as a bare typer app (``benchmarks/cli_start.py``).

Exit codes: 0 success, 1 a failed check (a proof or signature that does not verify, a violation when asked to
fail on one), 2 bad input.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Annotated

import typer

from moratorium._cli import analysis, assurance, geo, ledger, node, record, spine

__all__ = ["app", "main"]

app = typer.Typer(
    name="moratorium",
    help="Verify a reciprocal missile moratorium between parties that do not trust each other.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from moratorium import __version__

        typer.echo(f"moratorium {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Verify a reciprocal missile moratorium between parties that do not trust each other."""


for _module in (spine, geo, ledger, assurance, node, record, analysis):
    _module.register(app)


def main() -> None:
    """Console-script entry point: run the app, turning moratorium errors into one line and an exit code."""
    from moratorium.errors import Error, InputError, VerificationError

    try:
        app(standalone_mode=False)
    except Error as exc:
        for line in str(exc).splitlines() or [""]:  # a file's several errors: one line each
            print(f"error: {line}", file=sys.stderr)
        if isinstance(exc, VerificationError):
            sys.exit(1)
        if isinstance(exc, InputError):
            sys.exit(2)
        sys.exit(1)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BaseException as exc:
        if not _handle_click(exc):
            raise


def _click_modules() -> list[ModuleType]:
    """Where click's exception classes live: typer >= 0.25 vendors click as ``typer._click`` (its exceptions do not
    derive from the installed click's, and ``Exit``/``Abort`` moved to ``typer``), older typer raises click's own.
    All are looked up by name, so usage errors read the same whichever versions are installed."""
    mods = []
    for name in ("typer", "typer.exceptions", "typer._click.exceptions", "click.exceptions"):
        try:
            mods.append(importlib.import_module(name))
        except ImportError:
            continue
    return mods


def _classes(name: str) -> tuple[type[BaseException], ...]:
    found = {getattr(mod, name, None) for mod in _click_modules()}
    return tuple(c for c in found if isinstance(c, type) and issubclass(c, BaseException))


def _handle_click(exc: BaseException) -> bool:
    """Print a click usage error as click would (help, or one ``Error:`` line) and exit; False if not click's."""
    if isinstance(exc, _classes("Exit")):
        sys.exit(getattr(exc, "exit_code", 0))
    if isinstance(exc, _classes("Abort")):
        print("aborted", file=sys.stderr)
        sys.exit(1)
    if isinstance(exc, _classes("ClickException")):
        exc.show()  # type: ignore[attr-defined]
        sys.exit(2 if isinstance(exc, _classes("UsageError")) else getattr(exc, "exit_code", 1))
    return False
