"""The compliance engine: a pure function (treaty, log prefix) -> a verdict per (party, obligation).

No wall clock, randomness or network: "now" is the latest ``effective`` date in the prefix, claims come from the
catalogue, and reach analysis is a parameter (``reach``), so both parties replaying the same log reach the same
verdicts. Status rules, in order:

1. ``not-in-force``: the party has not adopted the treaty (or has withdrawn), or now is outside the period.
2. ``suspended``: a reciprocity condition is met by an *established* deployment of the other side (its own
   entry or an inspection finding) that definitely falls under the condition's classes.
3. ``violation``: an established holding of the party in the zone that definitely falls under the obligation.
4. ``unverified``: only allegations (observations by another party), contested classifications, or (ceilings)
   no declaration to count from.
5. ``needs-analysis``: a reach-defined obligation and no reach analysis supplied.
6. ``compliant``: none of the above; evidence is the adoption and the party's declarations.

Contested facts never decide a verdict; they appear in ``depends_on`` with the status they would lead to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from moratorium.catalog import Catalog, load_catalog
from moratorium.ledger.entry import SignedEntry
from moratorium.regime.matching import CONTESTED, DEFINITE, NONE, match_item
from moratorium.regime.state import Holding, RegimeState, Replayer
from moratorium.regime.verdict import Dependency, Verdict
from moratorium.treaty import Obligation, Treaty
from moratorium.treaty.classify import effective_range_km
from moratorium.treaty.zones import in_zone

__all__ = ["ReachAnalysis", "TimelineStep", "evaluate", "timeline"]


class ReachAnalysis(Protocol):
    """What the engine needs from reach analysis (``moratorium.geo.territory.TerritoryDistance``)."""

    def min_distance_km(self, lat: float, lon: float, countries: Sequence[str]) -> float: ...


def _in_force(treaty: Treaty, ob: Obligation, st: RegimeState) -> tuple[bool, tuple[int, ...], str]:
    adopted = st.adopted.get(ob.party)
    if ob.party in st.withdrawn:
        return False, (st.withdrawn[ob.party],), f"{ob.party} has withdrawn"
    if adopted is None:
        return False, (), f"{ob.party} has not adopted {treaty.id}"
    if ob.period_from and st.now < ob.period_from:
        return False, (adopted,), f"period starts {ob.period_from}"
    if ob.period_until and st.now > ob.period_until:
        return False, (adopted,), f"period ended {ob.period_until}"
    return True, (adopted,), ""


def _current(st: RegimeState) -> list[Holding]:
    """Holdings not superseded: an allegation at a site is set aside by a later conforming inspection there."""
    out = []
    for h in st.holdings:
        cleared = h.place.site is not None and st.conforming.get(h.place.site, -1) > h.seq
        if not (cleared and not h.established):
            out.append(h)
    return out


def _suspension(treaty: Treaty, catalog: Catalog, ob: Obligation, st: RegimeState,
                holdings: list[Holding]) -> tuple[list[int], list[Dependency]]:
    evidence: list[int] = []
    deps: list[Dependency] = []
    for cond in treaty.reciprocity:
        if ob.id not in cond.suspends:
            continue
        zone = treaty.zone(cond.zone)
        for h in holdings:
            if h.party != cond.party or not h.established or not in_zone(h.place, zone, treaty):
                continue
            m = match_item(treaty, catalog, system_id=h.system, launcher_id=h.launcher,
                           item_classes=cond.item_classes, launcher_classes=cond.launcher_classes, systems=(),
                           manufacturer=cond.manufacturer)
            if m.level == DEFINITE:
                evidence.append(h.seq)
                deps.extend(m.dependencies)
            elif m.level == CONTESTED:
                deps.extend(Dependency(kind=d.kind, subject=d.subject, status_if="suspended",
                                       detail=f"{cond.id} would be met by entry {h.seq} ({h.place.name}) if "
                                              f"the contested claim holds. {d.detail}")
                            for d in m.dependencies)
    return sorted(set(evidence)), _dedupe(deps)


def _dedupe(deps: list[Dependency]) -> list[Dependency]:
    seen: dict[tuple[str, str, str | None], Dependency] = {}
    for d in deps:
        seen.setdefault((d.kind, d.subject, d.status_if), d)
    return list(seen.values())


def _ban(treaty: Treaty, catalog: Catalog, ob: Obligation, st: RegimeState, holdings: list[Holding],
         reach: ReachAnalysis | None) -> tuple[str, list[int], list[Dependency], str]:
    zone = treaty.zone(ob.zone)
    established: list[int] = []
    doubtful: list[int] = []
    needs_reach: list[int] = []
    deps: list[Dependency] = []
    for h in holdings:
        if h.party != ob.party or not in_zone(h.place, zone, treaty):
            continue
        if ob.activity == "flight-test" and h.source_kind != "combat-launch":
            continue
        m = match_item(treaty, catalog, system_id=h.system, launcher_id=h.launcher,
                       item_classes=ob.item_classes, launcher_classes=ob.launcher_classes, systems=ob.systems)
        if m.level == NONE:
            continue
        level = m.level
        if ob.kind == "reach-ban" and level == DEFINITE:
            level, extra = _reach_level(treaty, catalog, ob, h, reach)
            deps.extend(extra)
            if level == "needs-analysis":
                needs_reach.append(h.seq)
                continue
            if level == NONE:
                continue
        if h.established and level == DEFINITE:
            established.append(h.seq)
            deps.extend(m.dependencies)
        else:
            doubtful.append(h.seq)
            status_if = "violation"
            for d in m.dependencies:
                deps.append(Dependency(kind=d.kind, subject=d.subject, detail=d.detail,
                                       status_if=status_if if level == CONTESTED else None))
            if not h.established:
                deps.append(Dependency(kind="observation", subject=f"entry {h.seq}", status_if=status_if,
                                       detail=f"{h.observer} reports {h.count} x {h.system or h.launcher} of "
                                              f"{h.party} at {h.place.name}; source: {h.source}; "
                                              f"confidence: {h.confidence}; not established by {h.party}'s "
                                              f"own entries or an inspection"))
    for seq, host, place in st.denied:
        if host == ob.party and in_zone(place, zone, treaty):
            doubtful.append(seq)
            deps.append(Dependency(kind="access-denied", subject=f"entry {seq}", status_if="violation",
                                   detail=f"{host} denied access at {place.name}: what is there is unknown"))
    if established:
        return "violation", established, _dedupe(deps), "an established holding falls under the obligation"
    if needs_reach:
        return ("needs-analysis", needs_reach + doubtful, _dedupe(deps),
                "defined by reach: run reach analysis to decide")
    if doubtful:
        return "unverified", doubtful, _dedupe(deps), "only allegations or contested classifications"
    return "compliant", [], _dedupe(deps), "no holding in the zone falls under the obligation"


def _reach_level(treaty: Treaty, catalog: Catalog, ob: Obligation, h: Holding,
                 reach: ReachAnalysis | None) -> tuple[str, list[Dependency]]:
    assert ob.reach_of is not None
    if reach is None or h.system is None:
        return "needs-analysis", [Dependency(kind="reach-analysis", subject=f"entry {h.seq}", status_if="violation",
                                             detail=f"whether {h.system or h.launcher} at {h.place.name} can reach "
                                                    f"{ob.reach_of}'s territory")]
    target = treaty.party(ob.reach_of).territory
    distance_km = reach.min_distance_km(h.place.lat, h.place.lon, target)
    system = catalog.systems[h.system]
    flags = [effective_range_km(c) >= distance_km for c in system.ranges_km if not c.unverified]
    detail = (f"{h.place.name} is {distance_km:,.1f} km (WGS84 geodesic) from {ob.reach_of}'s territory; "
              + "; ".join(f"{c.label} km" for c in system.ranges_km))
    level = DEFINITE if flags and all(flags) else (CONTESTED if any(flags) else NONE)
    return level, [Dependency(kind="reach", subject=f"entry {h.seq}", detail=detail,
                              status_if="violation" if level == CONTESTED else None)]


def _count(ob: Obligation, st: RegimeState) -> tuple[str, list[int], list[Dependency], str]:
    assert ob.category is not None
    declared = [(seq, eff, counts) for seq, party, eff, counts in st.declarations
                if party == ob.party and ob.category in counts]
    if not declared:
        return "unverified", [], [], f"no declaration of {ob.category} by {ob.party}"
    seq, _, counts = declared[-1]
    value = counts[ob.category]
    if ob.kind == "ceiling":
        assert ob.limit is not None
        status = "violation" if value > ob.limit else "compliant"
        return status, [seq], [], f"declared {value} {ob.category} against a ceiling of {ob.limit}"
    assert ob.freeze_date is not None
    base = [(s, c) for s, e, c in declared if e <= ob.freeze_date]
    if not base:
        return "unverified", [seq], [], f"no {ob.category} level declared on or before {ob.freeze_date}"
    base_seq, base_counts = base[-1]
    level = base_counts[ob.category]
    status = "violation" if value > level else "compliant"
    return status, sorted({base_seq, seq}), [], f"declared {value} {ob.category} against a frozen level of {level}"


def evaluate(treaty: Treaty, st: RegimeState, *, catalog: Catalog | None = None,
             reach: ReachAnalysis | None = None) -> list[Verdict]:
    """The verdict for every (party, obligation) of ``treaty`` at state ``st``."""
    catalog = catalog or load_catalog()
    holdings = _current(st)
    verdicts = []
    zone_dep = Dependency(kind="zone-definition", subject="european-russia",
                          detail=f"European Russia drawn by {treaty.european_russia}")
    for ob in treaty.obligations:
        active, base_evidence, why = _in_force(treaty, ob, st)
        if not active:
            verdicts.append(Verdict(party=ob.party, obligation=ob.id, status="not-in-force",
                                    evidence=base_evidence, reason=why))
            continue
        if ob.kind in ("ceiling", "freeze"):
            status, evidence, deps, why = _count(ob, st)
        else:
            sus_evidence, sus_deps = _suspension(treaty, catalog, ob, st, holdings)
            if sus_evidence:
                verdicts.append(Verdict(party=ob.party, obligation=ob.id, status="suspended",
                                        evidence=tuple(sus_evidence), depends_on=tuple(sus_deps),
                                        reason="a reciprocity condition is met"))
                continue
            status, evidence, deps, why = _ban(treaty, catalog, ob, st, holdings, reach)
            deps = _dedupe(deps + sus_deps)
            if treaty.zone(ob.zone).russia is not None and any(
                    h.place.country == "RUS" for h in holdings if h.seq in evidence):
                deps.append(zone_dep)
        if status == "compliant":
            evidence = sorted({*base_evidence, *evidence})
        verdicts.append(Verdict(party=ob.party, obligation=ob.id, status=status, evidence=tuple(sorted(evidence)),
                                depends_on=tuple(deps), reason=why))
    return verdicts


@dataclass(frozen=True)
class TimelineStep:
    seq: int
    date: str
    author: str
    kind: str
    action: str
    changes: tuple[tuple[Verdict | None, Verdict], ...]

    def to_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "date": self.date,
            "action": self.action,
            "author": self.author,
            "kind": self.kind,
            "changes": [{"party": new.party, "obligation": new.obligation,
                         "from": old.status if old else None, "to": new.status, "evidence": list(new.evidence)}
                        for old, new in self.changes],
        }


def timeline(treaty: Treaty, entries: Sequence[SignedEntry], *, catalog: Catalog | None = None,
             reach: ReachAnalysis | None = None) -> tuple[list[TimelineStep], list[Verdict]]:
    """Replay ``entries`` and report, after each, which verdicts changed status; and the final verdicts."""
    catalog = catalog or load_catalog()
    replayer = Replayer(treaty, catalog)
    previous: dict[tuple[str, str], Verdict] = {}
    steps: list[TimelineStep] = []
    verdicts: list[Verdict] = []
    for seq, signed in enumerate(entries):
        st = replayer.apply(seq, signed)
        verdicts = evaluate(treaty, st, catalog=catalog, reach=reach)
        changes = []
        for v in verdicts:
            old = previous.get((v.party, v.obligation))
            if old is None or old.status != v.status:
                changes.append((old, v))
            previous[(v.party, v.obligation)] = v
        steps.append(TimelineStep(seq=seq, date=signed.entry.effective, author=signed.entry.author,
                                  kind=signed.entry.kind, action=st.records[-1].summary, changes=tuple(changes)))
    return steps, verdicts
