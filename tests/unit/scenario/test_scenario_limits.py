"""Issue 14, item 7: scenario files with hostile values are refused with FILE:LINE, and data printed by ``run``
is escaped (rich markup, ANSI escapes) and cut to size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from moratorium._cli._render import MAX_FIELD_CHARS, safe
from moratorium.errors import InputError
from moratorium.scenario import load_scenario

SRC = (Path(__file__).parents[3] / "src/moratorium/scenario/data/inspections-2021.yaml").read_text()
EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("old", "new", "where"), [
    ("    site: chernyakhovsk\n    system: 9m729", "    site: atlantis\n    system: 9m729", "covert[0].site"),
    ("    until: 2021-10-01", "    until: 2021-03-01", "covert[0]"),
    ('body: {treaty: ru-2020-offer, title: "Russia', 'body: {treaty: ru-2020-offer, n: .nan, title: "Russia',
     "timeline[0]"),
    ('body: {treaty: ru-2020-offer, title: "Russia', 'body: {treaty: ru-2020-offer, n: 1.0e+16, title: "Russia',
     "timeline[0]"),
])
def test_covert_action_at_unknown_site_or_ending_before_it_starts_is_refused_with_file_line(
        tmp_path: Path, old: str, new: str, where: str) -> None:
    assert old in SRC, old
    path = _write(tmp_path, SRC.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.file == str(path) and info.value.line is not None, str(info.value)
    assert (info.value.field or "").startswith(where), str(info.value)


def test_safe_escapes_markup_and_controls_and_cuts_long_text() -> None:
    console = Console(record=True, width=200, force_terminal=False)
    console.print(safe("[/bold] [red]x[/red] \x1b[31mred\x1b[0m \x9b2J"))
    out = console.export_text()
    assert "[/bold] [red]x[/red]" in out and "\x1b" not in out and "\x9b" not in out
    long = safe("t" * 10_000_000)
    assert len(long) < MAX_FIELD_CHARS + 100 and "more characters" in long


def test_run_with_rich_markup_and_ansi_in_a_title_prints_them_as_text(tmp_path: Path) -> None:
    title = 'title: "Russia [/bold][link=x]\\e[31mred\\e[0m ' + "y" * 100_000
    text = SRC.replace('title: "Russia', title, 1)
    path = _write(tmp_path, text)
    r = subprocess.run([*EXE, "run", str(path), "--out", str(tmp_path / "out")], capture_output=True, text=True,
                       timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "\x1b" not in r.stdout
    assert "[/bold][link=x]" in r.stdout.replace("\n", "").replace("│", "").replace(" ", "") or "[/bold]" in r.stdout
    assert len(r.stdout) < 200_000
