"""The compact range that both logs extend on append."""

from __future__ import annotations

from moratorium.ledger import rfc6962
from moratorium.ledger._tree import CompactRange


def test_compact_range_matches_root_and_nodes() -> None:
    leaves = [i.to_bytes(2, "big") for i in range(70)]
    levels = rfc6962.perfect_levels([rfc6962.hash_leaf(d) for d in leaves])
    cr = CompactRange()
    seen: set[tuple[int, int]] = set()
    for i, d in enumerate(leaves):
        for level, index, h in cr.append(rfc6962.hash_leaf(d)):
            assert levels[level][index] == h
            seen.add((level, index))
        assert cr.root() == rfc6962.root_hash(leaves[: i + 1])
        reloaded = CompactRange.load(i + 1, lambda lv, ix: levels[lv][ix])
        assert reloaded.edge == cr.edge
    assert seen == {(lv, ix) for lv in range(1, len(levels)) for ix in range(len(levels[lv]))}
