"""C2SP tlog-tiles: paths and partial widths as the spec's own text gives them, bundle framing, and tiles of random
logs checked against the stored subtree hashes, the RFC 9162 root and an independent reader (tlog-scales)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from moratorium.errors import EquivocationError, InputError, VerificationError
from moratorium.ledger import open_log, rfc6962
from moratorium.ledger.checkpoint import Checkpoint, cosign, make_checkpoint, parse_vkey, sign_checkpoint, vkey
from moratorium.ledger.keys import PartyKey
from moratorium.ledger.sqllog import SqlLog
from moratorium.ledger.tiles import (
    TILE_WIDTH,
    decode_bundle,
    encode_bundle,
    encode_index,
    entries_path,
    export_tiles,
    parse_tile_path,
    read_bundle,
    read_tile,
    tile_path,
    tiles_for_size,
)
from moratorium.ledger.tlog_client import DirectoryFetcher, FollowState, TileReader, follow

from .conftest import make_entry

ORIGIN = "moratorium.example/test/us"


# -- the spec's own examples (c2sp.org/tlog-tiles) ----------------------------------------------------------------

def test_index_encoding_follows_the_spec_example() -> None:
    # "index 1234067 will be encoded as x001/x234/067"
    assert encode_index(1234067) == "x001/x234/067"
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert encode_index(0) == "000"
    assert encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"
    assert tile_path(3, 5, 8) == "tile/3/005.p/8"
    assert entries_path(1234067, 8) == "tile/entries/x001/x234/067.p/8"


def test_partial_tiles_of_a_tree_of_70000_match_the_spec_example() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of width
    # 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1"
    tiles = list(tiles_for_size(70_000))
    full0 = [t for t in tiles if t[0] == 0 and t[2] == TILE_WIDTH]
    assert len(full0) == 273
    assert [t for t in tiles if t[0] == 0 and t[2] < TILE_WIDTH] == [(0, 273, 112)]
    assert [t for t in tiles if t[0] == 1] == [(1, 0, 256), (1, 1, 17)]
    assert [t for t in tiles if t[0] == 2] == [(2, 0, 1)]
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
    assert list(tiles_for_size(256)) == [(0, 0, 256), (1, 0, 1)]
    assert list(tiles_for_size(0)) == []


@pytest.mark.parametrize("path", ["tile/0/x001/x234/067", "tile/63/000.p/255", "tile/entries/x001/000.p/1",
                                  "tile/1/999"])
def test_paths_round_trip(path: str) -> None:
    level, index, width = parse_tile_path(path)
    assert (entries_path(index, width) if level is None else tile_path(level, index, width)) == path


@pytest.mark.parametrize("path", ["tile/00/000", "tile/64/000", "tile/0/000.p/0", "tile/0/000.p/256",
                                  "tile/0/000.p/012", "tile/0/x000/005", "tile/0/5", "tile/0/x1/000",
                                  "tile/0/001/002", "tile/-1/000", "tile/data/000", "checkpoint"])
def test_paths_the_spec_does_not_allow_are_refused(path: str) -> None:
    with pytest.raises(InputError):
        parse_tile_path(path)


def test_bundles_are_uint16_big_endian_framed_and_round_trip() -> None:
    entries = [b"", b"a", b"x" * 300, b"\x00\xff" * 1000]
    data = encode_bundle(entries)
    assert data[:2] == b"\x00\x00" and data[2:5] == b"\x00\x01a" and data[5:7] == b"\x01\x2c"
    assert decode_bundle(data) == entries
    with pytest.raises(VerificationError):
        decode_bundle(data[:-1])
    with pytest.raises(VerificationError):
        decode_bundle(b"\x00")
    with pytest.raises(InputError):
        encode_bundle([b"x" * 65536])


# -- tiles of random logs -----------------------------------------------------------------------------------------

def _log(tmp_path: Path, us: PartyKey, n: int, name: str = "log.sqlite") -> SqlLog:
    log = open_log(str(tmp_path / name))
    log.register_key(us.public)
    log.append_many([make_entry(us, i) for i in range(n)])
    return log


def _unsigned_log(tmp_path: Path, n: int) -> SqlLog:
    """A big log fast: the entries carry no real signature (the store's tree is what is tested)."""
    from moratorium.ledger.entry import Entry, SignedEntry

    log = open_log(str(tmp_path / "big.sqlite"), verifier=lambda _e: None)
    log.append_many([SignedEntry(Entry(author="us", kind="k", effective="2020-01-01", recorded="2020-01-01",
                                       body={"n": i}), bytes(64)) for i in range(n)])
    return log


@pytest.mark.parametrize("size", [1, 255, 256, 257, 511, 512, 1000, 65536 + 257])
def test_tiles_reproduce_every_stored_subtree_hash_and_the_rfc9162_root(tmp_path: Path, us: PartyKey,
                                                                        size: int) -> None:
    log = _unsigned_log(tmp_path, size)
    log.register_key(us.public)
    leaves = [data for _s, data, _h in log.iter_leaves()]
    note = make_checkpoint(log, us, origin=ORIGIN)
    out = tmp_path / "tiles"
    report = export_tiles(log, out, note, durable=False)
    assert report.checkpoint.size == size
    reader = TileReader(DirectoryFetcher(out), size)
    assert reader.root_hash() == rfc6962.root_hash(leaves) == log.root_hash()
    levels = rfc6962.perfect_levels([rfc6962.hash_leaf(d) for d in leaves])
    for level, row in enumerate(levels):
        for index in range(0, len(row), max(1, len(row) // 300)):
            assert reader.node(level, index) == row[index], (level, index)
    # Each tile file is exactly its stored hashes; each bundle the canonical signed entries.
    for level, n, width in tiles_for_size(size):
        assert (out / tile_path(level, n, width)).read_bytes() == read_tile(log, level, n, width)
    assert reader.leaves(0, size) == leaves
    log.close()


def test_proofs_from_tiles_equal_the_sql_proofs_for_random_indices_and_sizes(tmp_path: Path, us: PartyKey) -> None:
    rng = random.Random(12)
    log = _log(tmp_path, us, 3000)
    export_tiles(log, tmp_path / "t", make_checkpoint(log, us, origin=ORIGIN), durable=False)
    reader = TileReader(DirectoryFetcher(tmp_path / "t"), 3000, cache_tiles=2)
    for _ in range(200):
        index = rng.randrange(3000)
        proof = reader.inclusion_proof(index)
        assert proof == log.inclusion_proof(index, 3000)
        rfc6962.verify_inclusion(reader.leaf_hash(index), index, 3000, proof, log.root_hash())
        size1 = rng.randrange(1, 3001)
        assert reader.consistency_proof(size1) == log.consistency_proof(size1, 3000)
    log.close()


def test_tiles_read_by_an_independent_implementation(tmp_path: Path, us: PartyKey) -> None:
    """tlog-scales (PyPI, Florian Larysch's tlog-tiles library, used by sigmon) reads our directory: its own
    path encoding, partial-tile widths, bundle framing, RFC 9162 root, proofs and Ed25519 note verification."""
    scales_backend = pytest.importorskip("tlog_scales.backend")
    scales_reader = pytest.importorskip("tlog_scales.reader")
    scales_signing = pytest.importorskip("tlog_scales.signing")
    scales_tlog = pytest.importorskip("tlog_scales.tlog")
    size = 256 * 3 + 77
    log = _log(tmp_path, us, size)
    note = make_checkpoint(log, us, origin=ORIGIN)
    export_tiles(log, tmp_path / "t", note, durable=False)
    reader = scales_reader.TilesReader(scales_backend.LocalBackend(tmp_path / "t"))
    cp = reader.get_checkpoint()
    assert (cp.origin, cp.size, cp.root_hash) == (ORIGIN, size, log.root_hash())
    assert reader.calculate_root_hash() == log.root_hash()
    cp.verify(scales_signing.Vkey.from_string(vkey(us.party, us.public.raw)))
    for index in (0, 255, 256, size - 1, 400):
        assert reader.get_entry(index) == log.iter_leaves(index, index + 1).__next__()[1]
        assert reader.get_inclusion_proof(index, size).node_hashes == log.inclusion_proof(index, size)
        reader.get_inclusion_proof(index, size).check(rfc6962.hash_leaf(reader.get_entry(index)), cp.root_hash)
    proof = scales_tlog.ConsistencyProof(300, size, log.consistency_proof(300, size))
    proof.check(log.root_hash(300), cp.root_hash)
    log.close()


def test_cosignature_verified_by_an_independent_implementation(tmp_path: Path, us: PartyKey, ru: PartyKey) -> None:
    scales_signing = pytest.importorskip("tlog_scales.signing")
    scales_tlog = pytest.importorskip("tlog_scales.tlog")
    log = _log(tmp_path, us, 10)
    log.register_key(ru.public)
    note = make_checkpoint(log, us, origin=ORIGIN)
    cosigned = cosign(log, note, ru, operator="us", timestamp=1_700_000_000)
    cp = scales_tlog.Checkpoint.from_text(cosigned)
    witness = scales_signing.Vkey.from_string(vkey(ru.party, ru.public.raw, cosigner=True))
    assert [v.name for v, _s in scales_signing.VkeySet(witness).verify(cp.signatures, cp)] == ["ru"]
    log.close()


def test_vkey_round_trips_and_refuses_a_wrong_key_id(us: PartyKey) -> None:
    text = vkey(us.party, us.public.raw)
    key, cosigner = parse_vkey(text)
    assert key == us.public and not cosigner
    assert parse_vkey(vkey(us.party, us.public.raw, cosigner=True)) == (us.public, True)
    name, key_id, b64 = text.split("+")
    with pytest.raises(InputError, match="key id"):
        parse_vkey(f"{name}+{'0' * 8 if key_id != '0' * 8 else '1' * 8}+{b64}")
    for bad in ("", "us", "us+zz+AAAA", "us+00000000+AAAA"):
        with pytest.raises(InputError):
            parse_vkey(bad)
    with pytest.raises(InputError):
        vkey("a b", us.public.raw)


def test_export_is_incremental_and_refuses_another_log(tmp_path: Path, us: PartyKey, ru: PartyKey) -> None:
    log = _log(tmp_path, us, 600)
    out = tmp_path / "t"
    first = export_tiles(log, out, make_checkpoint(log, us, origin=ORIGIN), durable=False)
    log.append_many([make_entry(us, 1000 + i) for i in range(300)])
    second = export_tiles(log, out, make_checkpoint(log, us, origin=ORIGIN), durable=False)
    assert second.skipped == 4  # the two full level-0 tiles and their bundles
    assert first.checkpoint.size == 600 and second.checkpoint.size == 900
    assert TileReader(DirectoryFetcher(out), 900).root_hash() == log.root_hash()
    other = open_log(str(tmp_path / "other.sqlite"))
    other.register_key(ru.public)
    other.append(make_entry(ru, 1))
    with pytest.raises(InputError, match="another log"):
        export_tiles(other, out, make_checkpoint(other, ru, origin="moratorium.example/test/ru"), durable=False)
    log.close()
    other.close()


def test_parallel_export_writes_the_same_files(tmp_path: Path, us: PartyKey, monkeypatch: pytest.MonkeyPatch) -> None:
    import moratorium.ledger.tiles as tiles_module

    log = _log(tmp_path, us, 256 * 9 + 5)
    note = make_checkpoint(log, us, origin=ORIGIN)
    export_tiles(log, tmp_path / "one", note, durable=False)
    monkeypatch.setattr(tiles_module, "_PARALLEL_MIN_TILES", 4)
    monkeypatch.setattr(tiles_module, "_CHUNK_TILES", 1)  # ten chunks, shared by this process and the workers
    report = export_tiles(log, tmp_path / "two", note, workers=3, durable=False)
    assert report.tiles == 11 and report.bundles == 10 and report.skipped == 0

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(tmp_path / "one") == files(tmp_path / "two")
    log.close()


def _tamper(db: Path, sql: str, *args: object) -> None:
    """Change a closed log's database behind its back (one statement, committed)."""
    import sqlite3

    con = sqlite3.connect(db)
    con.execute(sql, args)
    con.commit()
    con.close()


def test_export_refuses_a_corrupt_leaf_instead_of_publishing_it(tmp_path: Path, us: PartyKey) -> None:

    log = _log(tmp_path, us, 20)
    note = make_checkpoint(log, us, origin=ORIGIN)
    log.close()
    _tamper(tmp_path / "log.sqlite", "UPDATE ledger_leaf SET data = CAST(? AS BLOB) WHERE seq = 7", b"{}")
    log = open_log(str(tmp_path / "log.sqlite"))
    with pytest.raises(VerificationError, match="entry 7"):
        export_tiles(log, tmp_path / "t", note, durable=False)
    assert not (tmp_path / "t" / "checkpoint").exists()
    log.close()


def test_parallel_export_refuses_a_corrupt_leaf_in_any_chunk(tmp_path: Path, us: PartyKey,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A leaf row changed after its tile was stored: the default export copies the stored tile (the entries as
    appended, which the signed checkpoint covers) and ``log verify`` names the entry; ``verify_leaves`` refuses
    to export at all, whichever process meets it."""

    import moratorium.ledger.tiles as tiles_module
    from moratorium.ledger.audit import verify_log

    log = _log(tmp_path, us, 256 * 6)
    note = make_checkpoint(log, us, origin=ORIGIN)
    original = log.entries(256 * 5 + 3, 256 * 5 + 4)[0].leaf_data()
    log.close()
    _tamper(tmp_path / "log.sqlite", "UPDATE ledger_leaf SET data = CAST(? AS BLOB) WHERE seq = ?", b"{}", 256 * 5 + 3)
    monkeypatch.setattr(tiles_module, "_PARALLEL_MIN_TILES", 2)
    monkeypatch.setattr(tiles_module, "_CHUNK_TILES", 1)
    log = open_log(str(tmp_path / "log.sqlite"))
    with pytest.raises(VerificationError, match=f"entry {256 * 5 + 3}"):
        export_tiles(log, tmp_path / "t", note, workers=2, durable=False, verify_leaves=True)
    assert not (tmp_path / "t" / "checkpoint").exists()
    export_tiles(log, tmp_path / "copied", note, workers=2, durable=False)
    assert decode_bundle((tmp_path / "copied" / entries_path(5)).read_bytes())[3] == original
    assert len(follow(DirectoryFetcher(tmp_path / "copied"), {"us": us.public}).entries) == 256 * 6
    with pytest.raises(VerificationError, match=f"entry {256 * 5 + 3}: stored leaf hash"):
        verify_log(str(tmp_path / "log.sqlite"))
    log.close()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("seed", range(6))
def test_tiles_stored_as_the_log_appends_are_the_tiles_of_its_leaves(tmp_path: Path, us: PartyKey,
                                                                     seed: int) -> None:
    """Whatever the append batches (single entries, batches ending inside a tile, batches spanning several),
    each full level-0 tile is stored once, equal to the tile and bundle made from its leaf rows, and an export
    that copies them writes byte for byte the files of one that makes every tile from the leaves."""

    rng = random.Random(seed)
    log = open_log(str(tmp_path / "log.sqlite"), verifier=lambda _e: None)
    from moratorium.ledger.entry import Entry, SignedEntry

    n = 0
    while n < 256 * 5 + 40:
        k = rng.choice([1, 1, 2, 17, 255, 256, 257, 300, 600])
        log.append_many([SignedEntry(Entry(author="us", kind="k", effective="2020-01-01", recorded="2020-01-01",
                                           body={"n": n + i, "pad": "x" * rng.randrange(80)}), bytes(64))
                         for i in range(k)])
        n += k
    log.register_key(us.public)
    stored = list(log.tile_rows(0, 10**6))
    assert [k for k, _h, _b in stored] == list(range(n // 256))
    leaves = [(d, h) for batch in log.leaf_batches() for d, h in batch]
    for k, hashes, bundle in stored:
        part = leaves[k * 256 : (k + 1) * 256]
        assert hashes == b"".join(h for _d, h in part) == read_tile(log, 0, k)
        assert decode_bundle(bundle) == [d for d, _h in part]
        assert read_bundle(log, k, 100) == encode_bundle([d for d, _h in part[:100]])  # a smaller tree's view
    note = make_checkpoint(log, us, origin=ORIGIN)
    export_tiles(log, tmp_path / "copied", note, durable=False)
    export_tiles(log, tmp_path / "verified", note, durable=False, verify_leaves=True)
    log.close()
    _tamper(tmp_path / "log.sqlite", "DROP TABLE ledger_tile")  # a log written before tiles were stored
    older = SqlLog(str(tmp_path / "log.sqlite"), read_only=True)
    assert list(older.tile_rows(0, 10**6)) == []
    export_tiles(older, tmp_path / "from-leaves", note, durable=False)
    older.close()
    assert _files(tmp_path / "copied") == _files(tmp_path / "verified") == _files(tmp_path / "from-leaves")


def test_audit_and_a_verifying_export_refuse_a_stored_tile_that_differs_from_its_entries(
        tmp_path: Path, us: PartyKey) -> None:
    import sqlite3

    from moratorium.ledger.audit import verify_log

    db = tmp_path / "log.sqlite"
    log = _log(tmp_path, us, 256 * 3 + 9)
    note = make_checkpoint(log, us, origin=ORIGIN)
    log.close()
    verify_log(str(db))
    con = sqlite3.connect(db)
    (hashes, bundle), = con.execute("SELECT hashes, bundle FROM ledger_tile WHERE idx = 1").fetchall()
    cases = [("UPDATE ledger_tile SET bundle = ? WHERE idx = 1", (bundle[:-1] + b"!",),
              "entry 256: stored tile 1 .* entry bundle"),
             ("UPDATE ledger_tile SET hashes = ? WHERE idx = 1", (bytes(32) + hashes[32:],),
              r"stored tile 1 \(entries 256..511\) does not match them: leaf hashes"),
             ("INSERT INTO ledger_tile VALUES (3, ?, ?)", (hashes, bundle), "claims entries beyond the log's 777")]
    for sql, args, message in cases:
        con.execute(sql, args)
        con.commit()
        with pytest.raises(VerificationError, match=message):
            verify_log(str(db), workers=2 if "beyond" in message else 1)
        if "beyond" not in message:
            log = open_log(str(db))
            with pytest.raises(VerificationError, match=r"stored tile 1 differs from its entries 256\.\.511"):
                export_tiles(log, tmp_path / "t", note, durable=False, verify_leaves=True)
            log.close()
        con.execute("UPDATE ledger_tile SET hashes = ?, bundle = ? WHERE idx = 1", (hashes, bundle))
        con.execute("DELETE FROM ledger_tile WHERE idx = 3")
        con.commit()
    verify_log(str(db))
    con.close()


def test_a_malformed_stored_tile_stops_the_export_and_the_node_serves_the_leaves_instead(
        tmp_path: Path, us: PartyKey) -> None:

    log = _log(tmp_path, us, 256 * 2 + 3)
    note = make_checkpoint(log, us, origin=ORIGIN)
    good_tile, good_bundle = read_tile(log, 0, 1), read_bundle(log, 1)
    log.close()
    _tamper(tmp_path / "log.sqlite", "UPDATE ledger_tile SET hashes = ? WHERE idx = 1", b"short")
    log = open_log(str(tmp_path / "log.sqlite"))
    with pytest.raises(VerificationError, match=r"stored tile 1 is malformed .* run `moratorium log verify`"):
        export_tiles(log, tmp_path / "t", note, durable=False)
    assert not (tmp_path / "t" / "checkpoint").exists()
    assert read_tile(log, 0, 1) == good_tile and read_bundle(log, 1) == good_bundle  # made from the leaf rows
    log.close()


def test_an_entry_too_long_for_a_bundle_is_appended_but_not_exported(tmp_path: Path, us: PartyKey) -> None:
    from moratorium.ledger.entry import Entry, SignedEntry

    log = open_log(str(tmp_path / "log.sqlite"), verifier=lambda _e: None)
    log.register_key(us.public)
    big = SignedEntry(Entry(author="us", kind="k", effective="2020-01-01", recorded="2020-01-01",
                            body={"text": "x" * 70_000}), bytes(64))
    log.append_many([make_entry(us, i) for i in range(10)] + [big] + [make_entry(us, i) for i in range(10, 300)])
    assert [k for k, _h, _b in log.tile_rows(0, 10)] == []  # tile 0 holds the long entry: not stored
    with pytest.raises(InputError, match="does not fit a bundle"):
        export_tiles(log, tmp_path / "t", make_checkpoint(log, us, origin=ORIGIN), durable=False)
    log.close()


# -- follow --------------------------------------------------------------------------------------------------------

def test_follow_verifies_everything_and_catches_a_rewritten_history(tmp_path: Path, us: PartyKey) -> None:
    log = _log(tmp_path, us, 300)
    out = tmp_path / "t"
    export_tiles(log, out, make_checkpoint(log, us, origin=ORIGIN), durable=False)
    keys = {"us": us.public}
    first = follow(DirectoryFetcher(out), keys)
    assert [seq for seq, _e in first.entries] == list(range(300))
    assert first.state is not None
    state = FollowState.from_json(first.state.to_json())
    log.append_many([make_entry(us, 5000 + i) for i in range(50)])
    export_tiles(log, out, make_checkpoint(log, us, origin=ORIGIN), durable=False)
    second = follow(DirectoryFetcher(out), keys, state)
    assert [seq for seq, _e in second.entries] == list(range(300, 350))
    assert second.state is not None and second.state.root == log.root_hash()
    # Another history of the same origin (same signer) is not consistent with what was seen.
    fork = _log(tmp_path, us, 310, name="fork.sqlite")
    forked = tmp_path / "fork"
    export_tiles(fork, forked, make_checkpoint(fork, us, origin=ORIGIN), durable=False)
    with pytest.raises(EquivocationError):
        follow(DirectoryFetcher(forked), keys, second.state)
    # A tampered entry bundle is caught.
    bundle = out / entries_path(1, 94)
    data = bytearray(bundle.read_bytes())
    data[10] ^= 1
    bundle.write_bytes(bytes(data))
    with pytest.raises(VerificationError):
        follow(DirectoryFetcher(out), keys)
    # An unknown signer is refused.
    with pytest.raises(VerificationError, match="known key"):
        follow(DirectoryFetcher(forked), {"ru": PartyKey.derive("ru", "x").public})
    log.close()
    fork.close()


def test_checkpoint_signed_by_the_wrong_key_is_refused(tmp_path: Path, us: PartyKey) -> None:
    log = _log(tmp_path, us, 5)
    forged = sign_checkpoint(Checkpoint(ORIGIN, 5, log.root_hash()), PartyKey.derive("us", "impostor"))
    export_tiles(log, tmp_path / "t", forged, durable=False)
    with pytest.raises(VerificationError):
        follow(DirectoryFetcher(tmp_path / "t"), {"us": us.public})
    log.close()


class _DictFetcher:
    """Tiles of a random tree built straight from the spec's formula (no moratorium code but RFC 9162 hashing)."""

    location = "memory"

    def __init__(self, leaves: list[bytes]) -> None:
        self.files: dict[str, bytes] = {}
        size = len(leaves)
        for level, n, width in tiles_for_size(size):
            span = TILE_WIDTH**level
            self.files[tile_path(level, n, width)] = b"".join(
                rfc6962.root_hash(leaves[(n * TILE_WIDTH + i) * span : (n * TILE_WIDTH + i + 1) * span])
                for i in range(width))

    def get(self, path: str) -> bytes | None:
        return self.files.get(path)


@pytest.mark.parametrize("size", [*range(1, 40), 255, 256, 257, 300, 511, 513])
def test_every_inclusion_and_consistency_proof_from_tiles_is_rfc9162s(size: int) -> None:
    rng = random.Random(size)
    leaves = [rng.randbytes(rng.randrange(1, 40)) for _ in range(size)]
    reader = TileReader(_DictFetcher(leaves), size, cache_tiles=3)
    root = rfc6962.root_hash(leaves)
    assert reader.root_hash() == root
    for index in range(size) if size < 300 else rng.sample(range(size), 60):
        proof = reader.inclusion_proof(index)
        assert proof == rfc6962.inclusion_proof(leaves, index), index
        rfc6962.verify_inclusion(rfc6962.hash_leaf(leaves[index]), index, size, proof, root)
    for size1 in range(1, size + 1) if size < 300 else rng.sample(range(1, size + 1), 30):
        assert reader.consistency_proof(size1) == rfc6962.consistency_proof(leaves, size1), size1


def test_tiles_export_from_each_sql_backend_reproduces_the_root(log: object, us: PartyKey, tmp_path: Path) -> None:
    """The bulk leaf reads go through the DBAPI cursor (paramstyle per dialect): SQLite and PostgreSQL alike."""
    if not isinstance(log, SqlLog):
        pytest.skip("tiles are exported from a SQL log")
    log.append_many([make_entry(us, i) for i in range(600)])
    note = make_checkpoint(log, us, origin=ORIGIN)
    export_tiles(log, tmp_path / "t", note, durable=False)
    result = follow(DirectoryFetcher(tmp_path / "t"), {"us": us.public})
    assert len(result.entries) == 600 and result.checkpoint.root == log.root_hash()
