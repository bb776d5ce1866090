"""What a result was computed with: the engine's version and the exact set of installed distributions.

``lock_text()`` renders the running environment as the lock file lists it (one ``name==version`` line per
installed distribution, names normalised as PEP 503 says, sorted, the project itself left out), so
``lock_sha256()`` equals the SHA-256 of ``requirements.lock``'s requirement lines exactly when the environment was
installed from that lock. ``scripts/lock.py`` (``make lock``) writes the lock from the same function, so the two
can never be formatted differently.
"""

from __future__ import annotations

import hashlib
import re
from importlib import metadata

__all__ = ["engine_version", "lock_sha256", "lock_text", "requirement_lines"]

_PROJECT = "moratorium"


def _normalise(name: str) -> str:
    # PEP 503 normalisation: runs of -, _ and . become one -, lower case.
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_text() -> str:
    """The installed distributions as ``name==version`` lines (sorted, newline-terminated)."""
    seen: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        key = _normalise(name)
        if key in (_PROJECT, "pip", "setuptools", "wheel"):
            continue
        seen.setdefault(key, dist.version)
    return "".join(f"{name}=={seen[name]}\n" for name in sorted(seen))


def requirement_lines(text: str) -> str:
    """The requirement lines of a lock file's text (comments and blank lines dropped), newline-terminated."""
    lines = [line.strip() for line in text.splitlines()]
    return "".join(f"{line}\n" for line in lines if line and not line.startswith("#"))


def lock_sha256() -> str:
    """SHA-256 (hex) of the running environment's lock text."""
    return hashlib.sha256(lock_text().encode()).hexdigest()


def engine_version() -> str:
    """The version of the moratorium engine that computed a result."""
    from moratorium import __version__

    return __version__
