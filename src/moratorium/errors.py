"""The project's small error hierarchy.

::

    Error                       base of everything moratorium raises on purpose
    ├── InputError              bad input from a person, a file or a request   (CLI exit 2, HTTP 400/422)
    │   ├── NotFoundError       an unknown id: treaty, system, site, party...   (CLI exit 2, HTTP 404)
    │   └── ConflictError       input that contradicts the log's state          (CLI exit 2, HTTP 409)
    ├── VerificationError       a check failed: signature, proof, checkpoint    (CLI exit 1, HTTP 400)
    │   └── EquivocationError   two signed views of one log that cannot both be true
    └── StoreError              persistence failed (database unreachable, corrupt row)

``InputError`` carries where the problem is: a file and line, or an entry's sequence number, and the field, so
that the CLI can print one line such as ``treaties/x.yaml:12: obligations[0].zone: unknown zone 'eu'``.
``VerificationError`` messages carry the expected and the calculated value.
"""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "EquivocationError",
    "Error",
    "InputError",
    "NotFoundError",
    "StoreError",
    "VerificationError",
]


class Error(Exception):
    """Base class of every error moratorium raises on purpose."""


class InputError(Error):
    """Bad input. ``str()`` gives ``FILE:LINE: field: message`` with whatever location is known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        seq: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.seq = seq
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line is not None else self.file)
        if self.seq is not None:
            parts.append(f"entry {self.seq}")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class NotFoundError(InputError):
    """An id that names nothing known (treaty, system, site, party, claim...)."""


class ConflictError(InputError):
    """Input that is well formed but contradicts the state of the log."""


class VerificationError(Error):
    """A cryptographic or structural check failed; the message names expected and calculated values."""


class EquivocationError(VerificationError):
    """Two signed statements about one log that cannot both be true (a fork)."""


class StoreError(Error):
    """Persistence failed."""
