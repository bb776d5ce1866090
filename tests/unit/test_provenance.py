"""The lock file and the environment fingerprint that results carry (``moratorium._provenance``)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from moratorium._provenance import lock_sha256, lock_text, requirement_lines

LOCK = Path(__file__).resolve().parents[2] / "requirements.lock"


def test_lock_pins_every_line_exactly() -> None:
    lines = requirement_lines(LOCK.read_text()).splitlines()
    assert len(lines) > 20
    for line in lines:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*==[A-Za-z0-9.+!-]+", line), line
    names = [line.split("==")[0] for line in lines]
    assert names == sorted(names)
    assert len(set(names)) == len(names)


def test_lock_covers_the_direct_dependencies() -> None:
    import tomllib

    project = tomllib.loads((LOCK.parent / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    pinned = {line.split("==")[0] for line in requirement_lines(LOCK.read_text()).splitlines()}
    for spec in wanted:
        name = re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in pinned, spec


def test_environment_was_installed_from_the_lock() -> None:
    # make install and .ci/run install requirements.lock; a drift here means results would not reproduce.
    assert lock_text() == requirement_lines(LOCK.read_text())
    assert lock_sha256() == hashlib.sha256(requirement_lines(LOCK.read_text()).encode()).hexdigest()


def test_requirement_lines_drop_comments_and_blanks() -> None:
    assert requirement_lines("# header\n\nfoo==1\n  # c\nbar==2\n") == "foo==1\nbar==2\n"
