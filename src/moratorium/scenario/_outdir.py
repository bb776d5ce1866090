"""Where ``moratorium run --out DIR`` writes, so that it never deletes what it did not write.

A run writes its files into a staging directory and moves them into place only once all are written. The target
directory records what the run wrote in a marker file (:data:`MARKER`, a JSON list of names); a later run into the
same directory replaces only those names. A directory that is neither missing, empty nor marked is someone
else's: :func:`prepare` refuses it, and :func:`choose` (used by the CLI) picks a fresh subdirectory instead.

Staging directories carry the writing process's id; one left behind by a process that no longer exists (a run
killed with SIGKILL) is removed by the next run that writes beside it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from moratorium.errors import InputError

__all__ = ["MARKER", "choose", "install", "prepare"]

MARKER = ".moratorium-run"
_STAGING = ".moratorium-staging-"
_RUN_NAMES = frozenset({"checkpoint.txt", "entries.jsonl", "keys.json", "log.sqlite", "result.json", "report.html",
                        "map.html", "map.png", "timeline.png", "timeline.csv", "timeline.csvt"})
_PID = re.compile(re.escape(_STAGING) + r"(\d+)-")  # in ".moratorium-staging-PID-x" or ".NAME.moratorium-staging-PID-x"


def _written_by_run(path: Path) -> list[str] | None:
    """The names a previous run wrote into ``path`` (from its marker), [] if empty, None if someone else's."""
    try:
        names = [p.name for p in path.iterdir() if not p.name.startswith(_STAGING)]
    except OSError as exc:
        raise InputError(f"cannot read directory: {exc.strerror}", file=str(path)) from exc
    if not names:
        return []
    if MARKER not in names:
        # A run of an older version left no marker: its directory holds only names a run writes.
        legacy = all(n in _RUN_NAMES or (n.startswith("map-") and n.endswith(".png")) for n in names)
        return names if legacy and {"log.sqlite", "result.json"} <= set(names) else None
    try:
        listed = json.loads((path / MARKER).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(listed, list) or not all(isinstance(n, str) and "/" not in n for n in listed):
        return None
    return [n for n in listed if n not in (".", "..")]


def choose(out: Path, *, name: str) -> tuple[Path, str | None]:
    """The directory to write for ``--out out``: ``out`` itself if it is missing, empty or a previous run's;
    else a fresh subdirectory ``out/name`` (``name-2``, ``name-3``... if taken). Returns it and a note saying
    why it is not ``out`` (None when it is)."""
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a directory", file=str(out))
    if not out.exists() or _written_by_run(out) is not None:
        return out, None
    for n in range(1, 1000):
        sub = out / (name if n == 1 else f"{name}-{n}")
        if not sub.exists() or (sub.is_dir() and _written_by_run(sub) is not None):
            return sub, (f"{out} holds files that `moratorium run` did not write; leaving them alone and "
                         f"writing into {sub} instead")
    raise InputError("no free subdirectory to write into", file=str(out))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(directory: Path) -> None:
    """Remove staging directories whose writing process is gone."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return
    for p in entries:
        match = _PID.search(p.name)
        if match and p.is_dir() and not p.is_symlink() and not _pid_alive(int(match.group(1))):
            shutil.rmtree(p, ignore_errors=True)


def prepare(out_dir: Path) -> Path:
    """Check that ``out_dir`` may be written (missing, empty or a previous run's) and make a staging directory
    for it: beside it if it does not exist yet, inside it otherwise (so ``--out .`` works)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("exists and is not a directory", file=str(out_dir))
    if out_dir.exists() and _written_by_run(out_dir) is None:
        raise InputError("not empty and not written by `moratorium run`: refusing to write into it (choose a new "
                         "or empty directory)", file=str(out_dir))
    home = out_dir if out_dir.exists() else out_dir.resolve().parent
    try:
        home.mkdir(parents=True, exist_ok=True)
        _sweep(home)
        prefix = f"{_STAGING}{os.getpid()}-" if home == out_dir else f".{out_dir.name}{_STAGING}{os.getpid()}-"
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=home))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result is an ordinary directory
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(out_dir)) from exc
    return staging


def install(staging: Path, out_dir: Path) -> None:
    """Move the staged files into ``out_dir``, replacing only what a previous run wrote there, and record the
    names in :data:`MARKER`. ``staging`` is gone afterwards."""
    names = sorted(p.name for p in staging.iterdir())
    (staging / MARKER).write_text(json.dumps(names) + "\n")
    if not out_dir.exists():
        staging.rename(out_dir)  # atomic: the directory appears complete or not at all
        return
    previous = _written_by_run(out_dir)
    if previous is None:
        raise InputError("changed while the run was writing: not empty and not written by `moratorium run`",
                         file=str(out_dir))
    (out_dir / MARKER).unlink(missing_ok=True)  # while files move, the directory is not a complete run
    for old in previous:
        target = out_dir / old
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    for name in [*names, MARKER]:
        os.replace(staging / name, out_dir / name)
    staging.rmdir()
