"""Walk every command and option of the CLI's own command tree with bad values: each answer is one error line,
exit 2, never a traceback.

The tree is read from the app itself (``typer.main.get_command``), so a command added later is walked too. Only
attributes that click and every typer-vendored click share are used (``commands``, ``params``, ``opts``,
``required``, ``is_flag``), so the walk runs whichever versions are installed. Commands run in-process through
the console script's ``main`` (the function that turns errors into exit codes), in a scratch directory.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from moratorium.cli import app, main

BAD = "@bad-value%"  # no id, file, number, choice, coordinate or URL is spelt like this


def _leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in sorted(subs.items()):
            yield from _leaves(sub, (*path, name))
    if not subs or getattr(command, "invoke_without_command", False):
        if path:
            yield path, command


LEAVES = list(_leaves(typer.main.get_command(app)))


def _is_option(param: Any) -> bool:
    return any(o.startswith("-") for o in param.opts)


def _takes_value(param: Any) -> bool:
    return _is_option(param) and not getattr(param, "is_flag", False) and not getattr(param, "count", False)


def _required(command: Any, skip: Any = None) -> list[str]:
    """Every required argument and option of ``command`` given the bad value (except ``skip``)."""
    args: list[str] = []
    for p in command.params:
        if p is skip or not p.required:
            continue
        args += [p.opts[0], BAD] if _is_option(p) else [BAD]
    return args


def _cases() -> Iterator[Any]:
    for path, command in LEAVES:
        name = " ".join(path)
        yield pytest.param([*path, "--no-such-option"], id=f"{name} --no-such-option")
        if any(p.required for p in command.params):
            yield pytest.param(list(path), id=f"{name} (nothing)")
        for p in command.params:
            if not _takes_value(p) or p.hidden:
                continue
            opt = p.opts[0]
            yield pytest.param([*path, *_required(command, skip=p), opt, BAD], id=f"{name} {opt} BAD")
            yield pytest.param([*path, *_required(command, skip=p), opt], id=f"{name} {opt} (no value)")
        if any(not _is_option(p) for p in command.params):
            yield pytest.param([*path, *_required(command)], id=f"{name} ARGS BAD")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    old = sys.argv
    sys.argv = ["moratorium", *args]
    code: Any = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return (code if isinstance(code, int) else 1), out, err


def test_walk_covers_the_tree() -> None:
    names = {" ".join(p) for p, _ in LEAVES}
    assert {"run", "map", "serve", "reach", "reach diff", "zones which", "log verify", "keys public", "keys vkey",
            "assure game", "node submit", "node import", "node status"} <= names
    assert len(LEAVES) >= 30


@pytest.mark.parametrize("args", list(_cases()))
def test_bad_input_is_one_line_exit_2(args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(args, capsys)
    assert "Traceback" not in out + err
    assert code == 2, (args, out, err)
    errors = [line for line in err.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1, err
    if err.startswith("error: "):  # moratorium's own errors: exactly one line
        assert err.count("\n") == 1, err
