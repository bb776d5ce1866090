"""Fixtures of the ledger tests: party keys, signed entries, and one log per backend (memory, SQLite, PG)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry, verify_entry
from moratorium.ledger.memory import MemoryLog

LEDGER_TABLES = "ledger_head, ledger_leaf, ledger_node, ledger_key, ledger_checkpoint, ledger_cosigned"


@pytest.fixture(scope="session")
def us() -> PartyKey:
    return PartyKey.derive("us", "ledger-tests")


@pytest.fixture(scope="session")
def ru() -> PartyKey:
    return PartyKey.derive("ru", "ledger-tests")


def make_entry(key: PartyKey, n: int, kind: str = "observation") -> SignedEntry:
    recorded = f"2020-01-02T00:00:{n % 60:02d}Z"
    entry = Entry(author=key.party, kind=kind, effective="2020-01-01", recorded=recorded,
                  body={"n": n, "site": "test-site"})
    return sign_entry(entry, key)


@pytest.fixture(scope="session")
def make() -> Callable[..., SignedEntry]:
    return make_entry


def reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {LEDGER_TABLES} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def log(request: pytest.FixtureRequest, tmp_path: Path, us: PartyKey, ru: PartyKey) -> Iterator[Any]:
    """An empty log with both parties' keys registered; appends must carry a valid author signature."""
    if request.param == "memory":
        lg: Any = MemoryLog()
        lg._verifier = lambda e: verify_entry(e, lg.keyring())
    else:
        from moratorium.ledger import open_log

        if request.param == "sqlite":
            url = str(tmp_path / "log.db")
        else:
            url = request.getfixturevalue("pg_url")
            reset_pg(url)
        lg = open_log(url)
    lg.register_key(us.public)
    lg.register_key(ru.public)
    yield lg
    lg.close()
