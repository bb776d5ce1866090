"""Which item class a missile system falls in under each range claim, and whether a treaty limits it.

A claim's value is read with its qualifier: ``more-than X`` is just above X and ``less-than X`` just below it (a
bound on the wrong side of a band edge never falls inside); every other qualifier (``up-to``, ``about``,
``tested``) is read as the range capability itself. INF counts range *capability* (Art. VII), so an ``up-to``
figure is the capability claimed. The band ends are the treaty's own (INF Art. II: shorter-range from 500 km
inclusive to 1,000 km inclusive; intermediate-range above 1,000 km up to 5,500 km inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass

from moratorium.catalog import Claim, System
from moratorium.treaty._model import ItemClass, Treaty

__all__ = ["ClaimClassification", "class_for", "classify_system", "effective_range_km"]

_EPSILON_KM = 1e-6


def effective_range_km(claim: Claim) -> float:
    """The value to test against band edges, honouring ``more-than``/``less-than`` bounds."""
    if claim.qualifier == "more-than":
        return claim.value + _EPSILON_KM
    if claim.qualifier == "less-than":
        return claim.value - _EPSILON_KM
    return claim.value


def class_for(system: System, range_km: float, treaty: Treaty, *, basing: str = "ground") -> ItemClass | None:
    """The treaty item class a ``system`` of this range falls in when ``basing``-launched, or None."""
    for item_class in treaty.item_classes:
        if system.type in item_class.types and basing in item_class.basing and item_class.band.contains(range_km):
            return item_class
    return None


@dataclass(frozen=True)
class ClaimClassification:
    """One row of ``moratorium classify``."""

    claim: str
    claimant: str
    range_km: float
    source: str
    item_class: str | None
    limited: bool
    qualifier: str | None = None
    unverified: bool = False
    note: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "claim": self.claim,
            "claimant": self.claimant,
            "range_km": self.range_km,
            "source": self.source,
            "item_class": self.item_class,
            "limited": self.limited,
            "qualifier": self.qualifier,
            "unverified": self.unverified,
            "note": self.note,
        }


def limited_classes(treaty: Treaty) -> set[str]:
    """Item classes that some obligation or reciprocity condition of ``treaty`` names."""
    named: set[str] = set()
    for ob in treaty.obligations:
        named.update(ob.item_classes)
        for lc in ob.launcher_classes:
            named.update(treaty.launcher_class(lc).fires)
    return named


def classify_system(system: System, treaty: Treaty) -> list[ClaimClassification]:
    """Classify ``system`` under each of its range claims (ground-launched, as the INF band is defined)."""
    limited = limited_classes(treaty)
    named_explicitly = any(system.id in ob.systems for ob in treaty.obligations)
    ground = "ground" in system.basing
    rows = []
    for claim in system.ranges_km:
        item_class = class_for(system, effective_range_km(claim), treaty) if ground else None
        note = claim.note
        if not ground:
            note = "not ground-launched: outside the treaty's classes unless fielded on a ground launcher"
        elif named_explicitly:
            note = "named explicitly by an obligation of this treaty, whatever its range"
        rows.append(ClaimClassification(
            claim=claim.id, claimant=claim.claimant, range_km=claim.value, source=claim.source,
            item_class=item_class.id if item_class else None,
            limited=named_explicitly or (item_class is not None and item_class.id in limited),
            qualifier=claim.qualifier, unverified=claim.unverified, note=note))
    return rows
