"""Does a reported item fall under an obligation's classes? Yes, no, or contested, with the claims it rests on.

The rule both parties can apply to the same log (``DESIGN.md``: same log, same verdict): an item is
**definitely** in a set of item classes only if every sourced range claim puts it there, **definitely not** if
none does, and **contested** otherwise. Claims marked unverified are shown but do not count, unless a system has
no other claim. A launcher whose status depends on its payload (Aegis Ashore Mk-41, Typhon) is in a launcher
class if it can fire a missile of the named classes; whether it can is itself a set of capability claims, read
the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from moratorium.catalog import Catalog, System
from moratorium.regime.verdict import Dependency
from moratorium.treaty import Treaty
from moratorium.treaty.classify import (
    LIMITED,
    NOT_LIMITED,
    claim_interval,
    class_bands,
    counted_range_claims,
    interval_status,
)

__all__ = ["CONTESTED", "DEFINITE", "NONE", "Match", "match_item"]

DEFINITE, CONTESTED, NONE = "definite", "contested", "none"
_RANK = {NONE: 0, CONTESTED: 1, DEFINITE: 2}


@dataclass(frozen=True)
class Match:
    level: str
    dependencies: tuple[Dependency, ...] = ()

    def best(self, other: Match) -> Match:
        return self if _RANK[self.level] >= _RANK[other.level] else other


def _level(flags: list[bool]) -> str:
    if not flags:
        return CONTESTED
    if flags and all(flags):
        return DEFINITE
    if any(flags):
        return CONTESTED
    return NONE


def range_match(system: System, classes: Collection[str], treaty: Treaty) -> Match:
    """Whether ``system`` (ground-launched) falls in ``classes`` under its range claims.

    Each counted claim's interval is tested against the classes' bands (``moratorium.treaty.classify``): definite
    only if every counted claim's whole interval is inside, none if no claim reaches them, contested otherwise (a
    claim straddling a band edge, or claims that disagree). A system with no range claim in the record is
    contested: the record lacks what would decide it.
    """
    bands = class_bands(system, classes, treaty)
    if not bands:
        return Match(NONE)  # no class of this type (an interceptor, a sea-launched type) whatever its range
    if not system.ranges_km:
        return Match(CONTESTED, (Dependency(kind="missing-claim", subject=system.id, status_if="violation",
                                            detail=f"no range claim for {system.name} in the record"),))
    counted, why = counted_range_claims(system)
    parts, flags = [], []
    for claim in system.ranges_km:
        status = interval_status(claim_interval(claim), bands)
        if claim in counted:
            flags.append(status)
        suffix = "" if claim in counted else " (not counted)"
        parts.append(f"{claim.label} km -> {status}{suffix}")
    if all(f == LIMITED for f in flags):
        level = DEFINITE
    elif all(f == NOT_LIMITED for f in flags):
        return Match(NONE)
    else:
        level = CONTESTED
    summary = {DEFINITE: "every counted claim puts it in a limited class",
               CONTESTED: "claims disagree, or straddle a band edge, on whether it is in a limited class"}[level]
    detail = f"{summary}: " + "; ".join(parts) + (f". {why}" if why else "")
    return Match(level, (Dependency(kind="range-claim", subject=system.id, detail=detail),))


def match_item(treaty: Treaty, catalog: Catalog, *, system_id: str | None, launcher_id: str | None,
               item_classes: Collection[str], launcher_classes: Collection[str], systems: Collection[str],
               manufacturer: str | None = None) -> Match:
    """How an item (a system, a launcher or both) matches an obligation's or condition's scope."""
    system = catalog.systems.get(system_id) if system_id else None
    launcher = catalog.launchers.get(launcher_id) if launcher_id else None
    if manufacturer is not None:
        owners = {x.owner for x in (system, launcher) if x is not None}
        if manufacturer not in owners:
            return Match(NONE)
    result = Match(NONE)
    if system is not None and system.id in systems:
        result = Match(DEFINITE, (Dependency(kind="named-system", subject=system.id,
                                             detail=f"{system.name} is named by the obligation"),))
    elif system is not None and item_classes and "ground" in system.basing:
        result = range_match(system, item_classes, treaty)
    if launcher is not None:
        for lc_id in launcher_classes:
            lc = treaty.launcher_class(lc_id)
            if lc.launchers and launcher.id not in lc.launchers:
                continue
            result = result.best(_launcher_match(treaty, catalog, launcher.id, lc.fires))
    return result


def _launcher_match(treaty: Treaty, catalog: Catalog, launcher_id: str, fires: Collection[str]) -> Match:
    launcher = catalog.launchers[launcher_id]
    best = Match(NONE)
    for system_id, cap_claims in launcher.can_fire.items():
        system = catalog.systems[system_id]
        in_range = range_match(system, fires, treaty)
        if in_range.level == NONE:
            continue
        capability = _level([c.value for c in cap_claims])  # no claim in the record: contested
        if capability == NONE:
            continue
        level = DEFINITE if capability == DEFINITE and in_range.level == DEFINITE else CONTESTED
        claims = "; ".join(f"{c.claimant}: {'can' if c.value else 'cannot'} ({c.source})" for c in cap_claims)
        dep = Dependency(kind="launcher-capability", subject=f"{launcher.id}:{system.id}",
                         detail=f"whether {launcher.name} can fire {system.name}: {claims}")
        best = best.best(Match(level, (dep, *in_range.dependencies)))
    return best
