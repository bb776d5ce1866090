"""The README's tour, parsed from the README itself and run in order in an empty directory: every command exits 0
and prints no traceback. ``serve`` runs in the background (on a free port instead of the README's) while the
commands after it talk to it; a ```yaml block whose first line is ``# NAME`` is written to NAME first."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]
pytestmark = pytest.mark.slow


def tour() -> list[tuple[str, str]]:
    """(kind, text) in README order: ("cmd", "moratorium ...") or ("file", "# NAME\\n...")."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Tour"):text.index("## Layout and checks")]
    items: list[tuple[int, str, str]] = []
    for m in re.finditer(r"```(\w+)\n(.*?)```", section, flags=re.S):
        lang, body = m.group(1), m.group(2)
        if lang == "yaml" and re.match(r"# [\w.-]+\n", body):
            items.append((m.start(), "file", body))
        for line in body.replace("\\\n", " ").splitlines():  # a trailing backslash continues the command
            if lang == "console" and line.startswith("$ .venv/bin/moratorium "):
                items.append((m.start(), "cmd", line[len("$ .venv/bin/"):]))
    fenced = [(m.start(), m.end()) for m in re.finditer(r"```.*?```", section, flags=re.S)]
    for m in re.finditer(r"`(moratorium [^`]+)`", section):
        if not any(a <= m.start() < b for a, b in fenced):
            items.append((m.start(), "cmd", m.group(1)))
    return [(kind, body) for _, kind, body in sorted(items)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_tour_names_real_commands_only() -> None:
    commands = [body for kind, body in tour() if kind == "cmd"]
    assert len(commands) >= 30
    for cmd in commands:
        assert not re.search(r"\b(FILE|ID|URL|N|S1|S2|COMMAND)\b|[|…\[\]]|\.\.\.", cmd.split(" | ")[0]), cmd


def test_readme_tour_runs(tmp_path: Path) -> None:
    port, peer = _free_port(), _free_port()
    server: subprocess.Popen[bytes] | None = None
    ran = 0
    for kind, body in tour():  # the files the README shows are there before the commands that read them
        if kind == "file":
            (tmp_path / body.splitlines()[0][2:]).write_text(body)
    try:
        for kind, body in tour():
            if kind == "file":
                continue
            cmd = body.split(" | ")[0].replace("8731", str(port)).replace("8732", str(peer))
            args = cmd.split()[1:]
            if args[:1] == ["serve"]:
                server = subprocess.Popen([*EXE, *args, "--sync-interval", "0"], cwd=tmp_path,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                deadline = time.monotonic() + 30
                while True:
                    assert server.poll() is None, server.stderr.read() if server.stderr else ""
                    try:
                        if httpx.get(f"http://127.0.0.1:{port}/v1/node", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    assert time.monotonic() < deadline, "serve did not start"
                    time.sleep(0.1)
                ran += 1
                continue
            if args == ["--install-completion"]:
                continue  # would edit the shell's start-up files
            done = subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=tmp_path, timeout=600)
            assert done.returncode == 0, (cmd, done.stdout[-2000:], done.stderr[-2000:])
            assert "Traceback" not in done.stdout + done.stderr, cmd
            ran += 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
            if server.stderr is not None:
                server.stderr.close()
    assert ran >= 30
    assert (tmp_path / "demo-out" / "history" / "report.html").is_file()


def test_readme_first_command_prints_what_the_readme_shows() -> None:
    import os

    text = README.read_text(encoding="utf-8")
    block = text[text.index("$ .venv/bin/moratorium treaty list\n"):].split("```")[0]
    shown = block.split("\n", 1)[1]
    done = subprocess.run([*EXE, "treaty", "list"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 0 and done.stdout == shown
