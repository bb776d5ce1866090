"""A client that needs only a tlog-tiles tree (a directory or a URL prefix): proofs, entries and following.

``TileReader`` answers RFC 9162 questions about the tree of a given size from its tiles alone: a node at tree
level ``8L + h`` is hashed up from the ``L``-level tile that holds it (each tile's inner levels are computed
once and kept in a small LRU cache, so consecutive proofs in one tile cost a few slices), and the proofs are
``moratorium.ledger.rfc6962``'s own recursions over that node reader. Nothing a tile says is trusted: a proof is
verified against a signed checkpoint's root, and ``follow`` recomputes the root from the entries themselves.

``follow`` is what ``moratorium log follow`` runs: fetch the ``checkpoint``, verify its note signature with the
pinned verifier keys, check it is consistent with the last state seen (an RFC 9162 consistency proof computed
from the tiles, *and* the saved compact range extended by the new entries' leaf hashes must give the new root),
verify every new entry's author signature, and return them with the new state.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moratorium.errors import EquivocationError, InputError, VerificationError
from moratorium.ledger import rfc6962
from moratorium.ledger._merkle import entry_message, leaf_author_signature
from moratorium.ledger._tree import CompactRange
from moratorium.ledger.checkpoint import Checkpoint, SignedNote, open_checkpoint, verify_cosignature
from moratorium.ledger.entry import ENTRY_SIGNING_CONTEXT, SignedEntry
from moratorium.ledger.keys import PublicKey
from moratorium.ledger.tiles import (
    CHECKPOINT_PATH,
    TILE_HEIGHT,
    TILE_WIDTH,
    decode_bundle,
    entries_path,
    tile_path,
)

__all__ = [
    "DirectoryFetcher",
    "Fetcher",
    "FollowResult",
    "FollowState",
    "HttpFetcher",
    "TileReader",
    "fetch_checkpoint",
    "follow",
    "is_tiles_location",
    "open_fetcher",
]

_HASH = rfc6962.HASH_SIZE
_NODE_PREFIX = hashlib.sha256(b"\x01")


class Fetcher(Protocol):
    """Where tiles come from: ``get(path)`` is the resource's bytes, or None if it does not exist."""

    location: str

    def get(self, path: str) -> bytes | None: ...


class DirectoryFetcher:
    """Tiles in a local directory (what ``moratorium log export-tiles`` writes)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.location = str(root)

    def get(self, path: str) -> bytes | None:
        try:
            return (self.root / path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}", file=str(self.root / path)) from exc


class HttpFetcher:
    """Tiles under a URL prefix, fetched with ``httpx`` (the client is a parameter: a seam for tests)."""

    def __init__(self, prefix: str, *, client: Any = None, timeout_s: float = 30.0) -> None:
        import httpx

        self.location = prefix.rstrip("/")
        self._client: httpx.Client = client if client is not None else httpx.Client(timeout=timeout_s)

    def get(self, path: str) -> bytes | None:
        import httpx

        url = f"{self.location}/{path}"
        try:
            response = self._client.get(url)
        except httpx.HTTPError as exc:
            raise VerificationError(f"GET {url}: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise VerificationError(f"GET {url}: HTTP {response.status_code}")
        return bytes(response.content)

    def close(self) -> None:
        self._client.close()


def is_tiles_location(location: str) -> bool:
    """True for an ``http(s)://`` prefix or a directory holding a ``checkpoint`` (not a database)."""
    if location.startswith(("http://", "https://")):
        return True
    path = Path(location).expanduser()
    return path.is_dir() and (path / CHECKPOINT_PATH).is_file()


def open_fetcher(location: str) -> DirectoryFetcher | HttpFetcher:
    """A fetcher for a tiles URL prefix or directory; ``InputError`` for anything else."""
    if location.startswith(("http://", "https://")):
        return HttpFetcher(location)
    path = Path(location).expanduser()
    if not path.is_dir():
        raise InputError("not a tiles directory or http(s) URL", file=location)
    return DirectoryFetcher(path)


def _width_at(size: int, level: int, index: int) -> int:
    return max(0, min(TILE_WIDTH, (size >> (TILE_HEIGHT * level)) - index * TILE_WIDTH))


class TileReader:
    """The tree of ``size`` entries as served in tiles by ``fetcher``.

    ``cache_tiles`` bounds the LRU cache of hashed tiles (about 16 kB each). ``fetches`` counts tile fetches.
    """

    def __init__(self, fetcher: Fetcher, size: int, *, cache_tiles: int = 1024) -> None:
        if size < 0:
            raise InputError(f"tree size must not be negative, got {size}")
        self.fetcher = fetcher
        self.size = size
        self.fetches = 0
        self._cache: OrderedDict[tuple[int, int], list[bytes]] = OrderedDict()
        self._cache_tiles = max(1, cache_tiles)
        self._right: dict[int, bytes] = {}

    def _fetch_tile(self, level: int, index: int, width: int) -> bytes:
        self.fetches += 1
        data = self.fetcher.get(tile_path(level, index, width))
        if data is None and width < TILE_WIDTH:
            # A log may delete a partial tile once the full one exists (c2sp.org/tlog-tiles, "Partial Tiles").
            full = self.fetcher.get(tile_path(level, index))
            data = None if full is None else full[: width * _HASH]
        if data is None:
            raise VerificationError(f"{self.fetcher.location}: missing {tile_path(level, index, width)}")
        if len(data) != width * _HASH:
            raise VerificationError(f"{tile_path(level, index, width)} has {len(data)} bytes, expected "
                                    f"{width * _HASH}")
        return data

    def _rows(self, level: int, index: int) -> list[bytes]:
        """The tile's hashes by height inside it: ``rows[h]`` concatenates its tree-level ``8*level + h`` nodes."""
        key = (level, index)
        rows = self._cache.get(key)
        if rows is not None:
            self._cache.move_to_end(key)
            return rows
        width = _width_at(self.size, level, index)
        if width == 0:
            raise InputError(f"tile {level}/{index} is beyond the tree of size {self.size}")
        row = self._fetch_tile(level, index, width)
        rows = [row]
        while len(row) >= 2 * _HASH:
            # RFC 9162 interior hashes of adjacent pairs: a copied SHA-256 state already fed the 0x01 prefix,
            # and memoryview slices, cost about half of ``sha256(b"\x01" + left + right)`` per node.
            view = memoryview(row)
            out = []
            for i in range(0, len(row) - 2 * _HASH + 1, 2 * _HASH):
                h = _NODE_PREFIX.copy()
                h.update(view[i : i + 2 * _HASH])
                out.append(h.digest())
            row = b"".join(out)
            rows.append(row)
        self._cache[key] = rows
        if len(self._cache) > self._cache_tiles:
            self._cache.popitem(last=False)
        return rows

    def node(self, level: int, index: int) -> bytes:
        """Hash of the perfect subtree ``(level, index)`` (an ``rfc6962.NodeReader``)."""
        tile_level, height = divmod(level, TILE_HEIGHT)
        shift = TILE_HEIGHT - height
        pos = (index & ((1 << shift) - 1)) * _HASH
        return self._rows(tile_level, index >> shift)[height][pos : pos + _HASH]

    def _right_range(self, start: int) -> bytes:
        """``MTH(D[start:size])`` for a ``start`` on the right border (memoised: there are ``log2(size)``)."""
        got = self._right.get(start)
        if got is None:
            parts = []
            pos, count = start, self.size - start
            for level in range(count.bit_length() - 1, -1, -1):
                if count >> level & 1:
                    parts.append(self.node(level, pos >> level))
                    pos += 1 << level
            got = parts[-1]
            for left in reversed(parts[:-1]):
                got = rfc6962.hash_children(left, got)
            self._right[start] = got
        return got

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise InputError(f"leaf index {index} is outside a tree of size {self.size}")
        return self.node(0, index)

    def root_hash(self) -> bytes:
        """``MTH`` of the whole tree, RFC 9162 §2.1.1."""
        return rfc6962.root_from(self.size, self.node)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """``PATH(index, D[size])``, RFC 9162 §2.1.3.1, bottom up.

        The same hashes as ``rfc6962.inclusion_proof_from`` (tested), read directly by the decomposition the
        transparency-dev verifier uses: below ``inner = bit_length(index XOR (size - 1))`` each level gives the
        sibling of the leaf's ancestor (a perfect subtree, except the topmost one, which may be the partial
        right border), above it each set bit of ``index`` gives the perfect subtree to the left.
        """
        size = self.size
        if not 0 <= index < size:
            raise InputError(f"leaf index {index} is outside a tree of size {size}")
        inner = (index ^ (size - 1)).bit_length()
        proof = []
        for level in range(inner):
            sibling = (index >> level) ^ 1
            if (sibling + 1) << level > size:
                proof.append(self._right_range(sibling << level))
            else:
                proof.append(self.node(level, sibling))
        for level in range(inner, index.bit_length()):
            if index >> level & 1:
                proof.append(self.node(level, (index >> level) - 1))
        return proof

    def consistency_proof(self, size1: int) -> list[bytes]:
        """``PROOF(size1, D[size])``, RFC 9162 §2.1.4.1."""
        return rfc6962.consistency_proof_from(size1, self.size, self.node)

    def bundle(self, index: int) -> list[bytes]:
        """The leaf data of entry bundle ``index`` (as many entries as the tree holds there)."""
        width = _width_at(self.size, 0, index)
        if width == 0:
            raise InputError(f"entry bundle {index} is beyond the tree of size {self.size}")
        self.fetches += 1
        data = self.fetcher.get(entries_path(index, width))
        if data is None and width < TILE_WIDTH:
            data = self.fetcher.get(entries_path(index))
        if data is None:
            raise VerificationError(f"{self.fetcher.location}: missing {entries_path(index, width)}")
        leaves = decode_bundle(data)
        if len(leaves) < width:
            raise VerificationError(f"{entries_path(index, width)} holds {len(leaves)} entries, expected {width}")
        return leaves[:width]

    def leaves(self, start: int, stop: int) -> list[bytes]:
        """Leaf data of entries ``start <= seq < stop`` from the bundles, each checked against its level-0 tile
        hash (so they are as authentic as the tiles: verify a root or a proof to make them so)."""
        if not 0 <= start <= stop <= self.size:
            raise InputError(f"range [{start}, {stop}) is outside the tree of size {self.size}")
        out: list[bytes] = []
        for n in range(start // TILE_WIDTH, -(-stop // TILE_WIDTH)):
            base = n * TILE_WIDTH
            for i, data in enumerate(self.bundle(n)):
                seq = base + i
                if start <= seq < stop:
                    if rfc6962.hash_leaf(data) != self.node(0, seq):
                        raise VerificationError(f"entry {seq}: bundle bytes do not hash to the level-0 tile")
                    out.append(data)
        return out


def _verify_note(note: str, keys: Mapping[str, PublicKey]) -> tuple[Checkpoint, list[str]]:
    """The checkpoint of a note signed (Ed25519, 0x01) by a known key, and the known keys that cosigned it."""
    signed = SignedNote.parse(note)
    checkpoint: Checkpoint | None = None
    signer: str | None = None
    for sig in signed.signatures:
        key = keys.get(sig.name)
        if key is None or len(sig.value) != 64:
            continue
        try:
            checkpoint = open_checkpoint(note, key)
        except VerificationError:
            continue
        signer = sig.name
        break
    if checkpoint is None:
        names = ", ".join(s.name for s in signed.signatures)
        raise VerificationError(f"no signature on the checkpoint by a known key (signed by {names}; known: "
                                f"{', '.join(sorted(keys)) or 'none'})")
    cosigners = []
    for sig in signed.signatures:
        if sig.name != signer and sig.name in keys:
            try:
                verify_cosignature(note, keys[sig.name])
            except VerificationError:
                continue
            cosigners.append(sig.name)
    return checkpoint, sorted(set(cosigners))


def fetch_checkpoint(fetcher: Fetcher, keys: Mapping[str, PublicKey]) -> tuple[str, Checkpoint, list[str]]:
    """``(note, checkpoint, cosigners)`` of the tree's ``checkpoint``, its signature verified with ``keys``."""
    data = fetcher.get(CHECKPOINT_PATH)
    if data is None:
        raise VerificationError(f"{fetcher.location}: no checkpoint")
    try:
        note = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VerificationError(f"{fetcher.location}/checkpoint is not UTF-8") from exc
    checkpoint, cosigners = _verify_note(note, keys)
    return note, checkpoint, cosigners


@dataclass(frozen=True)
class FollowState:
    """What a follower remembers of a log: origin, size, root and the compact range (right edge) at that size."""

    origin: str
    size: int
    root: bytes
    edge: tuple[bytes, ...]
    vkeys: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        def b64(raw: bytes) -> str:
            return base64.b64encode(raw).decode()

        return {"format": "moratorium-follow/v1", "origin": self.origin, "size": self.size,
                "root": b64(self.root), "edge": [b64(h) for h in self.edge], "vkeys": list(self.vkeys)}

    @classmethod
    def from_json(cls, obj: Any, *, file: str | None = None) -> FollowState:
        try:
            if obj.get("format") != "moratorium-follow/v1":
                raise ValueError("format is not moratorium-follow/v1")
            state = cls(origin=str(obj["origin"]), size=int(obj["size"]),
                        root=base64.b64decode(obj["root"], validate=True),
                        edge=tuple(base64.b64decode(h, validate=True) for h in obj["edge"]),
                        vkeys=tuple(str(v) for v in obj.get("vkeys", [])))
            compact = CompactRange(state.size, state.edge)
        except (AttributeError, KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise InputError(f"not a follow state file: {exc}", file=file) from exc
        if compact.root() != state.root:
            raise InputError("follow state: the edge does not fold to the stored root", file=file)
        return state

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, then rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w") as handle:
            json.dump(self.to_json(), handle, indent=1)
            handle.write("\n")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> FollowState:
        try:
            obj = json.loads(path.read_text())
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from exc
        except ValueError as exc:
            raise InputError(f"not JSON: {exc}", file=str(path)) from exc
        return cls.from_json(obj, file=str(path))


@dataclass(frozen=True)
class FollowResult:
    """One ``follow`` round: the verified checkpoint, its cosigners, the new entries and the state to keep."""

    note: str
    checkpoint: Checkpoint
    cosigners: list[str]
    entries: list[tuple[int, SignedEntry]] = field(default_factory=list)
    state: FollowState | None = None


def _verify_entry_signatures(leaves: Sequence[bytes], start: int, keys: Mapping[str, PublicKey]) -> None:
    ed: dict[str, Ed25519PublicKey] = {}
    for i, data in enumerate(leaves):
        seq = start + i
        author, signature = leaf_author_signature(data)
        key = keys.get(author)
        if key is None:
            raise VerificationError(f"entry {seq}: no verifier key for author {author!r} (give --vkey)")
        pub = ed.get(author)
        if pub is None:
            pub = ed[author] = Ed25519PublicKey.from_public_bytes(key.raw)
        try:
            pub.verify(signature, ENTRY_SIGNING_CONTEXT + entry_message(data))
        except InvalidSignature:
            raise VerificationError(f"entry {seq}: bad signature: not made by {author}'s key {key.key_id}") from None


def follow(fetcher: Fetcher, keys: Mapping[str, PublicKey], state: FollowState | None = None, *,
           vkeys: Sequence[str] = ()) -> FollowResult:
    """Catch up with the tiled log at ``fetcher`` from ``state`` (None: from the empty tree).

    Raises ``VerificationError`` for a bad checkpoint signature, a bad tile or entry, and ``EquivocationError``
    if the new checkpoint is not consistent with ``state`` (a smaller size, another root at the same size, or a
    consistency proof or recomputed root that does not match). Nothing is returned unless every check passed.
    """
    note, cp, cosigners = fetch_checkpoint(fetcher, keys)
    old_size, old_root = (0, rfc6962.EMPTY_ROOT) if state is None else (state.size, state.root)
    compact = CompactRange() if state is None else CompactRange(state.size, state.edge)
    if state is not None and state.origin != cp.origin:
        raise VerificationError(f"the checkpoint is of {cp.origin!r}, the state of {state.origin!r}")
    if cp.size < old_size:
        raise EquivocationError(f"the log went back: checkpoint size {cp.size}, already seen {old_size}")
    reader = TileReader(fetcher, cp.size)
    if cp.size == old_size and cp.root != old_root:
        raise EquivocationError(f"two roots at size {cp.size}: seen {old_root.hex()}, now {cp.root.hex()}")
    if 0 < old_size < cp.size:
        try:
            rfc6962.verify_consistency(old_size, cp.size, reader.consistency_proof(old_size), old_root, cp.root)
        except VerificationError as exc:
            raise EquivocationError(f"not consistent with the size {old_size} seen before: {exc}") from exc
    leaves = reader.leaves(old_size, cp.size)
    for data in leaves:
        compact.append(rfc6962.hash_leaf(data))
    if compact.root() != cp.root:
        raise EquivocationError(f"the entries up to {cp.size} give root {compact.root().hex()}, the checkpoint "
                                f"says {cp.root.hex()}")
    _verify_entry_signatures(leaves, old_size, keys)
    entries = []
    for i, data in enumerate(leaves):
        try:
            entries.append((old_size + i, SignedEntry.from_leaf_data(data)))
        except VerificationError as exc:
            raise VerificationError(f"entry {old_size + i}: {exc}") from exc
    kept = tuple(vkeys) or (() if state is None else state.vkeys)
    new_state = FollowState(origin=cp.origin, size=cp.size, root=cp.root, edge=tuple(compact.edge), vkeys=kept)
    return FollowResult(note=note, checkpoint=cp, cosigners=cosigners, entries=entries, state=new_state)
