"""C2SP tlog-tiles: the log as static, cacheable files (https://c2sp.org/tlog-tiles).

A tiled log is a ``checkpoint`` (the signed note), Merkle *tiles* and *entry bundles*:

- ``tile/<L>/<N>[.p/<W>]``: the ``N``-th tile at level ``L`` holds, for ``i`` in ``0..255``, the hash
  ``MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L])``, i.e. the RFC 9162 perfect-subtree node at tree
  level ``8*L`` and index ``N*256 + i`` (level 0: the leaf hashes). A full tile is 256 hashes (8,192 bytes); the
  rightmost tile of a level is *partial*, of width ``W = floor(size / 256**L) mod 256`` (1..255, an empty one is
  never written), and is never hashed into the level above.
- ``tile/entries/<N>[.p/<W>]``: the leaf data of the entries of level-0 tile ``N``, each prefixed with its length
  as a big-endian uint16. Here the leaf data is the canonical signed entry (``SignedEntry.leaf_data``).
- ``<N>`` is written as zero-padded 3-digit path elements, all but the last prefixed with ``x``
  (``1234067`` -> ``x001/x234/067``), so a filesystem can hold any log without file/directory clashes.

A ``SqlLog`` stores every perfect-subtree hash already, so a tile above level 0 is a range read of the node rows
at tree level ``8L``; and as it appends, it stores each level-0 tile it completes with its entry bundle (as a
Tessera log integrates), so a full level-0 tile is one row, and only the partial right edge (or a log written
before tiles were stored) is made from the leaf rows, with every leaf's bytes checked against its stored hash.
``export_tiles`` writes the tree for one signed checkpoint; the node serves the same bytes over HTTP
(``moratorium.api.routes_tiles``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from moratorium.errors import InputError, VerificationError
from moratorium.ledger.checkpoint import Checkpoint, SignedNote

__all__ = [
    "CHECKPOINT_PATH",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "ExportReport",
    "TileSource",
    "decode_bundle",
    "encode_bundle",
    "encode_index",
    "export_tiles",
    "parse_tile_path",
    "read_bundle",
    "read_tile",
    "stored_tile",
    "tile_path",
    "tiles_for_size",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
CHECKPOINT_PATH = "checkpoint"
MAX_ENTRY_BYTES = 0xFFFF
_sha256 = hashlib.sha256


class TileSource(Protocol):
    """What tiles are read from (``SqlLog`` provides it): leaf rows and stored perfect-subtree nodes."""

    @property
    def size(self) -> int: ...
    def leaf_batches(self, start: int = 0, stop: int | None = None) -> Iterator[list[tuple[bytes, bytes]]]: ...
    def iter_nodes(self, level: int, start: int, stop: int) -> Iterator[tuple[int, bytes]]: ...


def encode_index(n: int) -> str:
    """``n`` as tlog-tiles path elements: ``1234067`` -> ``x001/x234/067``, ``5`` -> ``005``."""
    if n < 0:
        raise InputError(f"a tile index is not negative, got {n}")
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        parts.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(parts))


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise InputError(f"a tile width is 1..{TILE_WIDTH}, got {width}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` (``W`` only for a partial tile, ``width < 256``)."""
    if not 0 <= level <= 63:
        raise InputError(f"a tile level is 0..63, got {level}")
    return f"tile/{level}/{encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``: the entry bundle beside level-0 tile ``N``."""
    return f"tile/entries/{encode_index(index)}{_suffix(width)}"


_PATH = re.compile(r"^tile/(0|[1-9]\d?|entries)/((?:x\d{3}/)*)(\d{3})(?:\.p/([1-9]\d{0,2}))?$")


def parse_tile_path(path: str) -> tuple[int | None, int, int]:
    """``(level, index, width)`` of a tile path (``level`` None for an entry bundle); ``InputError`` otherwise.

    The inverse of ``tile_path``/``entries_path``: anything they would not write (leading zeros in the level or
    width, a level above 63, a width of 0 or above 255, a non-canonical index such as ``x000/005``) is refused.
    """
    m = _PATH.match(path)
    if m is None:
        raise InputError(f"not a tlog-tiles path: {path!r}", field="path")
    level_s, upper, last, width_s = m.groups()
    level = None if level_s == "entries" else int(level_s)
    digits = [p[1:] for p in upper.split("/") if p] + [last]
    index = int("".join(digits))
    width = TILE_WIDTH if width_s is None else int(width_s)
    if (level is not None and level > 63) or (width_s is not None and width >= TILE_WIDTH):
        raise InputError(f"not a tlog-tiles path: {path!r}", field="path")
    if encode_index(index) != upper + last:
        raise InputError(f"not a canonical tile index: {path!r}", field="path")
    return level, index, width


def tiles_for_size(size: int) -> Iterator[tuple[int, int, int]]:
    """Every tile ``(level, index, width)`` of a tree of ``size``: the full ones, then each level's partial one.

    Level ``L`` has ``floor(size / 256**L)`` hashes; levels go up while there is at least one.
    """
    level = 0
    while True:
        count = size >> (TILE_HEIGHT * level)
        if count == 0:
            return
        full, partial = divmod(count, TILE_WIDTH)
        for n in range(full):
            yield level, n, TILE_WIDTH
        if partial:
            yield level, full, partial
        level += 1


_LENGTHS = [n.to_bytes(2, "big") for n in range(MAX_ENTRY_BYTES + 1)]
"""Every uint16 length prefix, made once: framing a bundle is then a lookup and one join (no copy per entry)."""


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry prefixed with its big-endian uint16 length."""
    parts: list[bytes] = [b""] * (2 * len(entries))
    try:
        parts[0::2] = [_LENGTHS[len(data)] for data in entries]
    except IndexError:
        n = max(len(data) for data in entries)
        raise InputError(f"an entry of {n} bytes does not fit a bundle (at most {MAX_ENTRY_BYTES})") from None
    parts[1::2] = entries
    return b"".join(parts)


def decode_bundle(data: bytes) -> list[bytes]:
    """The entries of a bundle; ``VerificationError`` if a length runs past the end."""
    out: list[bytes] = []
    pos = 0
    view = memoryview(data)
    while pos < len(data):
        if pos + 2 > len(data):
            raise VerificationError(f"entry bundle truncated in a length prefix at byte {pos}")
        (n,) = struct.unpack_from(">H", data, pos)
        if pos + 2 + n > len(data):
            raise VerificationError(f"entry bundle truncated: entry {len(out)} needs {n} bytes at byte {pos + 2}")
        out.append(bytes(view[pos + 2 : pos + 2 + n]))
        pos += 2 + n
    return out


def stored_tile(leaves: Sequence[bytes], hashes: Sequence[bytes]) -> tuple[bytes, bytes] | None:
    """The ``(hashes, bundle)`` a log stores for a full level-0 tile of these ``leaves`` and their leaf ``hashes``
    (``ledger_tile``), or ``None`` if an entry is too long for a bundle (such a tile is not stored). The append
    makes the rows with it, and the audit checks them against it."""
    try:
        bundle = encode_bundle(leaves)
    except InputError:
        return None
    return b"".join(hashes), bundle


def _whole(hashes: bytes, bundle: bytes) -> bool:
    """A stored tile row of the right shape: 256 hashes and a non-empty bundle (its bytes are the audit's)."""
    return len(hashes) == TILE_WIDTH * 32 and bool(bundle)


def _width_at(size: int, level: int, index: int) -> int:
    """How many hashes tile ``(level, index)`` has in a tree of ``size`` (0: none yet)."""
    return max(0, min(TILE_WIDTH, (size >> (TILE_HEIGHT * level)) - index * TILE_WIDTH))


def _check_available(source: TileSource, level: int, index: int, width: int) -> None:
    have = _width_at(source.size, level, index)
    if width > have:
        from moratorium.errors import NotFoundError

        raise NotFoundError(f"tile {tile_path(level, index, width)} is beyond the log of size {source.size}",
                            field="path")


def _stored(source: TileSource, index: int) -> tuple[bytes, bytes] | None:
    """The stored ``(hashes, bundle)`` of full level-0 tile ``index`` (``tile_rows``), if the source has it and it
    is well formed (else the caller reads the leaf rows)."""
    rows_of = getattr(source, "tile_rows", None)
    for _n, hashes, bundle in rows_of(index, index + 1) if rows_of is not None else ():
        if _whole(hashes, bundle):
            return hashes, bundle
    return None


def read_tile(source: TileSource, level: int, index: int, width: int = TILE_WIDTH) -> bytes:
    """The bytes of tile ``(level, index)`` of ``width`` hashes, read from the stored tree."""
    _check_available(source, level, index, width)
    start = index * TILE_WIDTH
    if level == 0 and width == TILE_WIDTH and (stored := _stored(source, index)) is not None:
        return stored[0]
    if level == 0:
        rows = [h for batch in source.leaf_batches(start, start + width) for _data, h in batch]
    else:
        rows = [h for _i, h in source.iter_nodes(TILE_HEIGHT * level, start, start + width)]
    if len(rows) != width:
        raise VerificationError(f"the store lacks hashes of {tile_path(level, index, width)}")
    return b"".join(rows)


def read_bundle(source: TileSource, index: int, width: int = TILE_WIDTH) -> bytes:
    """The entry bundle ``index`` of ``width`` entries, read from the stored leaves."""
    _check_available(source, 0, index, width)
    if width == TILE_WIDTH and (stored := _stored(source, index)) is not None:
        return stored[1]
    start = index * TILE_WIDTH
    return encode_bundle([data for batch in source.leaf_batches(start, start + width) for data, _h in batch])


@dataclass(frozen=True)
class ExportReport:
    """What ``export_tiles`` wrote: the checkpoint it exported and the counts (``bytes_written``: file bytes)."""

    checkpoint: Checkpoint
    tiles: int
    bundles: int
    skipped: int
    bytes_written: int


def _write(path: Path, data: bytes, *, fsync: bool = False) -> None:
    """Write ``data`` at ``path`` atomically: a temporary file beside it, then a rename (readers of a static
    server never see half a tile). One writer per directory tree, so the temporary name need not be random.
    ``fsync``: the file's bytes are on disk before the rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _present(out_dir: Path, size: int, n: int) -> bool:
    """Level-0 tile ``n`` and its bundle are full and already written (immutable: skipped)."""
    return (size - n * TILE_WIDTH >= TILE_WIDTH and (out_dir / tile_path(0, n)).exists()
            and (out_dir / entries_path(n)).exists())


def _from_leaves(source: TileSource, size: int, first: int, stop: int) -> Iterator[tuple[int, int, bytes, bytes]]:
    """``(n, width, tile, bundle)`` of level-0 tiles ``first <= n < stop`` made from one pass over their leaf rows,
    every leaf's bytes hashed and compared with its stored leaf hash."""
    n = first
    end = min(size, stop * TILE_WIDTH)
    for batch in source.leaf_batches(first * TILE_WIDTH, end):
        for offset in range(0, len(batch), TILE_WIDTH):
            rows = batch[offset : offset + TILE_WIDTH]
            start = n * TILE_WIDTH
            width = min(TILE_WIDTH, size - start)
            if len(rows) != width:
                raise VerificationError(f"the store lacks entries of [{start}, {start + width})")
            leaves, hashes = zip(*rows, strict=True)
            tile = b"".join(hashes)
            # Every leaf is checked: its bytes are hashed (RFC 9162 leaf hash) and the digests, joined, must be the
            # tile of stored hashes byte for byte (one comparison): the tile written is the leaves' own hashes.
            if b"".join([_sha256(b"\x00" + data).digest() for data in leaves]) != tile:
                bad = next(start + i for i, (d, h) in enumerate(rows) if _sha256(b"\x00" + d).digest() != h)
                raise VerificationError(f"entry {bad}: stored leaf hash does not match its bytes")
            yield n, width, tile, encode_bundle(leaves)
            n += 1
    if n != stop:
        raise VerificationError(f"the store lacks entries from {n * TILE_WIDTH} (size {size})")


def _level0(source: TileSource, size: int, first: int, stop: int, verify_leaves: bool
            ) -> Iterator[tuple[int, int, bytes, bytes]]:
    """``(n, width, tile, bundle)`` of level-0 tiles ``first <= n < stop``, in order, ``_CHUNK_TILES`` at a time.

    A full tile whose row the log stored when it completed the tile (``tile_rows``: made in the append's own
    transaction from the bytes it hashed, as Tessera integrates; checked by the audit, ``log verify``) is copied
    as stored: 310 MB of a million entries read in well under a second, where reading and re-hashing the leaf
    rows costs about two seconds of CPU, more than writing the files. Any other tile (the partial one, or a log
    written before tiles were stored) is made from its leaf rows, every leaf re-hashed. ``verify_leaves``: every
    tile is made from the leaf rows, and a stored row must equal what they give."""
    rows_of = getattr(source, "tile_rows", None)
    for lo in range(first, stop, _CHUNK_TILES):
        hi = min(stop, lo + _CHUNK_TILES)
        full = min(hi, size // TILE_WIDTH)
        stored = {n: (h, b) for n, h, b in rows_of(lo, full)} if rows_of is not None and lo < full else {}
        n = lo
        while n < hi:
            if n in stored and not verify_leaves:
                tile, bundle = stored[n]
                if not _whole(tile, bundle):
                    raise VerificationError(f"stored tile {n} is malformed ({len(tile)} bytes of hashes, "
                                            f"{len(bundle)} of entries): run `moratorium log verify`")
                yield n, TILE_WIDTH, tile, bundle
                n += 1
                continue
            m = n + 1
            while m < hi and (verify_leaves or m not in stored):
                m += 1
            for k, width, tile, bundle in _from_leaves(source, size, n, m):
                if k in stored and stored[k] != (tile, bundle):
                    raise VerificationError(f"stored tile {k} differs from its entries {k * TILE_WIDTH}.."
                                            f"{k * TILE_WIDTH + TILE_WIDTH - 1}")
                yield k, width, tile, bundle
            n = m


def _export_level0(source: TileSource, out_dir: Path, size: int, first: int, stop: int,
                   verify_leaves: bool = False) -> tuple[int, int, int]:
    """Write level-0 tiles and bundles ``first <= n < stop`` (``_level0``); full ones already present are skipped.
    Returns ``(written, skipped, bytes)``."""
    written = skipped = nbytes = 0
    for n, width, tile, bundle in _level0(source, size, first, stop, verify_leaves):
        if width == TILE_WIDTH and n > first and _present(out_dir, size, n):
            skipped += 2
            continue
        _write(out_dir / tile_path(0, n, width), tile)
        _write(out_dir / entries_path(n, width), bundle)
        written += 1
        nbytes += len(tile) + len(bundle)
    return written, skipped, nbytes


def _export_level0_worker(url: str, out_dir: str, size: int, first: int, stop: int,
                          verify_leaves: bool = False) -> tuple[int, int, int]:
    """``_export_level0`` in a worker process, over its own read-only connection to the store at ``url`` (opened
    on the worker's first chunk and kept for the next ones: the process ends with the export)."""
    store = _WORKER_STORES.get(url)
    if store is None:
        if url.startswith("sqlite:///") and "?" not in url:
            store = _SqliteLeaves(url.removeprefix("sqlite:///"))
        else:
            from moratorium.store.logstore import LogStore

            store = LogStore(url, read_only=True)
        _WORKER_STORES[url] = store
    return _export_level0(_StoreSource(store, size), Path(out_dir), size, first, stop, verify_leaves)


class _SqliteLeaves:
    """``LogStore.leaf_batches`` for a worker, over the standard library's ``sqlite3``: the same query and checks,
    without importing SQLAlchemy (0.4 s of CPU for each worker process, measured, out of a few seconds)."""

    def __init__(self, path: str) -> None:
        import sqlite3

        self._error = sqlite3.Error
        self._con = sqlite3.connect(path, check_same_thread=False)
        self._con.execute("PRAGMA busy_timeout=10000")
        self._con.execute("PRAGMA query_only=ON")
        self._con.execute("PRAGMA mmap_size=1073741824")  # as LogStore's connections (SQLITE_MMAP_BYTES)

    def leaf_batches(self, start: int, stop: int, *, batch: int = 16384) -> Iterator[list[tuple[bytes, bytes]]]:
        from moratorium.errors import StoreError

        sql = "SELECT data, leaf_hash FROM ledger_leaf WHERE seq >= ? AND seq < ? ORDER BY seq"
        try:
            pos = start
            while pos < stop:
                end = min(stop, pos + batch)
                rows: list[tuple[bytes, bytes]] = self._con.execute(sql, (pos, end)).fetchall()
                if len(rows) != end - pos:
                    raise StoreError(f"missing leaf rows in [{pos}, {end})")
                yield rows
                pos = end
        except self._error as exc:
            raise StoreError(f"read failed: {exc}") from exc

    def tile_rows(self, start: int, stop: int) -> Iterator[tuple[int, bytes, bytes]]:
        """``LogStore.tile_rows``: none from a log written before tiles were stored."""
        from moratorium.errors import StoreError

        sql = "SELECT idx, hashes, bundle FROM ledger_tile WHERE idx >= ? AND idx < ? ORDER BY idx"
        try:
            rows = self._con.execute(sql, (start, stop)).fetchall()
        except self._error as exc:
            if "no such table" in str(exc):
                return
            raise StoreError(f"read failed: {exc}") from exc
        for idx, hashes, bundle in rows:
            if type(idx) is not int or type(hashes) is not bytes or type(bundle) is not bytes:
                raise StoreError(f"corrupt tile row {idx!r}: not an integer index with binary hashes and bundle")
            yield idx, hashes, bundle

    def iter_nodes(self, level: int, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
        raise NotImplementedError("a worker reads leaves only")


_WORKER_STORES: dict[str, Any] = {}


class _StoreSource:
    """The part of ``TileSource`` a worker needs, over a bare ``LogStore``."""

    def __init__(self, store: Any, size: int) -> None:
        self._store = store
        self.size = size

    def leaf_batches(self, start: int = 0, stop: int | None = None) -> Iterator[list[tuple[bytes, bytes]]]:
        return self._store.leaf_batches(start, self.size if stop is None else stop)  # type: ignore[no-any-return]

    def iter_nodes(self, level: int, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
        return self._store.iter_nodes(level, start, stop)  # type: ignore[no-any-return]

    def tile_rows(self, start: int, stop: int) -> Iterator[tuple[int, bytes, bytes]]:
        return self._store.tile_rows(start, stop)  # type: ignore[no-any-return]


_PARALLEL_MIN_TILES = 512
"""Below this many level-0 tiles, export in this process only (a worker's start-up would cost more)."""
_CHUNK_TILES = 64
"""Level-0 tiles per unit of parallel work (16,384 leaves: one bulk read of the store)."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def export_tiles(source: TileSource, out_dir: Path, note: str, *, workers: int = 1,
                 durable: bool = True, verify_leaves: bool = False) -> ExportReport:
    """Write the tiles, entry bundles and ``checkpoint`` of the tree that ``note`` (a signed checkpoint) states.

    Full level-0 tiles and their bundles are copied from the tiles the log stored as it appended (``tile_rows``;
    the audit, ``log verify``, checks each against its entries); the others (the partial right edge, or tiles
    of a log written before tiles were stored) are made from the leaf rows, every leaf's bytes hashed and
    compared with its stored leaf hash. ``verify_leaves``: every tile is made that way, and a stored one must
    agree. Tiles above level 0 are the stored subtree hashes, and the root folded from the written tiles must
    equal the checkpoint's root, so a store that disagrees with its signed checkpoint is refused
    (``VerificationError``) rather than published. Full tiles and bundles already present in ``out_dir`` are
    immutable and skipped; partial ones are rewritten; the checkpoint is written last, so a reader never sees a
    checkpoint whose tiles are missing. With ``workers > 1`` and a store reachable by URL (``source.url``, as
    ``SqlLog`` has), ranges of level-0 tiles are exported by worker processes as well (the standard library's
    process pool): creating thousands of files is work for the kernel on every core, and re-hashing leaves is
    CPU-bound. ``durable``: the tiles are synced to disk before the checkpoint is written, and the checkpoint
    before returning. The signature on ``note`` is the caller's business (it is published as given).
    """
    cp = Checkpoint.parse(SignedNote.parse(note).text)
    if cp.size > source.size:
        raise InputError(f"the checkpoint is of size {cp.size}, beyond the log's {source.size}", field="note")
    existing = out_dir / CHECKPOINT_PATH
    if existing.exists():
        try:
            old = Checkpoint.parse(SignedNote.parse(existing.read_text()).text)
        except (VerificationError, UnicodeDecodeError, OSError) as exc:
            raise InputError(f"{existing} is not a checkpoint: {exc}", file=str(existing)) from exc
        if old.origin != cp.origin:
            raise InputError(f"{out_dir} holds the tiles of another log ({old.origin!r}, not {cp.origin!r})",
                             file=str(out_dir))
    size = cp.size
    level0 = -(-size // TILE_WIDTH)
    first = 0
    while first < level0 and _present(out_dir, size, first):
        first += 1
    url = getattr(source, "url", None)
    parts = max(1, min(workers, (level0 - first) // (_PARALLEL_MIN_TILES // 2)))
    if parts > 1 and isinstance(url, str):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Work stealing over chunks of _CHUNK_TILES tiles: this process takes them from the front, the workers
        # (queued in reverse) from the back, and a chunk goes to whoever reaches it first (cancelling a queued
        # future succeeds only if no worker has taken it). A worker's start-up (a fresh interpreter) or a busy
        # core then delays nothing: with fixed shares, the last share to finish set the time.
        starts = list(range(first, level0, _CHUNK_TILES))
        chunks = [(a, min(level0, a + _CHUNK_TILES)) for a in starts]
        with ProcessPoolExecutor(max_workers=parts - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {k: pool.submit(_export_level0_worker, url, str(out_dir), size, *chunks[k], verify_leaves)
                       for k in reversed(range(len(chunks)))}
            results = []
            try:
                for k, (a, b) in enumerate(chunks):
                    if not futures[k].cancel():
                        break
                    results.append(_export_level0(source, out_dir, size, a, b, verify_leaves))
                results += [f.result() for f in futures.values() if not f.cancelled()]
            finally:
                for f in futures.values():
                    f.cancel()
    else:
        results = [_export_level0(source, out_dir, size, first, level0, verify_leaves)]
    tiles = bundles = sum(r[0] for r in results)
    skipped = 2 * first + sum(r[1] for r in results)
    written = sum(r[2] for r in results)
    for level, n, width in tiles_for_size(size):
        if level == 0:
            continue
        tile_file = out_dir / tile_path(level, n, width)
        if width == TILE_WIDTH and tile_file.exists():
            skipped += 1
            continue
        data = read_tile(source, level, n, width)
        _write(tile_file, data)
        tiles += 1
        written += len(data)
    root = _root_from_files(out_dir, size)
    if root != cp.root:
        raise VerificationError(f"the exported tiles give root {root.hex()}, the checkpoint says {cp.root.hex()}")
    if durable:
        # The tiles reach the disk before the checkpoint that names them, so a crash never leaves a published
        # checkpoint whose tiles are lost (one sync of the file system: thousands of fsyncs cost far more).
        os.sync()
    _write(existing, note.encode(), fsync=durable)
    if durable:
        _fsync_dir(out_dir)
    written += len(note.encode())
    return ExportReport(checkpoint=cp, tiles=tiles, bundles=bundles, skipped=skipped, bytes_written=written)


def _root_from_files(out_dir: Path, size: int) -> bytes:
    from moratorium.ledger.tlog_client import DirectoryFetcher, TileReader

    return TileReader(DirectoryFetcher(out_dir), size).root_hash()
