"""Where a node keeps the mirror of each peer's log, next to its own log.

The ledger store holds one log per database (fixed table names), so a mirror needs a database of its own:

- SQLite (a path or ``sqlite:///path``): a sibling file ``<stem>.mirror-<party><suffix>``;
- PostgreSQL: the same database, in a schema ``[<own schema>_]mirror_<party>`` chosen with libpq's
  ``options=-csearch_path`` (created here if missing: the one place this package touches SQL directly;
  the store could offer it, see the report on issue 6).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from moratorium.errors import InputError, StoreError

__all__ = ["mirror_url"]


def _safe(party: str) -> str:
    name = re.sub(r"[^a-z0-9_]", "_", party.lower())
    if not name:
        raise InputError(f"party id {party!r} gives no usable storage name", field="party")
    return name


def mirror_url(own_url: str, party: str) -> str:
    """The database URL of the mirror of ``party``'s log for a node whose own log is at ``own_url``."""
    if "://" not in own_url:
        path = Path(own_url).expanduser().resolve()
        return str(path.with_name(f"{path.stem}.mirror-{_safe(party)}{path.suffix or '.sqlite'}"))
    if own_url.startswith("sqlite"):
        prefix, _, rest = own_url.partition(":///")
        if not rest or rest.startswith(":memory:"):
            raise InputError("a node needs a file or server database, not an in-memory one", field="db")
        return prefix + ":///" + mirror_url(rest, party)
    if own_url.startswith("postgresql"):
        parts = urlsplit(own_url)
        options = dict(parse_qsl(parts.query)).get("options", "")
        own_schema = re.search(r"-csearch_path=([A-Za-z0-9_]+)", options)
        schema = f"{own_schema[1] + '_' if own_schema else ''}mirror_{_safe(party)}"
        _ensure_schema(own_url, schema)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
        query.append(("options", f"-csearch_path={schema}"))
        return urlunsplit(parts._replace(query=urlencode(query)))
    raise InputError(f"unsupported database URL {own_url!r}: use a path, sqlite:/// or postgresql+psycopg://",
                     field="db")


def _ensure_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot create schema {schema}: {exc}") from exc
    finally:
        engine.dispose()
