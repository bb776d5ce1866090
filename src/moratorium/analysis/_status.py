"""Would a treaty ban a deployment? The one place this package asks the verdict engine (``match_item``,
``classify_system``), so a change of the engine's types is adapted here only.

The treaty is applied as if in force on the date for every party (adoption, withdrawal and the obligations'
periods set aside: the question is what its terms would constrain). Per deployment and treaty:

- ``banned``: an obligation of the deployment's party covers the item in its zone by every counted claim (and,
  for a reach-defined ban, every counted range claim reaches the other party's territory);
- ``contested``: only some claims put it under such an obligation;
- ``permitted``: the treaty covers items of its kind, but no ban applies where it is;
- ``out-of-scope``: no obligation of the treaty covers it, or its holder is not a party.

``claims`` repeats the question under each claim alone (a range claim of the system, or a capability claim of
the launcher), so a reader sees which claim decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from moratorium.analysis._deployments import Deployment, treaty_party
from moratorium.catalog import Catalog
from moratorium.regime.matching import CONTESTED, DEFINITE, NONE, match_item
from moratorium.treaty import Obligation, Treaty
from moratorium.treaty.classify import claim_interval, classify_system, counted_range_claims
from moratorium.treaty.zones import in_zone

__all__ = ["BANNED", "CONTESTED_STATUS", "OUT_OF_SCOPE", "PERMITTED", "ItemStatus", "Reach", "item_status"]

BANNED, PERMITTED, OUT_OF_SCOPE, CONTESTED_STATUS = "banned", "permitted", "out-of-scope", "contested"
_ACTIVITIES = ("deploy", "possess")


class Reach(Protocol):
    """Distance from a point to a territory (``moratorium.geo.territory.TerritoryDistance``)."""

    def min_distance_km(self, lat: float, lon: float, countries: Sequence[str]) -> float: ...


@dataclass(frozen=True)
class ItemStatus:
    """A deployment under one treaty: its status, the obligations that decide it, the per-claim answers and the
    reciprocity conditions it would meet."""

    status: str
    party: str | None
    obligations: tuple[tuple[str, str], ...] = ()
    claims: tuple[dict[str, Any], ...] = ()
    triggers: tuple[dict[str, Any], ...] = ()
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "party": self.party,
                "obligations": [{"obligation": o, "level": lv} for o, lv in self.obligations],
                "claims": list(self.claims), "triggers": list(self.triggers), "note": self.note}


def _reach_level(treaty: Treaty, catalog: Catalog, ob: Obligation, dep: Deployment, reach: Reach | None) -> str:
    """Reach-defined ban: can the system reach ``ob.reach_of``'s territory from where it is, by its counted
    claims? The rule of ``regime.compliance``: a claim reaches if its whole interval does, misses if none of it
    does; without a reach analysis or a range claim the answer is contested."""
    if dep.system is None or ob.reach_of is None or reach is None:
        return CONTESTED
    system = catalog.systems[dep.system]
    counted, _ = counted_range_claims(system)
    if not counted:
        return CONTESTED
    distance = reach.min_distance_km(dep.place.lat, dep.place.lon, treaty.party(ob.reach_of).territory)
    flags = []
    for c in counted:
        interval = claim_interval(c)
        flags.append(DEFINITE if interval.low >= distance else NONE if interval.high < distance else CONTESTED)
    if all(f == DEFINITE for f in flags):
        return DEFINITE
    return NONE if all(f == NONE for f in flags) else CONTESTED


def _status(treaty: Treaty, catalog: Catalog, dep: Deployment, party: str,
            reach: Reach | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    in_scope = False
    found: list[tuple[str, str]] = []
    for ob in treaty.obligations:
        if ob.party != party or ob.kind not in ("ban", "reach-ban") or ob.activity not in _ACTIVITIES:
            continue
        m = match_item(treaty, catalog, system_id=dep.system, launcher_id=dep.launcher,
                       item_classes=ob.item_classes, launcher_classes=ob.launcher_classes, systems=ob.systems)
        if m.level == NONE:
            continue
        in_scope = True
        if not in_zone(dep.place, treaty.zone(ob.zone), treaty):
            continue
        level = m.level
        if ob.kind == "reach-ban":
            where = _reach_level(treaty, catalog, ob, dep, reach)
            level = NONE if where == NONE else (DEFINITE if level == DEFINITE and where == DEFINITE else CONTESTED)
        if level != NONE:
            found.append((ob.id, level))
    if any(lv == DEFINITE for _, lv in found):
        return BANNED, tuple(found)
    if found:
        return CONTESTED_STATUS, tuple(found)
    return (PERMITTED if in_scope else OUT_OF_SCOPE), ()


def _triggers(treaty: Treaty, catalog: Catalog, dep: Deployment, party: str) -> tuple[dict[str, Any], ...]:
    out = []
    for cond in treaty.reciprocity:
        if cond.party != party or not in_zone(dep.place, treaty.zone(cond.zone), treaty):
            continue
        m = match_item(treaty, catalog, system_id=dep.system, launcher_id=dep.launcher,
                       item_classes=cond.item_classes, launcher_classes=cond.launcher_classes, systems=(),
                       manufacturer=cond.manufacturer)
        if m.level != NONE:
            out.append({"condition": cond.id, "level": "met" if m.level == DEFINITE else "contested",
                        "suspends": list(cond.suspends)})
    return tuple(out)


def _claim_rows(treaty: Treaty, catalog: Catalog, dep: Deployment, party: str,
                reach: Reach | None) -> tuple[dict[str, Any], ...]:
    rows: list[dict[str, Any]] = []
    if dep.system is not None and dep.system in catalog.systems:
        system = catalog.systems[dep.system]
        classes = {c.claim: c for c in classify_system(system, treaty)}
        for claim in system.ranges_km:
            alone = replace(catalog, systems={**catalog.systems, system.id: replace(system, ranges_km=(claim,))})
            status, _ = _status(treaty, alone, dep, party, reach)
            row = classes.get(claim.id)
            rows.append({"claim": claim.id, "claimant": claim.claimant, "range_km": claim.value,
                         "qualifier": claim.qualifier, "unverified": claim.unverified,
                         "item_class": row.item_class if row else None, "status": status})
    elif dep.launcher is not None and dep.launcher in catalog.launchers:
        launcher = catalog.launchers[dep.launcher]
        for fired, claims in launcher.can_fire.items():
            for k in claims:
                alone = replace(catalog, launchers={**catalog.launchers,
                                                    launcher.id: replace(launcher, can_fire={fired: (k,)})})
                status, _ = _status(treaty, alone, dep, party, reach)
                rows.append({"claim": f"{fired}:{k.claimant}", "claimant": k.claimant, "can_fire": fired,
                             "value": k.value, "source": k.source, "status": status})
    return tuple(rows)


def item_status(treaty: Treaty, catalog: Catalog, dep: Deployment, *, reach: Reach | None = None) -> ItemStatus:
    """``dep`` under ``treaty`` (see the module docstring)."""
    party = treaty_party(treaty, dep)
    if party is None:
        return ItemStatus(OUT_OF_SCOPE, None, note=f"{dep.state or dep.party} is not a party to {treaty.id}")
    status, obligations = _status(treaty, catalog, dep, party.id, reach)
    claims = _claim_rows(treaty, catalog, dep, party.id, reach)
    return ItemStatus(status, party.id, obligations, claims, _triggers(treaty, catalog, dep, party.id))
