"""The regime view a node shows: a deterministic merge of every party's log, replayed into verdicts.

Each party's log holds only that party's entries. The merged sequence orders all of them by

    (entry.effective, entry.recorded, entry.author, seq in the author's log)

with ``effective`` and ``recorded`` compared as instants (``moratorium.dates.sort_key``: a date's first UTC
instant, coarser first, then the text), the author as a string and seq as an integer. Every node holding the
same log prefixes computes the same sequence, so the same regime state and verdicts (DESIGN.md, "Same log,
same verdict"). ``effective`` comes first because replay requires non-decreasing dates
(``moratorium.regime.state``); within one author the log order is kept.

Merged positions are internal: evidence is reported as references ``{"party", "seq"}`` into the authors' own
logs, which is what inclusion proofs are about. An entry that replay refuses (an author who may not make it,
an unknown site, a date it cannot place, any failure at all: ``Replayer.apply`` raises only ``InputError``) is
kept in the view as ``rejected`` with the reason and skipped; it cannot change a verdict or break the view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from moratorium import dates
from moratorium.catalog import Catalog
from moratorium.errors import InputError
from moratorium.ledger.entry import SignedEntry
from moratorium.regime.compliance import default_reach, evaluate
from moratorium.regime.state import RegimeState, Replayer
from moratorium.regime.verdict import Verdict
from moratorium.treaty import Treaty

__all__ = ["MERGE_ORDER", "EntryRef", "RegimeView", "ViewEntry", "build_view", "merge_key"]

MERGE_ORDER = "(effective, recorded, author, seq)"


@dataclass(frozen=True)
class EntryRef:
    """An entry by its author's log and its sequence number there."""

    party: str
    seq: int

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party, "seq": self.seq}


@dataclass(frozen=True)
class ViewEntry:
    """One entry in merged order: where it lives, the entry, and whether replay applied it."""

    ref: EntryRef
    signed: SignedEntry
    applied_as: int | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        e = self.signed.entry
        return {**self.ref.to_json(), "kind": e.kind, "effective": e.effective, "recorded": e.recorded,
                "title": e.body.get("title"), "status": "applied" if self.error is None else "rejected",
                "error": self.error}


@dataclass(frozen=True)
class RegimeView:
    """The merged entries, the regime state after them and the verdicts, with evidence as ``EntryRef``s."""

    sizes: Mapping[str, int]
    entries: tuple[ViewEntry, ...]
    state: RegimeState
    verdicts: tuple[Verdict, ...]
    refs: tuple[EntryRef, ...]
    """Replay position -> the entry reference (replay numbers only applied entries)."""

    def ref(self, position: int) -> EntryRef:
        return self.refs[position]

    def verdict_json(self, v: Verdict) -> dict[str, Any]:
        out = v.to_json()
        out["evidence"] = [self._evidence(i) for i in v.evidence]
        return out

    def _evidence(self, position: int) -> dict[str, Any]:
        ref = self.refs[position]
        record = self.state.records[position]
        return {**ref.to_json(), "kind": record.kind, "effective": record.effective, "summary": record.summary}


def merge_key(ref: EntryRef, signed: SignedEntry) -> tuple[object, ...]:
    """The sort key of the merged sequence (see the module docstring)."""
    e = signed.entry
    return (dates.sort_key(e.effective), dates.sort_key(e.recorded), e.author, ref.seq)


def build_view(treaty: Treaty, logs: Mapping[str, Sequence[SignedEntry]], *,
               catalog: Catalog | None = None) -> RegimeView:
    """Merge ``logs`` (party -> that party's entries in log order) and replay them into verdicts."""
    items = [(EntryRef(party, seq), signed) for party, entries in logs.items() for seq, signed in enumerate(entries)]
    items.sort(key=lambda it: merge_key(*it))
    rejected: dict[EntryRef, str] = {}
    while True:
        replayer = Replayer(treaty, catalog)
        refs: list[EntryRef] = []
        failed = None
        for ref, signed in items:
            if ref in rejected:
                continue
            try:
                replayer.apply(len(refs), signed)
            except InputError as exc:
                failed = (ref, exc.message if exc.field is None else f"{exc.field}: {exc.message}")
                break
            refs.append(ref)
        if failed is None:
            break
        # The failed apply may have changed the state half-way: replay again without the entry.
        rejected[failed[0]] = failed[1]
    positions = {ref: i for i, ref in enumerate(refs)}
    entries = tuple(ViewEntry(ref, signed, positions.get(ref), rejected.get(ref)) for ref, signed in items)
    verdicts = evaluate(treaty, replayer.state, catalog=replayer.catalog, reach=default_reach(treaty))
    return RegimeView(sizes={p: len(es) for p, es in logs.items()}, entries=entries, state=replayer.state,
                      verdicts=tuple(verdicts), refs=tuple(refs))
