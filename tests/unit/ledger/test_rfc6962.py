"""RFC 9162 hashing and proofs against the transparency-dev/merkle vectors and a naive reference."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moratorium.errors import InputError, VerificationError
from moratorium.ledger import rfc6962

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "merkle"

# The RFC 6962 reference leaves the vectors' happy paths are built on.
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
)]


def _load(kind: str) -> list[tuple[str, dict[str, Any]]]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"no vectors under {VECTORS / kind}"
    return [(str(f.relative_to(VECTORS)), json.loads(f.read_text())) for f in files]


def _b(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(value: list[str] | None) -> list[bytes]:
    return [_b(p) for p in value or []]


@pytest.mark.parametrize(("name", "vec"), _load("inclusion"), ids=lambda x: x if isinstance(x, str) else "")
def test_inclusion_vector(name: str, vec: dict[str, Any]) -> None:
    args = (_b(vec["leafHash"]), vec["leafIdx"], vec["treeSize"], _proof(vec["proof"]), _b(vec["root"]))
    if vec["wantErr"]:
        with pytest.raises(VerificationError):
            rfc6962.verify_inclusion(*args)
    else:
        rfc6962.verify_inclusion(*args)


@pytest.mark.parametrize(("name", "vec"), _load("consistency"), ids=lambda x: x if isinstance(x, str) else "")
def test_consistency_vector(name: str, vec: dict[str, Any]) -> None:
    args = (vec["size1"], vec["size2"], _proof(vec["proof"]), _b(vec["root1"]), _b(vec["root2"]))
    if vec["wantErr"]:
        with pytest.raises(VerificationError):
            rfc6962.verify_consistency(*args)
    else:
        rfc6962.verify_consistency(*args)


def test_vector_counts() -> None:
    # Pins that the copied set is complete: 12 happy paths and the rest mutations.
    vecs = _load("inclusion") + _load("consistency")
    assert len(vecs) == 187
    assert sum(not v["wantErr"] for _, v in vecs) == 12


def _happy(kind: str) -> list[dict[str, Any]]:
    return [v for n, v in _load(kind) if not v["wantErr"] and "/happy-path" in "/" + n.split("/", 1)[1]]


@pytest.mark.parametrize("vec", _happy("inclusion"))
def test_generated_inclusion_proof_equals_vector(vec: dict[str, Any]) -> None:
    leaves = LEAVES[: vec["treeSize"]]
    assert rfc6962.hash_leaf(leaves[vec["leafIdx"]]) == _b(vec["leafHash"])
    assert rfc6962.root_hash(leaves) == _b(vec["root"])
    assert rfc6962.inclusion_proof(leaves, vec["leafIdx"]) == _proof(vec["proof"])


@pytest.mark.parametrize("vec", _happy("consistency"))
def test_generated_consistency_proof_equals_vector(vec: dict[str, Any]) -> None:
    leaves = LEAVES[: vec["size2"]]
    assert rfc6962.root_hash(leaves[: vec["size1"]]) == _b(vec["root1"])
    assert rfc6962.root_hash(leaves) == _b(vec["root2"])
    assert rfc6962.consistency_proof(leaves, vec["size1"]) == _proof(vec["proof"])


def test_known_roots() -> None:
    assert rfc6962.root_hash([]) == hashlib.sha256(b"").digest()
    root8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    root3 = "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"
    assert rfc6962.root_hash(LEAVES).hex() == root8
    assert rfc6962.root_hash(LEAVES[:3]).hex() == root3


def _naive_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 9162 §2.1.1, as an independent reference."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _naive_root(leaves[:k]) + _naive_root(leaves[k:])).digest()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40), st.data())
def test_proofs_round_trip(leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    root = rfc6962.root_hash(leaves)
    assert root == _naive_root(leaves)
    index = data.draw(st.integers(0, n - 1))
    proof = rfc6962.inclusion_proof(leaves, index)
    rfc6962.verify_inclusion(rfc6962.hash_leaf(leaves[index]), index, n, proof, root)
    with pytest.raises(VerificationError):
        rfc6962.verify_inclusion(rfc6962.hash_leaf(leaves[index] + b"x"), index, n, proof, root)
    size1 = data.draw(st.integers(1, n))
    cproof = rfc6962.consistency_proof(leaves, size1)
    root1 = _naive_root(leaves[:size1])
    rfc6962.verify_consistency(size1, n, cproof, root1, root)
    if size1 < n:
        with pytest.raises(VerificationError):
            rfc6962.verify_consistency(size1, n, cproof, root, root1)


def test_node_reads_are_logarithmic() -> None:
    import math

    leaves = [i.to_bytes(4, "big") for i in range(1000)]
    levels = rfc6962.perfect_levels([rfc6962.hash_leaf(d) for d in leaves])
    reads = 0

    def node(level: int, index: int) -> bytes:
        nonlocal reads
        reads += 1
        return levels[level][index]

    for size in (2, 3, 7, 8, 9, 100, 513, 999, 1000):
        bound = 2 * math.log2(size)
        for index in range(0, size, max(1, size // 37)):
            reads = 0
            rfc6962.inclusion_proof_from(index, size, node)
            assert reads <= bound, (index, size, reads)
        for size1 in range(1, size, max(1, size // 37)):
            reads = 0
            rfc6962.consistency_proof_from(size1, size, node)
            assert reads <= bound, (size1, size, reads)


def test_wrong_length_and_bad_arguments() -> None:
    with pytest.raises(VerificationError, match="leaf hash has 31 bytes"):
        rfc6962.verify_inclusion(b"\x00" * 31, 0, 1, [], b"\x00" * 32)
    with pytest.raises(VerificationError, match=r"expected .* calculated"):
        rfc6962.verify_inclusion(b"\x00" * 32, 0, 1, [], b"\x01" * 32)
    with pytest.raises(InputError):
        rfc6962.inclusion_proof(LEAVES, 8)
    with pytest.raises(InputError):
        rfc6962.consistency_proof(LEAVES, 0)
