"""Verification coverage of a pledge: which of the pledged zone's declared and known sites the treaty's inspection
rights reach, what the inspections cost, and how likely they are to catch one covert deployment in a year.

Sites: a pledge of party P not to deploy in zone Z concerns P's **known** sites in Z (catalogue sites in P's
territory, historic ones left out, and every site where the log shows P holding something, alleged or not) and
P's **declared** sites (those the log establishes: P's own entries or inspection findings). An inspection right
with P among the inspected reaches the sites it names, the catalogue sites of the types it names, or, naming
neither, P's declared sites (a quota inspection goes to declared facilities: INF Art. XI).

Assurance (``moratorium.assurance.model``, exact): P deploys one item covertly at one of the known sites, chosen
uniformly, at a time uniform in treaty year 1, and keeps it there; the inspector spends the year-1 quota of every
right reaching the zone, each visit at a uniformly chosen reachable site and time; a visit to the right site
after the deployment finds the item with certainty (one item, recognised). The figure is the probability of
detection within that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moratorium.analysis._deployments import Deployment, treaty_party
from moratorium.catalog import Catalog
from moratorium.treaty import InspectionRight, Treaty
from moratorium.treaty.zones import Place, in_zone

__all__ = ["ASSUMED_DURATION_H", "ASSUMED_TEAM", "ASSURANCE_ASSUMPTIONS", "Coverage", "coverage"]

ASSUMED_TEAM = 10
"""Inspectors per team where a right sets none: INF's short-notice team of 10 (Harahan, ch. 8)."""
ASSUMED_DURATION_H = 24.0
"""Hours on site where a right sets none: INF's short-notice 24 h (Harahan, ch. 8)."""

ASSURANCE_ASSUMPTIONS = (
    "one covert item at one of the party's known sites in the zone, chosen uniformly",
    "deployed at a time uniform in treaty year 1 and kept there",
    "the year-1 quota of every right reaching the zone; each visit at a uniform time and a uniformly chosen "
    "reachable site",
    "a visit to the right site after the deployment finds the item (one item, recognised with certainty)",
    "exact: moratorium.assurance.model.exact_detection_within (hypergeometric per visit, 1 of 1 item)",
)


@dataclass(frozen=True)
class Coverage:
    party: str
    zone: str
    obligations: tuple[str, ...]
    known: tuple[str, ...]
    declared: tuple[str, ...]
    covered: tuple[str, ...]
    rights: tuple[dict[str, Any], ...]
    visits_per_year: int
    inspector_days: float
    detection_probability: float

    @property
    def known_share(self) -> float:
        return len(set(self.covered) & set(self.known)) / len(self.known) if self.known else 0.0

    @property
    def declared_share(self) -> float:
        return len(set(self.covered) & set(self.declared)) / len(self.declared) if self.declared else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party, "zone": self.zone, "obligations": list(self.obligations),
                "known_sites": list(self.known), "declared_sites": list(self.declared),
                "covered_sites": list(self.covered), "uncovered_sites": [s for s in self.known
                                                                         if s not in self.covered],
                "known_share": round(self.known_share, 4), "declared_share": round(self.declared_share, 4),
                "rights": list(self.rights), "visits_per_year": self.visits_per_year,
                "inspector_days_per_year": round(self.inspector_days, 1),
                "detection_probability_1y": round(self.detection_probability, 6),
                "assumptions": list(ASSURANCE_ASSUMPTIONS)}


def _place(catalog: Catalog, site_id: str) -> Place:
    s = catalog.sites[site_id]
    return Place(country=s.country, lat=s.lat, lon=s.lon, subject=s.subject, site=s.id, name=s.name)


def _reaches(right: InspectionRight, site_id: str, catalog: Catalog, declared: set[str]) -> bool:
    if right.sites:
        return site_id in right.sites
    if right.site_types:
        return catalog.sites[site_id].type in right.site_types
    return site_id in declared


def _burden(right: InspectionRight) -> dict[str, Any]:
    visits = right.quota_for_year(1)
    team = right.team_size or ASSUMED_TEAM
    hours = right.duration_h or ASSUMED_DURATION_H
    assumed = [x for x, given in (("team size", right.team_size), ("duration", right.duration_h)) if not given]
    days = None if visits is None else visits * team * hours / 24.0
    return {"type": right.type, "visits_per_year": visits, "team_size": team, "duration_h": hours,
            "inspector_days_per_year": None if days is None else round(days, 1),
            "assumed": assumed, "assumption": right.assumption}


def coverage(treaty: Treaty, catalog: Catalog, deployments: list[Deployment]) -> list[Coverage]:
    """Coverage of every (party, zone) pledge of ``treaty`` (bans and reach-defined bans), on the deployments
    of the date (see the module docstring)."""
    from moratorium.assurance.model import RegimeModel, exact_detection_within

    pledges: dict[tuple[str, str], list[str]] = {}
    for ob in treaty.obligations:
        if ob.kind in ("ban", "reach-ban") and ob.activity in ("deploy", "possess"):
            pledges.setdefault((ob.party, ob.zone), []).append(ob.id)
    out = []
    for (party_id, zone_id), obligations in pledges.items():
        party = treaty.party(party_id)
        zone = treaty.zone(zone_id)
        held = [d for d in deployments if d.site is not None and (p := treaty_party(treaty, d)) is not None
                and p.id == party_id and in_zone(d.place, zone, treaty)]
        known = {sid for sid, s in catalog.sites.items()
                 if s.type != "historic" and s.country in party.territory and in_zone(_place(catalog, sid), zone,
                                                                                       treaty)}
        known |= {d.site for d in held if d.site is not None}
        declared = {d.site for d in held if d.established and d.site is not None}
        rights = [r for r in treaty.verification.inspections if party_id in r.inspected]
        covered = {s for s in known if any(_reaches(r, s, catalog, declared) for r in rights)}
        reaching = [r for r in rights if any(_reaches(r, s, catalog, declared) for s in known)]
        burdens = tuple(_burden(r) for r in reaching)
        visits = sum(b["visits_per_year"] or 0 for b in burdens)
        days = sum(b["inspector_days_per_year"] or 0.0 for b in burdens)
        order = sorted(known)
        if visits and covered:
            model = RegimeModel(sites=len(order), quotas=(visits,),
                                site_weights=tuple(1.0 if s in covered else 0.0 for s in order))
            p_detect = exact_detection_within(model, 1.0)
        else:
            p_detect = 0.0
        out.append(Coverage(party_id, zone_id, tuple(obligations), tuple(order), tuple(sorted(declared)),
                            tuple(sorted(covered)), burdens, visits, days, p_detect))
    return out
