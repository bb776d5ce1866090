"""Ledger: canonical signed entries, RFC 9162 Merkle hashing and proofs, checkpoints, escrow, the log.

``open_log`` is the way in: a filesystem path or ``sqlite:`` URL gives a SQLite log, a
``postgresql+psycopg://`` URL a PostgreSQL one. SQLAlchemy is imported only when a log is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moratorium.ledger.log import EntryVerifier
    from moratorium.ledger.sqllog import SqlLog

__all__ = ["open_log"]


def open_log(url: str, *, verifier: EntryVerifier | None = None, create: bool = True) -> SqlLog:
    """Open (creating if needed and ``create``) the persistent log at ``url``.

    Parameters
    ----------
    url
        A filesystem path (SQLite), or a SQLAlchemy URL such as ``sqlite:///x.db`` or
        ``postgresql+psycopg://user@host:port/db``.
    verifier
        Called on every entry before it is appended; ``None`` checks the author's signature against the
        keys registered in the log itself (``SqlLog.register_key``).
    create
        If false, a SQLite file that does not exist is an ``InputError`` rather than a new empty log.
    """
    from moratorium.ledger.sqllog import SqlLog

    return SqlLog(url, verifier=verifier, create=create)
