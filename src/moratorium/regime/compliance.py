"""The compliance engine: a pure function (treaty, log prefix, readings) -> a verdict per (party, obligation).

No wall clock, randomness or network: "now" is the latest ``effective`` date in the prefix, claims are the
``claim`` entries in the log (``moratorium.regime.claims``), readings are parameters (``moratorium.treaty.readings``)
and so is reach analysis (``reach``), so both parties replaying the same log reach the same verdicts.

**Perspectives.** Each party's status is computed from the record as that party reads it: the claims it signed or
endorsed (all claims in the record where it signed none about a subject), its own observations as established and
other parties' allegations set aside; a party's own entries and inspection findings bind every perspective. The
joint status is the perspectives' common status, or ``disputed`` when they differ. Status rules, per perspective:

1. ``not-in-force``: the party has not adopted the treaty (or has withdrawn), the period has not begun or has
   ended, or the obligation was offered only in return for another party's (``conditional_on``) who has not
   adopted it.
2. ``suspended``: a reciprocity condition is met by an established deployment of the other side that definitely
   falls under the condition's classes (``trigger: until`` — once met, for good; ``while`` — while it lasts).
3. ``violation``: an established holding of the party in the zone that definitely falls under the obligation.
4. ``unverified``: the record lacks what would decide it: no claim about the item, claims that straddle a band
   edge, access denied, or (ceilings) no declaration to count from.
5. ``needs-analysis``: a reach-defined obligation and no reach analysis supplied.
6. ``compliant``: none of the above, with its **basis**: ``inspected`` (a conforming inspection finding in the
   zone), ``declared`` (the party's declarations), or ``no-evidence`` (nothing in the record either way).

What a verdict rests on appears in ``depends_on`` with the status it would lead to.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from moratorium import dates
from moratorium.catalog import Catalog, load_catalog
from moratorium.ledger.entry import SignedEntry
from moratorium.regime.claims import view as claim_view
from moratorium.regime.matching import CONTESTED, DEFINITE, NONE, match_item
from moratorium.regime.state import Holding, RegimeState, Replayer
from moratorium.regime.verdict import Basis, Dependency, Status, Verdict
from moratorium.treaty import Obligation, Treaty
from moratorium.treaty.classify import claim_interval, counted_range_claims
from moratorium.treaty.readings import Readings, apply_readings, resolve
from moratorium.treaty.zones import Place, in_zone

__all__ = ["ReachAnalysis", "TimelineStep", "default_reach", "evaluate", "timeline"]


class ReachAnalysis(Protocol):
    """What the engine needs from reach analysis (``moratorium.geo.territory.TerritoryDistance``)."""

    def min_distance_km(self, lat: float, lon: float, countries: Sequence[str]) -> float: ...


def default_reach(treaty: Treaty) -> ReachAnalysis | None:
    """The reach analysis a treaty needs: exact WGS84 geodesics to Natural Earth borders
    (``TerritoryDistance``) when it has a reach-defined obligation (ru-2021-draft), else None (nothing to load)."""
    if not any(ob.kind == "reach-ban" for ob in treaty.obligations):
        return None
    from moratorium.geo.territory import TerritoryDistance

    return TerritoryDistance()


def _in_force(treaty: Treaty, ob: Obligation, st: RegimeState,
              assume_adopted: frozenset[str] = frozenset()) -> tuple[bool, tuple[int, ...], str]:
    adopted = st.adopted.get(ob.party)
    if ob.party in st.withdrawn:
        return False, (st.withdrawn[ob.party],), f"{ob.party} has withdrawn"
    if adopted is None:
        return False, (), f"{ob.party} has not adopted {treaty.id}"
    for other_id in ob.conditional_on:
        other = treaty.obligation(other_id).party
        if other in assume_adopted:
            continue
        if other in st.withdrawn or other not in st.adopted:
            return False, (adopted,), (f"offered only in return for {other}'s {other_id}, which {other} has not "
                                       f"adopted")
    # as dates, not text: a period "until 2021-03-01" still holds at 2021-03-01T10:00Z, one "until 2021" all year
    if ob.period_from and dates.earlier(st.now, dates.period(ob.period_from)):
        return False, (adopted,), f"period starts {ob.period_from}"
    if ob.period_until and dates.earlier(dates.period(ob.period_until), st.now):
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
                holdings: list[Holding], readings: Readings) -> tuple[list[int], list[Dependency]]:
    evidence: list[int] = []
    deps: list[Dependency] = []
    if readings["trigger"] == "until":
        holdings = _standing(st.ever, readings)  # once met, met for good
    launcher_counts = readings["launcher_counts"] == "launcher"
    for cond in treaty.reciprocity:
        if ob.id not in cond.suspends:
            continue
        zone = treaty.zone(cond.zone)
        for h in holdings:
            if h.party != cond.party or not h.established or not in_zone(h.place, zone, treaty):
                continue
            m = match_item(treaty, catalog, system_id=h.system, launcher_id=h.launcher if launcher_counts else None,
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
         reach: ReachAnalysis | None) -> tuple[Status, list[int], list[Dependency], str]:
    zone = treaty.zone(ob.zone)
    established: list[int] = []
    doubtful: list[int] = []
    needs_reach: list[int] = []
    deps: list[Dependency] = []
    for h in holdings:
        if h.party != ob.party or not in_zone(h.place, zone, treaty):
            continue
        if ob.activity == "flight-test" and not h.source_kind.endswith("-launch"):
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
            status_if: Status = "violation"
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
    counted, _ = counted_range_claims(system)
    # a claim reaches if its whole interval does, misses if none of it does, and leaves it open otherwise
    flags = []
    for c in counted:
        interval = claim_interval(c)
        flags.append(DEFINITE if interval.low >= distance_km else NONE if interval.high < distance_km
                     else CONTESTED)
    detail = (f"{h.place.name} is {distance_km:,.1f} km (WGS84 geodesic) from {ob.reach_of}'s territory; "
              + "; ".join(f"{c.label} km" for c in system.ranges_km))
    if not flags:
        level = CONTESTED
        detail += f"; no range claim for {system.name} in the record"
    elif all(f == DEFINITE for f in flags):
        level = DEFINITE
    elif all(f == NONE for f in flags):
        level = NONE
    else:
        level = CONTESTED
    return level, [Dependency(kind="reach", subject=f"entry {h.seq}", detail=detail,
                              status_if="violation" if level == CONTESTED else None)]


def _count(ob: Obligation, st: RegimeState) -> tuple[Status, list[int], list[Dependency], str]:
    assert ob.category is not None
    declared = [(seq, eff, counts) for seq, party, eff, counts in st.declarations
                if party == ob.party and ob.category in counts]
    if not declared:
        return "unverified", [], [], f"no declaration of {ob.category} by {ob.party}"
    seq, _, counts = declared[-1]
    value = counts[ob.category]
    if ob.kind == "ceiling":
        assert ob.limit is not None
        status: Status = "violation" if value > ob.limit else "compliant"
        return status, [seq], [], f"declared {value} {ob.category} against a ceiling of {ob.limit}"
    assert ob.freeze_date is not None
    base = [(s, c) for s, e, c in declared if e <= ob.freeze_date]
    if not base:
        return "unverified", [seq], [], f"no {ob.category} level declared on or before {ob.freeze_date}"
    base_seq, base_counts = base[-1]
    level = base_counts[ob.category]
    frozen: Status = "violation" if value > level else "compliant"
    return frozen, sorted({base_seq, seq}), [], f"declared {value} {ob.category} against a frozen level of {level}"


def _standing(holdings: list[Holding], readings: Readings) -> list[Holding]:
    """Holdings that are standing deployments under the readings (a combat launch is an event unless
    ``combat_use_is_deployment: true``)."""
    if readings["combat_use_is_deployment"] == "true":
        return holdings
    return [h for h in holdings if h.source_kind != "combat-launch"]


def _as_seen_by(holdings: list[Holding], perspective: str | None) -> list[Holding]:
    """Holdings as ``perspective`` reads them: its own observations established, others' allegations set aside
    (None: the record as it stands, allegations open)."""
    if perspective is None:
        return holdings
    out = []
    for h in holdings:
        if h.established:
            out.append(h)
        elif h.observer == perspective:
            out.append(replace(h, established=True))
    return out


def _basis(treaty: Treaty, catalog: Catalog, ob: Obligation, st: RegimeState) -> Basis:
    """Why a ``compliant`` verdict holds: a conforming inspection of the party in the zone, the party's
    declarations, or nothing in the record either way (as the IAEA separates declared-material conclusions from
    the broader conclusion)."""
    zone = treaty.zone(ob.zone)
    for site_id in st.conforming:
        site = catalog.sites.get(site_id)
        hosts = {r.inspected for r in st.inspections.values() if r.site == site_id}
        if site is not None and ob.party in hosts and in_zone(
                Place(country=site.country, lat=site.lat, lon=site.lon, subject=site.subject, site=site.id,
                      name=site.name), zone, treaty):
            return "inspected"
    if any(r.party == ob.party and r.kind == "declaration" for r in st.records):
        return "declared"
    return "no-evidence"


_BASIS_TEXT = {"inspected": "an inspection found the zone conforming",
               "declared": "by the party's declarations; nothing in the record contradicts them",
               "no-evidence": "nothing in the record either way: no declaration, no inspection, no allegation"}


def _evaluate_one(treaty: Treaty, catalog: Catalog, ob: Obligation, st: RegimeState, holdings: list[Holding],
                  reach: ReachAnalysis | None, readings: Readings) -> tuple[Status, list[int], list[Dependency], str]:
    if ob.kind in ("ceiling", "freeze"):
        return _count(ob, st)
    sus_evidence, sus_deps = _suspension(treaty, catalog, ob, st, holdings, readings)
    if sus_evidence:
        why = ("a reciprocity condition was met (trigger: until — the pledge ends for good)"
               if readings["trigger"] == "until" else "a reciprocity condition is met (trigger: while)")
        return "suspended", sus_evidence, sus_deps, why
    scoped = st.launches if ob.activity == "flight-test" else _standing(holdings, readings)
    status, evidence, deps, why = _ban(treaty, catalog, ob, st, scoped, reach)
    deps = _dedupe(deps + sus_deps)
    if treaty.zone(ob.zone).russia is not None and any(
            h.place.country == "RUS" for h in holdings if h.seq in evidence):
        deps.append(Dependency(kind="zone-definition", subject=ob.zone,
                               detail=f"European Russia drawn by {treaty.european_russia} "
                                      f"(reading european_russia); territory read {treaty.territorial_view}"))
    return status, evidence, deps, why


def evaluate(treaty: Treaty, st: RegimeState, *, catalog: Catalog | None = None,
             reach: ReachAnalysis | None = None, readings: Readings | None = None,
             assume_adopted: Collection[str] = ()) -> list[Verdict]:
    """The verdict for every (party, obligation) of ``treaty`` at state ``st``.

    ``catalog``: the reference catalogue that gives systems, launchers and sites their identity (type, basing,
    owner, coordinates); their range, speed and capability claims are taken from the log only (``st.claims``).
    ``readings``: overrides of the treaty's default readings; ``assume_adopted``: parties treated as having
    adopted the treaty for ``conditional_on`` (a counterfactual: "if NATO had accepted").
    """
    base = catalog or load_catalog()
    applied = resolve(treaty, readings)
    eff_treaty = apply_readings(treaty, applied)
    assumed = frozenset(assume_adopted)
    holdings = _current(st)
    parties = [p.id for p in treaty.parties]
    views = {p: claim_view(base, st.claims, p) for p in parties}
    record_view = claim_view(base, st.claims, None)
    verdicts = []
    for ob in eff_treaty.obligations:
        active, base_evidence, why = _in_force(eff_treaty, ob, st, assumed)
        if not active:
            verdicts.append(Verdict(party=ob.party, obligation=ob.id, status="not-in-force",
                                    evidence=base_evidence, reason=why, readings=applied,
                                    perspectives={p: "not-in-force" for p in parties}))
            continue
        per: dict[str, tuple[Status, list[int], list[Dependency], str]] = {}
        for p in parties:
            per[p] = _evaluate_one(eff_treaty, views[p], ob, st, _as_seen_by(holdings, p), reach, applied)
        statuses = {p: r[0] for p, r in per.items()}
        _, _, record_deps, _ = _evaluate_one(eff_treaty, record_view, ob, st, holdings, reach, applied)
        distinct: set[Status] = set(statuses.values())
        evidence = sorted({e for r in per.values() for e in r[1]})
        deps = _dedupe(record_deps + [d for r in per.values() for d in r[2]])
        status: Status
        if len(distinct) == 1:
            status = distinct.pop()
            reason = per[parties[0]][3]
        else:
            status = "disputed"
            reason = "; ".join(f"{p}: {statuses[p]} ({per[p][3]})" for p in parties)
        basis: Basis | None = None
        if "compliant" in statuses.values():
            basis = _basis(eff_treaty, base, ob, st)
            if status == "compliant":
                evidence = sorted({*base_evidence, *evidence})
                reason = f"{reason}; basis: {_BASIS_TEXT[basis]}"
        verdicts.append(Verdict(party=ob.party, obligation=ob.id, status=status, evidence=tuple(evidence),
                                depends_on=tuple(deps), reason=reason, perspectives=statuses,
                                basis=basis if status in ("compliant", "disputed") else None,
                                readings=applied))
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
                         "from": old.status if old else None, "to": new.status, "evidence": list(new.evidence),
                         "perspectives": dict(new.perspectives), "basis": new.basis}
                        for old, new in self.changes],
        }


def timeline(treaty: Treaty, entries: Sequence[SignedEntry], *, catalog: Catalog | None = None,
             reach: ReachAnalysis | None = None, readings: Readings | None = None,
             assume_adopted: Collection[str] = ()) -> tuple[list[TimelineStep], list[Verdict]]:
    """Replay ``entries`` and report, after each, which verdicts changed (status or a perspective's status);
    and the final verdicts. The one function ``run``, ``log verdicts`` and the node use."""
    catalog = catalog or load_catalog()
    resolve(treaty, readings)  # refuse an unknown reading before replaying anything
    replayer = Replayer(treaty, catalog)
    previous: dict[tuple[str, str], Verdict] = {}
    steps: list[TimelineStep] = []
    verdicts: list[Verdict] = []
    for seq, signed in enumerate(entries):
        st = replayer.apply(seq, signed)
        verdicts = evaluate(treaty, st, catalog=catalog, reach=reach, readings=readings,
                            assume_adopted=assume_adopted)
        changes = []
        for v in verdicts:
            old = previous.get((v.party, v.obligation))
            if old is None or old.status != v.status or old.perspectives != v.perspectives:
                changes.append((old, v))
            previous[(v.party, v.obligation)] = v
        steps.append(TimelineStep(seq=seq, date=signed.entry.effective, author=signed.entry.author,
                                  kind=signed.entry.kind, action=st.records[-1].summary, changes=tuple(changes)))
    return steps, verdicts
