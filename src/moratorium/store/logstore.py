"""Byte-level persistence of an append-only Merkle log over SQLAlchemy 2 (SQLite, or PostgreSQL by URL).

The store knows rows, not semantics: leaf bytes with their leaf hashes, the hashes of perfect subtrees (the
RFC 9162 §2.1.1 nodes at level >= 1, level 0 being the leaf hashes), the parties' public keys, signed
checkpoint notes and a cosigner's last cosigned checkpoint. ``moratorium.ledger.sqllog`` gives them meaning.

Durability: an append is one transaction that first moves the head (``UPDATE ... WHERE size = expected``, so
two writers cannot both extend the same size) and then inserts the rows; SQLite runs in WAL mode with
``synchronous=FULL`` so a committed append survives a crash or power loss, PostgreSQL commits synchronously by
default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql.elements import TextClause

from moratorium.errors import ConflictError, InputError, StoreError

__all__ = ["LogStore", "normalize_url"]

_meta = MetaData()
_head = Table("ledger_head", _meta, Column("id", Integer, primary_key=True), Column("size", BigInteger))
_leaf = Table(
    "ledger_leaf",
    _meta,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("leaf_hash", LargeBinary, nullable=False, unique=True),
    Column("data", LargeBinary, nullable=False),
)
_node = Table(
    "ledger_node",
    _meta,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)
_tile = Table(
    "ledger_tile",
    _meta,
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hashes", LargeBinary, nullable=False),
    Column("bundle", LargeBinary, nullable=False),
)
"""Finished level-0 tlog-tiles, one row per full tile of 256 entries: the tile (its leaf hashes, joined) and its
entry bundle, written by the append that completes the tile, in the same transaction as its last leaf (as a
Tessera log integrates), so an export or the node copies finished bytes instead of re-reading 256 leaf rows.
Optional: a log written before this table existed has none (or some) of them, and every reader falls back to the
leaf rows. The store keeps the bytes it is given; ``moratorium.ledger`` makes them and the audit checks them."""
_OPTIONAL = frozenset({"ledger_tile"})
"""Tables a read-only open does not require (added after logs were written without them)."""
_key = Table("ledger_key", _meta, Column("party", String(200), primary_key=True), Column("raw", LargeBinary))
_checkpoint = Table(
    "ledger_checkpoint",
    _meta,
    Column("origin", String(500), primary_key=True),
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary, primary_key=True),
    Column("note", Text, nullable=False),
)
_cosigned = Table(
    "ledger_cosigned",
    _meta,
    Column("cosigner", String(200), primary_key=True),
    Column("origin", String(500), primary_key=True),
    Column("note", Text, nullable=False),
)


def normalize_url(url: str) -> str:
    """A SQLAlchemy URL for ``url``: a filesystem path becomes ``sqlite:///<absolute path>``."""
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser().resolve()}"


SQLITE_MMAP_BYTES = 1 << 30
"""``PRAGMA mmap_size`` of every connection: bulk reads (audit, tile export) map the file instead of copying each
page through read() (15 % less per leaf row read, measured); the database file is unchanged by it."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


def _sqlite_read_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA query_only=ON")
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@functools.lru_cache(maxsize=128)
def _node_lookup(count: int) -> TextClause:
    """``SELECT`` of ``count`` nodes by ``(level, idx)``: an OR of primary-key lookups, which SQLite and PostgreSQL
    both answer from the index. Why text: building the same OR as SQLAlchemy expressions cost more than running
    the query, and a row-value ``IN`` makes SQLite scan the table."""
    terms = " OR ".join(f"(level = :l{k} AND idx = :i{k})" for k in range(count))
    return text(f"SELECT level, idx, hash FROM ledger_node WHERE {terms}")


class LogStore:
    """The rows of one log in one database. ``node_reads`` counts every node read (proof cost accounting)."""

    def __init__(self, url: str, *, create: bool = True, read_only: bool = False) -> None:
        """Open the store at ``url``; ``read_only`` opens it without creating or changing anything (an audit):
        a database without the log's tables is then an ``InputError``, not a new empty log."""
        self.url = normalize_url(url)
        self.node_reads = 0
        self.read_only = read_only
        self._has_tiles = not read_only
        try:
            # Read-only SQLite is ``PRAGMA query_only`` on an ordinary connection, not ``mode=ro``: a read-only
            # connection to a WAL database cannot remove its -wal and -shm files when it closes.
            self._engine: Engine = create_engine(self.url)
        except (SQLAlchemyError, ValueError) as exc:
            raise InputError(f"not a usable database URL: {exc}", field="url") from exc
        if self._engine.dialect.name == "sqlite":
            if (not create or read_only) and not Path(self.url.removeprefix("sqlite:///")).exists():
                raise InputError("no such log file", file=self.url.removeprefix("sqlite:///"))
            event.listen(self._engine, "connect", _sqlite_read_pragmas if read_only else _sqlite_pragmas)
        try:
            if read_only:
                self._check_tables()
                return
            _meta.create_all(self._engine)
            with self._engine.begin() as conn:
                if conn.execute(select(_head.c.size)).first() is None:
                    conn.execute(insert(_head).values(id=1, size=0))
        except SQLAlchemyError as exc:
            if self.dialect == "sqlite" and "not a database" in str(getattr(exc, "orig", "")):
                # bad input (a path to some other file), not a failing store: exit 2, naming the file
                raise InputError("not a moratorium log: the file is not a SQLite database (nothing was changed)",
                                 file=self.url.removeprefix("sqlite:///")) from exc
            raise StoreError(f"cannot open the log store {self._engine.url!r}: {_first_line(exc)}") from exc

    def _check_tables(self) -> None:
        from sqlalchemy import inspect

        present = set(inspect(self._engine).get_table_names())
        missing = sorted(t for t in _meta.tables if t not in present and t not in _OPTIONAL)
        self._has_tiles = "ledger_tile" in present
        if missing:
            where = self.url.removeprefix("sqlite:///") if self.dialect == "sqlite" else None
            raise InputError(f"not a moratorium log: no table {', '.join(missing)} (opened read-only, unchanged)",
                             file=where, field=None if where else "url")

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def _read(self, stmt: Any) -> list[Any]:
        try:
            with self._engine.connect() as conn:
                return list(conn.execute(stmt).fetchall())
        except SQLAlchemyError as exc:
            raise StoreError(f"read failed: {_first_line(exc)}") from exc

    # -- the log itself ------------------------------------------------------------------------------------

    def size(self) -> int:
        rows = self._read(select(_head.c.id, _head.c.size))
        if len(rows) != 1 or rows[0][0] != 1 or type(rows[0][1]) is not int or rows[0][1] < 0:
            shown = ", ".join(f"(id {r[0]!r}, size {r[1]!r})" for r in rows[:3]) or "no row"
            raise StoreError(f"corrupt log head: expected one row (id 1, size >= 0), found {shown}")
        return int(rows[0][1])

    def append(
        self,
        leaves: Sequence[tuple[bytes, bytes]],
        nodes: Sequence[tuple[int, int, bytes]],
        *,
        expected_size: int,
        before_commit: Callable[[], None] | None = None,
        tiles: Sequence[tuple[int, bytes, bytes]] = (),
    ) -> None:
        """Atomically add ``leaves`` ``(data, leaf_hash)`` at ``expected_size``, the ``nodes`` completed and the
        level-0 ``tiles`` ``(index, hashes, bundle)`` completed (see ``ledger_tile``).

        Raises ``ConflictError`` if the log no longer has ``expected_size`` entries (another writer) or a leaf
        is already present (a replay), ``StoreError`` if the database fails. Nothing is written on error.
        ``before_commit`` runs inside the transaction after the rows are written; whatever it raises rolls the
        transaction back and propagates (the SQL log finishes its signature checks there, so the writing
        overlaps them).
        """
        if not leaves:
            return
        new_size = expected_size + len(leaves)
        try:
            with self._engine.begin() as conn:
                moved = conn.execute(
                    update(_head).where(_head.c.id == 1, _head.c.size == expected_size).values(size=new_size)
                )
                if moved.rowcount != 1:
                    raise ConflictError(f"the log is no longer at size {expected_size} (concurrent append)")
                conn.execute(
                    insert(_leaf),
                    [
                        {"seq": expected_size + i, "leaf_hash": h, "data": d}
                        for i, (d, h) in enumerate(leaves)
                    ],
                )
                if nodes:
                    conn.execute(insert(_node), [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes])
                if tiles:
                    conn.execute(insert(_tile), [{"idx": ix, "hashes": h, "bundle": b} for ix, h, b in tiles])
                if before_commit is not None:
                    before_commit()
        except IntegrityError as exc:
            raise ConflictError(f"append refused: a leaf or node is already present ({exc.orig})") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"append failed: {exc}") from exc

    def find_leaves(self, leaf_hashes: Sequence[bytes]) -> dict[bytes, int]:
        """Sequence numbers of those ``leaf_hashes`` already in the log."""
        found: dict[bytes, int] = {}
        for i in range(0, len(leaf_hashes), 500):
            chunk = list(leaf_hashes[i : i + 500])
            stmt = select(_leaf.c.leaf_hash, _leaf.c.seq).where(_leaf.c.leaf_hash.in_(chunk))
            for h, seq in self._read(stmt):
                found[bytes(h)] = int(seq)
        return found

    def iter_leaves(self, start: int, stop: int, *, batch: int = 5000) -> Iterator[tuple[int, bytes, bytes]]:
        """``(seq, data, leaf_hash)`` for ``start <= seq < stop`` in order, read in batches."""
        for rows in self.leaf_row_batches(start, stop, batch=batch):
            yield from rows

    def leaf_row_batches(self, start: int, stop: int, *, batch: int = 512
                         ) -> Iterator[list[tuple[int, bytes, bytes]]]:
        """The rows of ``iter_leaves`` as lists of up to ``batch`` (the audit checks them a batch at a time), read
        through the DBAPI cursor (see ``leaf_batches``: SQLAlchemy row objects cost 2.5 us a row against 0.7 us,
        measured, a fifth of the audit's own work per entry); a missing row is simply absent (the audit names the
        gap); ``StoreError`` for a row that is not an integer seq with binary data and hash (a corrupt row)."""
        sql = "SELECT seq, data, leaf_hash FROM ledger_leaf WHERE seq >= {0} AND seq < {0} ORDER BY seq"
        for rows in self._raw_batches(sql, start, stop, batch):
            for i, (seq, data, leaf_hash) in enumerate(rows):
                if type(data) is not bytes or type(leaf_hash) is not bytes or type(seq) is not int:
                    if type(seq) is not int or not isinstance(data, bytes | memoryview) or not isinstance(
                            leaf_hash, bytes | memoryview):
                        raise StoreError(f"corrupt leaf row {seq!r}: expected an integer seq and binary data and "
                                         f"hash, found {type(seq).__name__}, {type(data).__name__}, "
                                         f"{type(leaf_hash).__name__}")
                    rows[i] = (seq, bytes(data), bytes(leaf_hash))
            yield rows

    def leaf_batches(self, start: int, stop: int, *, batch: int = 16384) -> Iterator[list[tuple[bytes, bytes]]]:
        """``(data, leaf_hash)`` of entries ``start <= seq < stop`` in order, in lists of up to ``batch``, through
        the DBAPI cursor: for bulk reads (tile export), where building SQLAlchemy row objects costs several times
        the query (8 s against 1.7 s for a million rows, measured). ``StoreError`` if a row is missing (the
        sequence numbers are unique, so a full count means every one of them is there)."""
        sql = "SELECT data, leaf_hash FROM ledger_leaf WHERE seq >= {0} AND seq < {0} ORDER BY seq"
        pos = start
        for rows in self._raw_batches(sql, start, stop, batch):
            end = min(stop, pos + batch)
            if len(rows) != end - pos:
                raise StoreError(f"missing leaf rows in [{pos}, {end})")
            if rows and not isinstance(rows[0][0], bytes):  # PostgreSQL gives memoryview
                rows = [(bytes(d), bytes(h)) for d, h in rows]
            yield rows
            pos = end

    def _raw_batches(self, sql: str, start: int, stop: int, batch: int) -> Iterator[list[Any]]:
        """``sql`` (two ``{0}`` placeholders: the range's bounds) over ``[start, stop)`` in ranges of ``batch``,
        each range's rows as a list of plain tuples from one DBAPI cursor."""
        mark = "?" if self._engine.dialect.paramstyle == "qmark" else "%s"
        query = sql.format(mark)
        dbapi_error: Any = getattr(self._engine.dialect.dbapi, "Error", SQLAlchemyError)
        try:
            with self._engine.connect() as conn:
                cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    pos = start
                    while pos < stop:
                        end = min(stop, pos + batch)
                        cursor.execute(query, (pos, end))
                        yield list(cursor.fetchall())
                        pos = end
                finally:
                    cursor.close()
        except (SQLAlchemyError, dbapi_error) as exc:
            raise StoreError(f"read failed: {_first_line(exc)}") from exc

    def tile_rows(self, start: int, stop: int, *, batch: int = 64) -> Iterator[tuple[int, bytes, bytes]]:
        """``(index, hashes, bundle)`` of the stored level-0 tiles ``start <= index < stop``, in index order (a
        tile not stored is simply absent); none from a log without the table. ``StoreError`` for a row that is not
        an integer index with binary hashes and bundle."""
        if not self._has_tiles or start >= stop:
            return
        sql = "SELECT idx, hashes, bundle FROM ledger_tile WHERE idx >= {0} AND idx < {0} ORDER BY idx"
        for rows in self._raw_batches(sql, start, stop, batch):
            for idx, hashes, bundle in rows:
                if type(idx) is not int or not isinstance(hashes, bytes | memoryview) or not isinstance(
                        bundle, bytes | memoryview):
                    raise StoreError(f"corrupt tile row {idx!r}: expected an integer index and binary hashes and "
                                     f"bundle, found {type(idx).__name__}, {type(hashes).__name__}, "
                                     f"{type(bundle).__name__}")
                yield idx, bytes(hashes), bytes(bundle)

    def last_tile_index(self) -> int | None:
        """The highest stored tile index (``None``: none stored), for the audit's check that no tile row claims
        entries beyond the log."""
        if not self._has_tiles:
            return None
        from sqlalchemy import func

        rows = self._read(select(func.max(_tile.c.idx)))
        return None if not rows or rows[0][0] is None else int(rows[0][0])

    def node(self, level: int, index: int) -> bytes:
        """Hash of the perfect subtree ``(level, index)``; level 0 is the leaf hash of entry ``index``."""
        self.node_reads += 1
        if level == 0:
            rows = self._read(select(_leaf.c.leaf_hash).where(_leaf.c.seq == index))
        else:
            rows = self._read(select(_node.c.hash).where(_node.c.level == level, _node.c.idx == index))
        if not rows:
            raise StoreError(f"missing Merkle node (level {level}, index {index})")
        return bytes(rows[0][0])

    def nodes(self, wanted: Collection[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Hashes of the perfect subtrees ``(level, index)`` in ``wanted``, in one round trip.

        Why: a proof needs up to ``2 * log2(n)`` nodes and a query per node made proofs cost milliseconds. Each
        node still counts as one read in ``node_reads``.
        """
        self.node_reads += len(wanted)
        leaf_idx = [index for level, index in wanted if level == 0]
        inner = [(level, index) for level, index in wanted if level > 0]
        found: dict[tuple[int, int], bytes] = {}
        try:
            with self._engine.connect() as conn:
                if leaf_idx:
                    rows = conn.execute(select(_leaf.c.seq, _leaf.c.leaf_hash).where(_leaf.c.seq.in_(leaf_idx)))
                    found.update(((0, int(seq)), bytes(h)) for seq, h in rows)
                if inner:
                    params = {f"l{k}": lv for k, (lv, _ix) in enumerate(inner)}
                    params.update({f"i{k}": ix for k, (_lv, ix) in enumerate(inner)})
                    node_rows = conn.execute(_node_lookup(len(inner)), params)
                    found.update(((int(lv), int(ix)), bytes(h)) for lv, ix, h in node_rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"read failed: {exc}") from exc
        for level, index in wanted:
            if (level, index) not in found:
                raise StoreError(f"missing Merkle node (level {level}, index {index})")
        return found

    def iter_nodes(self, level: int, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
        """``(index, hash)`` of stored nodes at ``level >= 1`` with ``start <= index < stop``, in index order (read
        through the DBAPI cursor, as ``leaf_row_batches``: the audit reads about one node an entry)."""
        sql = f"SELECT idx, hash FROM ledger_node WHERE level = {int(level)} AND idx >= {{0}} AND idx < {{0}} " \
              "ORDER BY idx"
        for rows in self._raw_batches(sql, start, stop, max(1, stop - start)):
            for idx, h in rows:
                yield int(idx), bytes(h)

    def max_level(self) -> int:
        rows = self._read(select(_node.c.level).order_by(_node.c.level.desc()).limit(1))
        return int(rows[0][0]) if rows else 0

    # -- keys, checkpoints, cosigner state -------------------------------------------------------------------

    def put_key(self, party: str, raw: bytes) -> None:
        """Store ``party``'s public key; ``ConflictError`` if a different key is already stored for it."""
        existing = self.keys().get(party)
        if existing == raw:
            return
        if existing is not None:
            raise ConflictError(f"party {party!r} already has a different key in this log", field="party")
        self._write(insert(_key).values(party=party, raw=raw))

    def keys(self) -> dict[str, bytes]:
        return {str(p): bytes(r) for p, r in self._read(select(_key.c.party, _key.c.raw))}

    def put_checkpoint(self, origin: str, size: int, root: bytes, note: str) -> None:
        """Insert or replace (with more signatures) the note of checkpoint ``(origin, size, root)``."""
        key = (_checkpoint.c.origin == origin, _checkpoint.c.size == size, _checkpoint.c.root == root)
        try:
            with self._engine.begin() as conn:
                if conn.execute(update(_checkpoint).where(*key).values(note=note)).rowcount == 0:
                    conn.execute(insert(_checkpoint).values(origin=origin, size=size, root=root, note=note))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store checkpoint: {exc}") from exc

    def checkpoints(self, *, origin: str | None = None, size: int | None = None) -> list[str]:
        """Stored checkpoint notes, largest size first."""
        stmt = select(_checkpoint.c.note).order_by(_checkpoint.c.size.desc())
        if origin is not None:
            stmt = stmt.where(_checkpoint.c.origin == origin)
        if size is not None:
            stmt = stmt.where(_checkpoint.c.size == size)
        return [str(r[0]) for r in self._read(stmt)]

    def cosigned(self, cosigner: str, origin: str) -> str | None:
        rows = self._read(
            select(_cosigned.c.note).where(_cosigned.c.cosigner == cosigner, _cosigned.c.origin == origin)
        )
        return str(rows[0][0]) if rows else None

    def set_cosigned(self, cosigner: str, origin: str, note: str) -> None:
        key = (_cosigned.c.cosigner == cosigner, _cosigned.c.origin == origin)
        try:
            with self._engine.begin() as conn:
                if conn.execute(update(_cosigned).where(*key).values(note=note)).rowcount == 0:
                    conn.execute(insert(_cosigned).values(cosigner=cosigner, origin=origin, note=note))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store cosigner state: {exc}") from exc

    def _write(self, stmt: Any) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(stmt)
        except SQLAlchemyError as exc:
            raise StoreError(f"write failed: {exc}") from exc
