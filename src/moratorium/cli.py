"""The ``moratorium`` command line: thin typer commands that parse, call one library function and render.

Command groups live in ``moratorium._cli.<domain>`` and register themselves on a private app; the root group lists
them from ``COMMANDS`` and imports and converts one only when it is asked for. Nothing heavy (numpy, pyproj,
SQLAlchemy, FastAPI...) is imported at start-up: each command imports what it needs when it runs, so the CLI starts
nearly as quick as a bare typer app (``benchmarks/cli_start.py``).

Exit codes: 0 success, 1 a failed check (a proof or signature that does not verify, a violation when asked to
fail on one), 2 bad input.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping
from types import ModuleType
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

__all__ = ["app", "main"]

# Every top-level command and group, in the order of the help, with the ``moratorium._cli`` modules whose
# ``register`` defines it (``record`` adds commands to the groups of ``spine`` and ``ledger``). Nothing is imported
# or converted to a click command until it is needed: ``moratorium treaty list`` builds the ``treaty`` group only
# (converting all the commands cost 56 ms, importing their modules 40 ms, measured; the start-up is benchmarked).
# ``tests/integration/test_cli_usage.py`` checks this table against what the modules register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "classify": ("spine",), "run": ("spine",), "map": ("geo",), "serve": ("node",), "sensitivity": ("record",),
    "compare": ("analysis",), "warning": ("analysis",), "brief": ("analysis",),
    "treaty": ("spine", "record"), "catalog": ("spine", "record"), "keys": ("spine",), "scenario": ("spine",),
    "reach": ("geo",), "zones": ("geo",), "log": ("ledger", "record"), "escrow": ("ledger",),
    "assure": ("assurance",), "node": ("node",),
}

_part = typer.Typer()
"""What the modules register, each module once (``_registered``), before single commands are taken from it."""
_registered: set[str] = set()


def _register(name: str) -> None:
    """Register the modules that define ``name`` on ``_part``, each module once."""
    for module in COMMANDS[name]:
        if module not in _registered:
            importlib.import_module(f"moratorium._cli.{module}").register(_part)
            _registered.add(module)


def _summary(name: str) -> TyperGroup | None:
    """For a group, only what the root's help shows of it (name, help, panel), without converting its
    sub-commands; None for a command (its help comes from converting it)."""
    _register(name)
    for info in _part.registered_groups:
        if info.name == name:
            solved = typer.main.solve_typer_info_defaults(info)
            return TyperGroup(name=name, help=solved.help, short_help=solved.short_help, hidden=solved.hidden,
                              deprecated=solved.deprecated, rich_help_panel=solved.rich_help_panel)
    return None


def _build(name: str) -> Any:
    """The click command or group ``name``, converted from the modules that define it."""
    _register(name)
    one = typer.Typer()
    one.registered_commands = [c for c in _part.registered_commands if _command_name(c) == name]
    one.registered_groups = [g for g in _part.registered_groups if g.name == name]
    command = typer.main.get_group(one).commands.get(name)
    if command is None:  # pragma: no cover - the table test keeps COMMANDS and the modules in step
        raise RuntimeError(f"moratorium._cli: no module registers {name!r}")
    return command


def _command_name(info: Any) -> str:
    """The name typer gives a registered command: its own, or its function's with ``-`` for ``_``."""
    if info.name:
        return str(info.name)
    return str(typer.main.get_command_name(info.callback.__name__)) if info.callback else ""


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's ``commands``: every name of ``COMMANDS`` is listed, each built on first access (click's
    help, completion and typer's did-you-mean read this mapping)."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self._summaries: dict[str, Any] = {}
        self.summary = False
        """Set while the root's help is written: groups are then given as summaries (``_summary``)."""

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            if self.summary:
                if name not in self._summaries:
                    self._summaries[name] = _summary(name)
                if self._summaries[name] is not None:
                    return self._summaries[name]
            self._built[name] = _build(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (n for n in self._built if n not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(1 for n in self._built if n not in COMMANDS)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._built


class _LazyRoot(TyperGroup):
    """The ``moratorium`` group, with commands built when asked for (``_LazyCommands``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lazy = _LazyCommands()
        for name, command in self.commands.items():
            self._lazy[name] = command
        self.commands = self._lazy

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The root's help lists each group's name and help: it needs none of their sub-commands converted."""
        self._lazy.summary = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._lazy.summary = False


app = typer.Typer(
    cls=_LazyRoot,
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
