"""Which item class a missile system falls in under each range claim, and whether a treaty limits it.

A claim is read as an **interval** of range capability, never as a sharper figure than its words give:

- an explicit ``interval: [low, high]`` is used as it stands;
- ``about X`` is ``[0.9 X, 1.1 X]`` and ``up-to X`` is ``[0.9 X, X]`` (our modelling assumption: a rounded public
  figure; "up to 500" can be below 500 or exactly 500, so it straddles INF's 500 km edge);
- ``more-than X`` is ``(X, inf)`` and ``less-than X`` is ``[0, X)``: a class, not a figure (so "more than 3,000"
  straddles the 5,500 km edge and is never drawn as a ring of 3,000 km);
- ``declared``, ``assessed``, ``tested`` or no qualifier: the figure itself.

The band ends are the treaty's own (INF Art. II: shorter-range from 500 km inclusive to 1,000 km inclusive;
intermediate-range above 1,000 km up to 5,500 km inclusive). A claim's ``status`` is ``limited`` if its whole
interval lies in classes the treaty limits, ``not-limited`` if none of it does, ``straddles-edge`` otherwise.

INF Art. VII(4): the range of a GLBM type is the maximum range to which it has been tested — one figure per type,
not one per test — so for ballistic and glide systems with ``tested`` claims only the longest counts (the RS-26,
tested to about 5,800 km, is outside the INF bands). A GLCM's range is its range capability (Art. VII(4)), read
claim by claim.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from moratorium.catalog import Claim, System
from moratorium.treaty._model import ItemClass, RangeBand, Treaty

__all__ = [
    "LIMITED",
    "NOT_LIMITED",
    "STRADDLES",
    "ClaimClassification",
    "Interval",
    "claim_interval",
    "class_for",
    "classify_system",
    "counted_range_claims",
    "effective_range_km",
    "interval_status",
    "limited_classes",
]

LIMITED, NOT_LIMITED, STRADDLES = "limited", "not-limited", "straddles-edge"
ABOUT_FRACTION = 0.1
"""``about X`` covers X ± 10 % (modelling assumption)."""
UP_TO_LOW_FRACTION = 0.9
"""``up-to X`` covers [0.9 X, X] (modelling assumption)."""
_EPSILON_KM = 1e-6
_BOUNDS = ("more-than", "less-than")


@dataclass(frozen=True)
class Interval:
    """A range interval in km; ``low_open``/``high_open`` exclude an end (``high`` may be ``inf``)."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def intersects(self, band: RangeBand) -> bool:
        lo_ok = self.high > band.min_km or (self.high == band.min_km and band.min_inclusive and not self.high_open)
        hi_ok = self.low < band.max_km or (self.low == band.max_km and band.max_inclusive and not self.low_open)
        return lo_ok and hi_ok

    def within(self, band: RangeBand) -> bool:
        lo_ok = self.low > band.min_km or (self.low == band.min_km and (band.min_inclusive or self.low_open))
        hi_ok = self.high < band.max_km or (self.high == band.max_km and (band.max_inclusive or self.high_open))
        return lo_ok and hi_ok

    def to_json(self) -> list[float | None]:
        return [self.low, None if math.isinf(self.high) else self.high]


def claim_interval(claim: Claim) -> Interval:
    """The interval of range capability a claim asserts (see the module docstring)."""
    if claim.interval is not None:
        return Interval(float(claim.interval[0]), float(claim.interval[1]))
    x = float(claim.value)
    if claim.qualifier == "about":
        return Interval(x * (1 - ABOUT_FRACTION), x * (1 + ABOUT_FRACTION))
    if claim.qualifier == "up-to":
        return Interval(x * UP_TO_LOW_FRACTION, x)
    if claim.qualifier == "more-than":
        return Interval(x, math.inf, low_open=True)
    if claim.qualifier == "less-than":
        return Interval(0.0, x, high_open=True)
    return Interval(x, x)


def effective_range_km(claim: Claim) -> float:
    """One figure for a claim where one is needed (reach against a distance): the interval's upper end for a
    bound or a figure, just above X for ``more-than X`` (the claim says no more than that)."""
    if claim.qualifier == "more-than" and claim.interval is None:
        return claim.value + _EPSILON_KM
    if claim.qualifier == "less-than" and claim.interval is None:
        return claim.value - _EPSILON_KM
    if claim.interval is not None:
        return float(claim.interval[1])
    return claim.value


def _merged(bands: Iterable[RangeBand]) -> list[RangeBand]:
    """The union of bands as disjoint bands (INF's [500, 1000] and (1000, 5500] become [500, 5500])."""
    out: list[RangeBand] = []
    for b in sorted(bands, key=lambda b: (b.min_km, not b.min_inclusive)):
        if out:
            last = out[-1]
            touches = b.min_km < last.max_km or (b.min_km == last.max_km and (b.min_inclusive or
                                                                                 last.max_inclusive))
            if touches:
                if (b.max_km, b.max_inclusive) > (last.max_km, last.max_inclusive):
                    out[-1] = RangeBand(last.min_km, b.max_km, last.min_inclusive, b.max_inclusive)
                continue
        out.append(b)
    return out


def interval_status(interval: Interval, bands: Collection[RangeBand]) -> str:
    """``limited`` if ``interval`` lies inside the union of ``bands``, ``not-limited`` if it misses them all,
    ``straddles-edge`` otherwise."""
    merged = _merged(bands)
    if any(interval.within(b) for b in merged):
        return LIMITED
    if any(interval.intersects(b) for b in merged):
        return STRADDLES
    return NOT_LIMITED


def class_bands(system: System, classes: Collection[str], treaty: Treaty, *,
                basing: str = "ground") -> list[RangeBand]:
    """The bands of ``classes`` that apply to ``system``'s type when ``basing``-launched."""
    return [c.band for c in treaty.item_classes
            if c.id in classes and system.type in c.types and basing in c.basing]


def counted_range_claims(system: System) -> tuple[tuple[Claim, ...], str | None]:
    """The claims that decide a system's class, and why others do not count.

    Unverified claims never decide unless nothing else is known; a bound (``more-than``/``less-than``) decides only
    where no figure is claimed; for a GLBM type with ``tested`` claims only the longest tested range counts (INF
    Art. VII(4)).
    """
    claims = tuple(c for c in system.ranges_km if not c.unverified) or system.ranges_km
    figures = tuple(c for c in claims if c.qualifier not in _BOUNDS or c.interval is not None)
    if figures and len(figures) < len(claims):
        # a bound ("more than 500 km" flown in a test) constrains a figure but is not one: it decides only where
        # nobody claims a figure
        claims = figures
        note: str | None = "a bound (more than / less than) does not count where a figure is claimed"
    else:
        note = None
    if system.type in ("ballistic", "glide"):
        tested = [c for c in claims if c.qualifier == "tested"]
        if tested:
            longest = max(tested, key=lambda c: claim_interval(c).high)
            return (longest,), (f"INF Art. VII(4): a GLBM type's range is the maximum range to which it has been "
                                f"tested ({longest.claimant}: {longest.value:g} km)")
    return claims, note


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
    status: str = NOT_LIMITED
    interval: Interval | None = None
    counted: bool = True

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
            "status": self.status,
            "interval": self.interval.to_json() if self.interval else None,
            "counted": self.counted,
        }


def limited_classes(treaty: Treaty) -> set[str]:
    """Item classes that some obligation or reciprocity condition of ``treaty`` names."""
    named: set[str] = set()
    for ob in treaty.obligations:
        named.update(ob.item_classes)
        for lc in ob.launcher_classes:
            named.update(treaty.launcher_class(lc).fires)
    for cond in treaty.reciprocity:
        named.update(cond.item_classes)
    return named


def classify_system(system: System, treaty: Treaty) -> list[ClaimClassification]:
    """Classify ``system`` under each of its range claims (ground-launched, as the INF band is defined).

    ``limited`` is true only for a claim whose whole interval is in a limited class (``status: limited``); a
    claim that straddles a band edge is never a definite member of a class.
    """
    limited = limited_classes(treaty)
    named_explicitly = any(system.id in ob.systems for ob in treaty.obligations)
    ground = "ground" in system.basing
    bands = class_bands(system, limited, treaty) if ground else []
    counted, why = counted_range_claims(system)
    rows = []
    for claim in system.ranges_km:
        interval = claim_interval(claim)
        item_class = class_for(system, effective_range_km(claim), treaty) if ground else None
        note = claim.note
        if named_explicitly:
            status = LIMITED
            note = "named explicitly by an obligation of this treaty, whatever its range"
        elif not ground:
            status = NOT_LIMITED
            note = "not ground-launched: outside the treaty's classes unless fielded on a ground launcher"
        else:
            status = interval_status(interval, bands)
        is_counted = claim in counted
        if not is_counted and why:
            note = f"not counted: {why}"
        rows.append(ClaimClassification(
            claim=claim.id, claimant=claim.claimant, range_km=claim.value, source=claim.source,
            item_class=item_class.id if item_class else None, limited=status == LIMITED,
            qualifier=claim.qualifier, unverified=claim.unverified, note=note, status=status, interval=interval,
            counted=is_counted))
    return rows
