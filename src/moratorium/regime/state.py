"""Regime state: what a log prefix establishes, built only by replaying entries in log order (a fold).

``replay(treaty, entries)`` validates every body, checks that its author may make it, keeps dates in order, and
returns the ``RegimeState``. ``Replayer`` does the same one entry at a time (the compliance timeline uses it).
No wall clock: "now" is the latest ``effective`` date in the prefix.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from moratorium import dates
from moratorium.catalog import Catalog, load_catalog
from moratorium.errors import InputError, NotFoundError
from moratorium.ledger.entry import SignedEntry
from moratorium.regime import kinds
from moratorium.regime.claims import CLAIM_KINDS, ClaimRecord, apply_claim_entry
from moratorium.regime.holding import Holding
from moratorium.regime.inspections import KINDS as INSPECTION_KINDS
from moratorium.regime.inspections import InspectionRecord, apply_inspection_entry
from moratorium.treaty import Treaty
from moratorium.treaty.zones import Place

__all__ = ["Holding", "RegimeState", "Replayer", "TreatyMismatchError", "replay"]

TreatyMismatchError = kinds.TreatyMismatchError


@dataclass(frozen=True)
class Record:
    seq: int
    effective: str
    party: str
    kind: str
    summary: str


@dataclass
class RegimeState:
    treaty: Treaty
    now: str = ""
    size: int = 0
    adopted: dict[str, int] = field(default_factory=dict)
    withdrawn: dict[str, int] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    declarations: list[tuple[int, str, str, dict[str, int]]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    conforming: dict[str, int] = field(default_factory=dict)
    """site id -> seq of the latest conforming inspection finding there (supersedes earlier allegations)."""
    inspections: dict[str, InspectionRecord] = field(default_factory=dict)
    denied: list[tuple[int, str, Place]] = field(default_factory=list)
    """(seq, host, place) of every access-denied finding."""
    extra: dict[str, list[tuple[int, object]]] = field(default_factory=dict)
    """Per-kind lists for the inspection and escrow packages to read (kind -> [(seq, parsed body)])."""
    claims: dict[str, ClaimRecord] = field(default_factory=dict)
    """Claims in force (``SUBJECT/ID`` -> the claim and who signed it): the only claims verdicts count."""
    launches: list[Holding] = field(default_factory=list)
    """Every notified launch (``source_kind`` ``test-launch``, ``combat-launch``, ...): flight-test bans count them."""
    ever: list[Holding] = field(default_factory=list)
    """Every holding any entry ever reported, withdrawals notwithstanding (a one-way trigger reads it)."""


class Replayer:
    """Fold entries into a ``RegimeState`` one at a time."""

    def __init__(self, treaty: Treaty, catalog: Catalog | None = None) -> None:
        self.treaty = treaty
        self.catalog = catalog or load_catalog()
        self.state = RegimeState(treaty=treaty)
        self._parties = {p.id for p in treaty.parties}
        self.leaves: list[bytes] = []
        """Leaf data of the entries applied so far (inspections bind the log's RFC 9162 root into draws)."""

    def place(self, ref: kinds.SiteRef, *, seq: int) -> Place:
        if isinstance(ref, str):
            try:
                site = self.catalog.site(ref)
            except NotFoundError as exc:
                raise NotFoundError(exc.message, seq=seq, field="body.site") from None
            return Place(country=site.country, lat=site.lat, lon=site.lon, subject=site.subject, site=site.id,
                         name=site.name)
        return Place(country=ref.country, lat=ref.lat, lon=ref.lon, subject=ref.subject, name=ref.name)

    def _items(self, items: Iterable[kinds.ItemModel], *, seq: int) -> None:
        for i, item in enumerate(items):
            if item.system is None and item.launcher is None:
                raise InputError("an item needs a system or a launcher", seq=seq, field=f"body.items[{i}]")
            if item.system is not None and item.system not in self.catalog.systems:
                raise NotFoundError(f"unknown system {item.system!r}", seq=seq, field=f"body.items[{i}].system")
            if item.launcher is not None and item.launcher not in self.catalog.launchers:
                raise NotFoundError(f"unknown launcher {item.launcher!r}", seq=seq,
                                    field=f"body.items[{i}].launcher")

    def apply(self, seq: int, signed: SignedEntry) -> RegimeState:
        """Fold entry ``seq``; any failure of the entry is an ``InputError`` naming it (never another exception).

        A refused entry may have changed the state half-way: callers that go on skip it and replay again.
        """
        try:
            return self._apply(seq, signed)
        except InputError:
            raise
        except Exception as exc:  # one bad entry is a refusal of that entry, never of the view
            raise InputError(f"cannot be applied: {type(exc).__name__}: {exc}", seq=seq) from exc

    def _apply(self, seq: int, signed: SignedEntry) -> RegimeState:
        entry = signed.entry
        st = self.state
        if seq != st.size:
            raise InputError(f"entries must be replayed in order: expected seq {st.size}, got {seq}", seq=seq)
        if st.now and dates.earlier(dates.parse(entry.effective, seq=seq, field="effective"), st.now):
            raise InputError(f"date out of order: {entry.effective} is before the previous entry's {st.now}",
                             seq=seq, field="effective")
        body = kinds.parse_body(entry.kind, entry.body, seq=seq)
        kinds.authorize(entry.author, entry.kind, body, parties=self._parties, treaty_id=self.treaty.id, seq=seq,
                        treaty_sha256=self.treaty.sha256)
        author, eff = entry.author, entry.effective
        summary = entry.kind
        holdings_before = len(st.holdings)
        if isinstance(body, kinds.TreatyRef):
            if entry.kind == "treaty-adoption":
                st.adopted[author] = seq
                st.withdrawn.pop(author, None)
            else:
                st.withdrawn[author] = seq
            summary = body.statement or entry.kind
        elif isinstance(body, kinds.Deployment):
            self._items(body.items, seq=seq)
            place = self.place(body.site, seq=seq)
            for item in body.items:
                st.holdings.append(Holding(seq=seq, effective=eff, party=author, place=place, system=item.system,
                                           launcher=item.launcher, count=item.count, established=True,
                                           source_kind="deployment", operator=body.operator))
            summary = f"deployment at {place.name}"
        elif isinstance(body, kinds.Withdrawal):
            place = self.place(body.site, seq=seq)
            st.holdings = [h for h in st.holdings
                           if not (h.party == author and h.established and _same_place(h.place, place))]
            summary = f"withdrawal from {place.name}"
        elif isinstance(body, kinds.Notification):
            self._items(body.items, seq=seq)
            summary = body.text or body.event
            if body.site is not None:
                place = self.place(body.site, seq=seq)
                if body.event == "launch":
                    launches = [Holding(seq=seq, effective=eff, party=author, place=place, system=item.system,
                                        launcher=item.launcher, count=item.count, established=True,
                                        source_kind=f"{body.use or 'unstated'}-launch") for item in body.items]
                    st.launches.extend(launches)  # every notified flight: what a flight-test ban counts
                    if body.use == "combat":
                        # a missile used in combat from a site was there: a standing deployment only under the
                        # reading combat_use_is_deployment (regime.compliance)
                        st.holdings.extend(launches)
        elif isinstance(body, kinds.Observation):
            self._items(body.items, seq=seq)
            place = self.place(body.site, seq=seq)
            for item in body.items:
                st.holdings.append(Holding(seq=seq, effective=eff, party=body.party, place=place,
                                           system=item.system, launcher=item.launcher, count=item.count,
                                           established=False, source_kind="observation", observer=author,
                                           source=body.source, confidence=body.confidence))
            summary = f"observation of {body.party} at {place.name} ({body.source})"
        elif isinstance(body, kinds.Declaration):
            # validate every holding before changing any state: a refused entry leaves the state untouched
            places = []
            for holding in body.holdings:
                self._items(holding.items, seq=seq)
                places.append(self.place(holding.site, seq=seq))
            for holding, place in zip(body.holdings, places, strict=True):
                for item in holding.items:
                    st.holdings.append(Holding(seq=seq, effective=eff, party=author, place=place,
                                               system=item.system, launcher=item.launcher, count=item.count,
                                               established=True, source_kind="declaration",
                                               operator=holding.operator))
            if body.counts:
                st.declarations.append((seq, author, eff, dict(body.counts)))
            summary = body.statement or "declaration"
        elif entry.kind in INSPECTION_KINDS:
            summary = apply_inspection_entry(self, seq, author, eff, body)
        elif entry.kind in CLAIM_KINDS:
            summary = apply_claim_entry(st.claims, self.catalog, seq=seq, author=author, body=body)
        else:
            st.extra.setdefault(entry.kind, []).append((seq, body))
        st.ever.extend(h for h in st.holdings[holdings_before:] if h.established)
        title = getattr(body, "title", None)
        st.records.append(Record(seq=seq, effective=eff, party=author, kind=entry.kind, summary=title or summary))
        if not st.now or dates.earlier(st.now, eff) or dates.parse(eff).finer(dates.parse(st.now)):
            st.now = eff
        st.size = seq + 1
        self.leaves.append(signed.leaf_data())
        return st

    def snapshot(self) -> RegimeState:
        """A copy of the current state that later ``apply`` calls do not change."""
        st = self.state
        return replace(st, adopted=dict(st.adopted), withdrawn=dict(st.withdrawn), holdings=list(st.holdings),
                       declarations=list(st.declarations), records=list(st.records),
                       conforming=dict(st.conforming), denied=list(st.denied),
                       inspections=copy.deepcopy(st.inspections), extra={k: list(v) for k, v in st.extra.items()},
                       claims={k: ClaimRecord(body=r.body, endorsers=dict(r.endorsers)) for k, r in st.claims.items()},
                       ever=list(st.ever), launches=list(st.launches))


def _same_place(a: Place, b: Place) -> bool:
    if a.site is not None or b.site is not None:
        return a.site == b.site
    return (a.lat, a.lon) == (b.lat, b.lon)


def replay(treaty: Treaty, entries: Iterable[SignedEntry], catalog: Catalog | None = None) -> RegimeState:
    """The regime state after ``entries`` (in log order)."""
    replayer = Replayer(treaty, catalog)
    for seq, signed in enumerate(entries):
        replayer.apply(seq, signed)
    return replayer.state
