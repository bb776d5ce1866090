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
