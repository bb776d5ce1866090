"""A newcomer's first commands: usage errors print help or one line and exit 2, never a traceback.

Run as real processes (the console script's ``main``), since the traceback came from how ``main`` caught the
exceptions of whichever click typer ships (typer >= 0.25 vendors it as ``typer._click``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from moratorium import __version__


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "moratorium", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [
    (), ("nosuchcommand",), ("classify",), ("run",), ("log", "verify"), ("treaty", "list", "--format", "xml"),
    ("treaty", "lst"), ("treaty", "list", "--nosuchoption"),
])
def test_usage_error_exits_2_without_traceback(args: tuple[str, ...]) -> None:
    done = _run(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    if args:
        errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, done.stderr
    else:
        assert "Usage:" in done.stdout + done.stderr


def test_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"moratorium {__version__}"


def test_moratorium_error_is_one_line_exit_2() -> None:
    done = _run("treaty", "show", "no-such-treaty")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")


_REGISTERED = """
import json, typer
from moratorium._cli import analysis, assurance, geo, ledger, node, record, spine
from moratorium.cli import _command_name
out = {}
for module in (spine, geo, ledger, assurance, node, record, analysis):
    part = typer.Typer()
    module.register(part)
    names = [_command_name(c) for c in part.registered_commands] + [g.name for g in part.registered_groups]
    out[module.__name__.rsplit(".", 1)[1]] = names
print(json.dumps(out))
"""


def test_lazy_command_table_matches_what_the_modules_register() -> None:
    """``moratorium.cli.COMMANDS`` (what the root group lists before importing anything) names every command the
    modules register, with the module that registers it, and nothing else; in a fresh process, since
    registering twice would add ``record``'s commands to the shared groups again."""
    import json

    from moratorium.cli import COMMANDS

    done = subprocess.run([sys.executable, "-c", _REGISTERED], capture_output=True, text=True, timeout=60, check=True)
    registered = json.loads(done.stdout)
    defined = {name: module for module, names in registered.items() for name in names}
    assert set(defined) == set(COMMANDS)
    for name, module in defined.items():
        assert module in COMMANDS[name], (name, module)


def test_help_lists_every_command_and_a_group_runs_its_own() -> None:
    from moratorium.cli import COMMANDS

    helped = _run("--help")
    assert helped.returncode == 0
    for name in COMMANDS:
        assert f" {name} " in helped.stdout, name
    hashed = _run("treaty", "hash", "inf-1987")  # a command another module adds to the group
    assert hashed.returncode == 0 and len(hashed.stdout.strip()) == 64, hashed.stderr


_HELP = """
import sys
import typer.main
from moratorium import cli
if sys.argv[1] == "full":  # every command and group converted in full before the help is written
    group = typer.main.get_command(cli.app)
    for name in cli.COMMANDS:
        group.commands._built[name] = cli._build(name)
sys.argv = ["moratorium", "--help"]
cli.main()
"""


def test_root_help_from_summaries_equals_the_help_of_the_converted_groups() -> None:
    """The root's help is written from group summaries (nothing below them converted): the same text as when every
    group is converted in full, at two terminal widths."""
    import os

    for columns in ("80", "200"):
        env = {**os.environ, "COLUMNS": columns}
        lazy, full = (subprocess.run([sys.executable, "-c", _HELP, how], capture_output=True, text=True, timeout=60,
                                     env=env) for how in ("lazy", "full"))
        assert lazy.returncode == full.returncode == 0, full.stderr
        assert "treaty" in lazy.stdout and "Commands" in lazy.stdout
        assert lazy.stdout == full.stdout
