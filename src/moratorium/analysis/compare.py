"""Proposals side by side: what each treaty would constrain among a scenario's deployments on a date.

``compare(treaties, scenario, at)`` applies each treaty's terms to the deployments of the regime state at ``at``
(``_status``: banned / permitted / out-of-scope / contested, per claim), then works out, per treaty:

- **constrains**: parties x item classes x zones x activities of its obligations, reciprocity conditions and the
  readings it adopts (how European Russia is drawn, the territorial view);
- **reach**: national capitals in reach of each side's deployments, per range claim, and those the treaty's bans
  remove, under two readings of every disputed figure: each system at its shortest counted range claim and at its
  longest (the span of the dispute). Capitals of the deploying side and of the host country are left out;
- **warning**: for every capital of the other parties, the shortest flight time (``warning``) from the
  deployments the treaty leaves in place, under each reading;
- **verification**: coverage, burden and assurance of its inspection rights (``verification``);
- **readings**: the deployments whose status turns on a claim, or on another way of drawing European Russia.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moratorium.analysis._deployments import Deployment, deployments_at, treaty_party
from moratorium.analysis._status import BANNED, CONTESTED_STATUS, ItemStatus, Reach, item_status
from moratorium.analysis.verification import Coverage, coverage
from moratorium.analysis.warning import STRIKE_TYPES, warning_minutes
from moratorium.catalog import Catalog, Claim, System, load_catalog
from moratorium.errors import InputError
from moratorium.scenario import Scenario
from moratorium.treaty import Treaty

__all__ = ["READINGS", "Comparison", "compare", "reading_claim"]

_ZONE_READINGS = ("european_russia", "asia_pacific_russia", "territory")
"""Readings that redraw a treaty's zones (``treaty.readings.apply_readings``), so can change a status here."""

READINGS = ("shortest", "longest")
"""Every disputed range read at its shortest counted claim, or at its longest."""


def reading_claim(system: System, reading: str) -> Claim:
    """The claim a reading takes: the shortest or longest of the claims that decide the system's class
    (``treaty.classify.counted_range_claims``: verified figures first, bounds only where no figure is claimed)."""
    from moratorium.treaty.classify import counted_range_claims

    counted, _ = counted_range_claims(system)
    return (min if reading == "shortest" else max)(counted, key=lambda c: (c.value, c.id))


@dataclass(frozen=True)
class Comparison:
    scenario: Scenario
    date: str
    treaties: tuple[Treaty, ...]
    deployments: tuple[Deployment, ...]
    status: dict[tuple[str, str], ItemStatus]
    reach: dict[str, dict[str, Any]]
    warning: dict[str, dict[str, Any]]
    verification: dict[str, list[Coverage]]
    readings: dict[str, list[dict[str, Any]]]
    catalog: Catalog | None = None
    """The catalogue the comparison read: the reference identities with the claims of the record at the date."""

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id, "at": self.date,
            "treaties": [_treaty_json(t, self.readings[t.id]) for t in self.treaties],
            "deployments": [{
                "id": d.id, "party": d.party, "site": d.site, "system": d.system, "launcher": d.launcher,
                "count": d.count, "state": d.state, "established": d.established, "source_kind": d.source_kind,
                "source": d.source, "evidence": list(d.evidence),
                "by_treaty": {t.id: self.status[(d.id, t.id)].to_json() for t in self.treaties}}
                for d in self.deployments],
            "reach": self.reach,
            "warning": self.warning,
            "verification": {t: [c.to_json() for c in cs] for t, cs in self.verification.items()},
        }


def _treaty_json(t: Treaty, readings: list[dict[str, Any]]) -> dict[str, Any]:
    classes = {c.id: c for c in t.item_classes}
    obligations = []
    for ob in t.obligations:
        obligations.append({
            "id": ob.id, "party": ob.party, "kind": ob.kind, "activity": ob.activity,
            "zone": {"id": ob.zone, "name": t.zone(ob.zone).name},
            "item_classes": [{"id": c, "name": classes[c].name, "range": classes[c].band.label}
                             for c in ob.item_classes if c in classes],
            "launcher_classes": list(ob.launcher_classes), "systems": list(ob.systems),
            "reach_of": ob.reach_of, "limit": ob.limit, "category": ob.category,
            "period": {"from": ob.period_from, "until": ob.period_until}, "description": ob.description})
    return {"id": t.id, "name": t.name, "date": t.date, "parties": [p.id for p in t.parties],
            "constrains": obligations,
            "reciprocity": [{"id": r.id, "party": r.party, "zone": r.zone, "suspends": list(r.suspends),
                             "manufacturer": r.manufacturer, "description": r.description} for r in t.reciprocity],
            "adopted_readings": {"european_russia": t.european_russia, "territorial_view": t.territorial_view},
            "readings": readings,
            "sources": [{"id": s.id, "title": s.title, "url": s.url} for s in t.sources]}


def _common_party(a: Treaty, b: Treaty) -> bool:
    ids = {p.id for p in a.parties} & {p.id for p in b.parties}
    states_a = {c for p in a.parties for c in p.territory}
    states_b = {c for p in b.parties for c in p.territory}
    return bool(ids or states_a & states_b)


def _capital_key(name: str, country: str) -> str:
    return f"{name}/{country}"


def _reach_rows(treaty: Treaty, catalog: Catalog, deps: list[Deployment],
                status: dict[tuple[str, str], ItemStatus]) -> list[dict[str, Any]]:
    """Capitals in reach of every strike deployment under each of its range claims (own side and host left
    out), with the deployment's status under that claim alone. A launcher held without the missile it could fire
    (Aegis Ashore's Mk-41 and Tomahawk) reaches as that missile would, marked ``via`` the launcher and with its
    ``capability`` (``definite`` if every capability claim says it can fire it, ``contested`` if only some do)."""
    from moratorium.geo.reach import RangeChoice, SitePoint, reach

    rows = []
    held = {(d.party, d.site, d.system) for d in deps if d.system}
    for d in deps:
        st = status[(d.id, treaty.id)]
        options: list[tuple[str, str | None, str]] = []  # (system, via launcher, capability)
        if d.system is not None and d.system in catalog.systems:
            options.append((d.system, None, "definite"))
        elif d.launcher is not None and d.launcher in catalog.launchers:
            for fired, caps in catalog.launchers[d.launcher].can_fire.items():
                if (d.party, d.site, fired) in held or not any(k.value for k in caps):
                    continue
                options.append((fired, d.launcher, "definite" if all(k.value for k in caps) else "contested"))
        party = treaty_party(treaty, d)
        own = set(party.territory) if party else ({d.state} if d.state else set())
        own.add(d.place.country)
        point = SitePoint(d.place.lat, d.place.lon, d.place.name or d.id, d.site, d.place.country)
        per_claim = {r["claim"]: r["status"] for r in st.claims}
        for system_id, via, capability in options:
            system = catalog.systems[system_id]
            if system.type not in STRIKE_TYPES or not system.ranges_km:
                continue
            for claim in system.ranges_km:
                choice = RangeChoice(claim.value, system.id, system.type, None, claim.id, claim.claimant)
                hits = [h for h in reach(point, choice, targets="capitals").hits if h.country not in own]
                rows.append({"deployment": d.id, "party": party.id if party else None, "system": system.id,
                             "via": via, "capability": capability,
                             "claim": claim.id, "claimant": claim.claimant, "range_km": claim.value,
                             "unverified": claim.unverified,
                             "status": st.status if via else per_claim.get(claim.id, st.status),
                             "capitals": [_capital_key(h.name, h.country) for h in hits],
                             "distances_km": {_capital_key(h.name, h.country): round(h.distance_km, 3)
                                              for h in hits},
                             "population": sum(h.population for h in hits)})
    return rows


def _chosen(catalog: Catalog, rows: list[dict[str, Any]], reading: str) -> list[dict[str, Any]]:
    """The rows a reading takes: each deployment's system at its shortest or longest counted claim; a launcher's
    contested capability counts only on the longest reading."""
    out = []
    for r in rows:
        if reading == "shortest" and r["capability"] != "definite":
            continue
        if r["claim"] == reading_claim(catalog.systems[r["system"]], reading).id:
            out.append(r)
    return out


def _population(keys: set[str]) -> int:
    from moratorium.geo.targets import load_targets

    pops = {_capital_key(t.name, t.country): t.population for t in load_targets("capitals").targets}
    return sum(pops.get(k, 0) for k in keys)


def _reach_summary(treaty: Treaty, catalog: Catalog, rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_reading: dict[str, Any] = {}
    for reading in READINGS:
        sides: dict[str, Any] = {}
        for party in treaty.parties:
            chosen = {r["deployment"] + (f" ({r['system']})" if r["via"] else ""): r
                      for r in _chosen(catalog, rows, reading) if r["party"] == party.id}
            before = {c for r in chosen.values() for c in r["capitals"]}
            after = {c for r in chosen.values() if r["status"] != BANNED for c in r["capitals"]}
            removed = before - after
            sides[party.id] = {
                "claims": {dep: f"{r['system']} {r['claim']} ({r['claimant']}): {r['range_km']:g} km"
                           for dep, r in sorted(chosen.items())},
                "banned": sorted(dep for dep, r in chosen.items() if r["status"] == BANNED),
                "held_before": sorted(before), "held_after": sorted(after), "removed": sorted(removed),
                "population_before": _population(before), "population_after": _population(after),
                "population_removed": _population(removed)}
        by_reading[reading] = sides
    return {"basis": "national capitals (GeoNames) within each claim's range on WGS84 geodesics; capitals of "
                     "the deploying side and of the host country left out; 'shortest'/'longest': every system "
                     "at its shortest/longest counted range claim",
            "by_reading": by_reading, "by_claim": rows}


def _warning_summary(treaty: Treaty, catalog: Catalog, deps: list[Deployment],
                     status: dict[tuple[str, str], ItemStatus], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per reading and threatened party: the shortest warning to each of its capitals in reach of another
    party's deployments that the treaty leaves in place."""
    from moratorium.geo.targets import load_targets

    capitals = {_capital_key(t.name, t.country): t for t in load_targets("capitals").targets}
    out: dict[str, Any] = {}
    for reading in READINGS:
        per_party: dict[str, list[dict[str, Any]]] = {}
        for party in treaty.parties:
            mine = {_capital_key(t.name, t.country) for t in capitals.values() if t.country in party.territory}
            best: dict[str, dict[str, Any]] = {}
            for r in _chosen(catalog, rows, reading):
                if r["party"] == party.id or r["status"] == BANNED:
                    continue
                system = catalog.systems[r["system"]]
                for cap in r["capitals"]:
                    if cap not in mine:
                        continue
                    profiles = warning_minutes(system, r["distances_km"][cap])
                    if not profiles:
                        continue
                    p = min(profiles, key=lambda x: x.minutes)
                    if cap not in best or p.minutes < best[cap]["minutes"]:
                        best[cap] = {"capital": cap, "minutes": round(p.minutes, 2), "profile": p.profile,
                                     "from": r["deployment"], "system": system.id, "via": r["via"],
                                     "capability": r["capability"], "claim": r["claim"],
                                     "distance_km": r["distances_km"][cap]}
            per_party[party.id] = sorted(best.values(), key=lambda x: (x["minutes"], x["capital"]))
        out[reading] = per_party
    return out


def _zone_readings(treaty: Treaty, catalog: Catalog, deps: list[Deployment], reach: Reach | None,
                   status: dict[tuple[str, str], ItemStatus]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in deps:
        st = status[(d.id, treaty.id)]
        if st.status == CONTESTED_STATUS:
            out.append({"reading": "claims", "deployment": d.id,
                        "by_claim": {r["claim"]: r["status"] for r in st.claims}})
    from moratorium.treaty.readings import apply_readings, resolve

    defaults = resolve(treaty)
    for reading in treaty.readings:
        for value in reading.admits:
            if value == defaults[reading.key] or reading.key not in _ZONE_READINGS:
                continue
            other = apply_readings(treaty, {**defaults, reading.key: value})
            for d in deps:
                new = item_status(other, catalog, d, reach=reach).status
                old = status[(d.id, treaty.id)].status
                if new != old:
                    out.append({"reading": f"{reading.key}={value}", "deployment": d.id, "from": old, "to": new})
    return out


def compare(treaty_ids: list[str], scenario: Scenario, at: str | None = None, *,
            catalog: Catalog | None = None, reach: Reach | bool = True) -> Comparison:
    """Compare ``treaty_ids`` on ``scenario``'s deployments at ``at`` (default: the end of its timeline)."""
    from moratorium.treaty import load_treaty

    if len(treaty_ids) < 2:
        raise InputError("compare needs at least two treaties", field="TREATY")
    from moratorium.treaty.readings import apply_readings, resolve

    loaded = tuple(load_treaty(t) for t in treaty_ids)
    # each treaty as its default readings draw its zones (European Russia, the part of Russia called Asian)
    treaties = tuple(apply_readings(t, resolve(t)) for t in loaded)
    if len({t.id for t in treaties}) != len(treaties):
        raise InputError("a treaty is named twice", field="TREATY")
    for i, a in enumerate(treaties):
        for b in treaties[i + 1:]:
            if not _common_party(a, b):
                raise InputError(f"{a.id} and {b.id} have no party in common: nothing to compare", field="TREATY")
    if reach is True:
        from moratorium.geo.territory import TerritoryDistance

        reach_fn: Reach | None = TerritoryDistance()
    else:
        reach_fn = reach or None
    date, st, deps = deployments_at(scenario, at)
    if catalog is None:
        from moratorium.regime.claims import view

        catalog = view(load_catalog(), st.claims, None)  # the record decides: every claim signed by the date
    status = {(d.id, t.id): item_status(t, catalog, d, reach=reach_fn) for t in treaties for d in deps}
    reach_out, warn_out, verif, readings = {}, {}, {}, {}
    for t in treaties:
        rows = _reach_rows(t, catalog, deps, status)
        reach_out[t.id] = _reach_summary(t, catalog, rows)
        warn_out[t.id] = _warning_summary(t, catalog, deps, status, rows)
        verif[t.id] = coverage(t, catalog, deps)
        readings[t.id] = _zone_readings(t, catalog, deps, reach_fn, status)
    return Comparison(scenario, date, treaties, tuple(deps), status, reach_out, warn_out, verif, readings, catalog)
