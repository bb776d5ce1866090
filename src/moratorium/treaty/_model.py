"""The treaty model: frozen values built from a validated treaty file (see ``_schema.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from moratorium.treaty.readings import Reading

__all__ = [
    "EUROPEAN_RUSSIA_DEFINITIONS",
    "Activity",
    "InspectionRight",
    "ItemClass",
    "LauncherClass",
    "NotificationDuty",
    "Obligation",
    "ObligationKind",
    "Party",
    "QuotaStep",
    "RangeBand",
    "Reciprocity",
    "Source",
    "Treaty",
    "Verification",
    "Zone",
]

ObligationKind = Literal["ban", "ceiling", "freeze", "reach-ban"]
Activity = Literal["deploy", "possess", "produce", "flight-test"]

EUROPEAN_RUSSIA_DEFINITIONS = ("federal-districts", "urals-line", "attu", "continental")
"""Ways to draw "European Russia" (reference/catalog.md, "Zones"); a treaty file picks one."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class RangeBand:
    """A range interval in km with the treaty's own inclusive/exclusive ends (INF Art. II)."""

    min_km: float
    max_km: float
    min_inclusive: bool = True
    max_inclusive: bool = True

    def contains(self, range_km: float) -> bool:
        above = range_km >= self.min_km if self.min_inclusive else range_km > self.min_km
        below = range_km <= self.max_km if self.max_inclusive else range_km < self.max_km
        return above and below

    def overlaps(self, other: RangeBand) -> bool:
        lo, hi = (self, other) if self.min_km <= other.min_km else (other, self)
        if hi.min_km < lo.max_km:
            return True
        return hi.min_km == lo.max_km and hi.min_inclusive and lo.max_inclusive

    @property
    def label(self) -> str:
        left = "[" if self.min_inclusive else "("
        right = "]" if self.max_inclusive else ")"
        return f"{left}{self.min_km:g}, {self.max_km:g}{right} km"


@dataclass(frozen=True)
class ItemClass:
    """Missiles of some types and basings within a range band."""

    id: str
    name: str
    types: tuple[str, ...]
    basing: tuple[str, ...]
    band: RangeBand


@dataclass(frozen=True)
class LauncherClass:
    """Launchers counted because of what they can fire (``fires``: item class ids), e.g. Aegis Ashore Mk-41."""

    id: str
    name: str
    fires: tuple[str, ...]
    launchers: tuple[str, ...] = ()
    status_depends_on_payload: bool = False


@dataclass(frozen=True)
class Party:
    """A party: a state (``countries`` = its own territory) or a bloc (``members``)."""

    id: str
    name: str
    kind: str
    countries: tuple[str, ...]
    members: tuple[str, ...] = ()

    @property
    def territory(self) -> tuple[str, ...]:
        return self.countries + tuple(m for m in self.members if m not in self.countries)


@dataclass(frozen=True)
class Zone:
    """A named area: countries (ISO 3166-1 alpha-3), Russian federal subjects, a part of Russia, or sites."""

    id: str
    name: str
    countries: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    russia: str | None = None
    sites: tuple[str, ...] = ()
    everywhere: bool = False
    exclude_countries: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class Obligation:
    """What a party must (not) do: a ban, a numeric ceiling, a freeze, or a reach-defined ban."""

    id: str
    party: str
    kind: ObligationKind
    activity: Activity
    zone: str
    description: str
    item_classes: tuple[str, ...] = ()
    launcher_classes: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    period_from: str | None = None
    period_until: str | None = None
    category: str | None = None
    limit: int | None = None
    freeze_date: str | None = None
    reach_of: str | None = None
    conditional_on: tuple[str, ...] = ()
    """Obligations of other parties this one was offered only in return for: it is not in force until every
    party owing one of them has adopted the treaty (Russia's 9M729 pledge of 26 Oct 2020)."""


@dataclass(frozen=True)
class Reciprocity:
    """``suspends`` are suspended while ``party`` has a deployment of the named classes in ``zone``."""

    id: str
    suspends: tuple[str, ...]
    party: str
    zone: str
    description: str
    item_classes: tuple[str, ...] = ()
    launcher_classes: tuple[str, ...] = ()
    manufacturer: str | None = None


@dataclass(frozen=True)
class QuotaStep:
    """``per_year`` inspections in treaty years ``first_year``..``last_year`` (None: open-ended)."""

    first_year: int
    last_year: int | None
    per_year: int


@dataclass(frozen=True)
class InspectionRight:
    type: str
    description: str
    quota: tuple[QuotaStep, ...] = ()
    notice_h: float | None = None
    duration_h: float | None = None
    extension_h: float | None = None
    team_size: int | None = None
    inspecting: tuple[str, ...] = ()
    inspected: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    site_types: tuple[str, ...] = ()
    assumption: str | None = None

    def quota_for_year(self, treaty_year: int) -> int | None:
        """Inspections allowed in treaty year ``treaty_year`` (1-based); None if the right has no quota."""
        if not self.quota:
            return None
        for step in self.quota:
            if step.first_year <= treaty_year and (step.last_year is None or treaty_year <= step.last_year):
                return step.per_year
        return 0


@dataclass(frozen=True)
class Verification:
    inspections: tuple[InspectionRight, ...] = ()

    def right(self, inspection_type: str) -> InspectionRight | None:
        return next((r for r in self.inspections if r.type == inspection_type), None)


@dataclass(frozen=True)
class NotificationDuty:
    """Notify ``event`` within ``deadline_h`` hours after it (negative: at least that long before)."""

    event: str
    deadline_h: float
    description: str
    parties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Treaty:
    id: str
    name: str
    summary: str
    date: str
    sources: tuple[Source, ...]
    parties: tuple[Party, ...]
    item_classes: tuple[ItemClass, ...]
    launcher_classes: tuple[LauncherClass, ...]
    zones: tuple[Zone, ...]
    obligations: tuple[Obligation, ...]
    reciprocity: tuple[Reciprocity, ...]
    verification: Verification
    notifications: tuple[NotificationDuty, ...]
    categories: tuple[str, ...] = ()
    european_russia: str = "federal-districts"
    territorial_view: str = "de-jure"
    in_force_from: str | None = None
    path: str | None = None
    readings: tuple[Reading, ...] = ()
    sha256: str = ""
    """SHA-256 (hex) of the RFC 8785 canonical form of the validated treaty file: what adoption entries pin."""

    def party(self, party_id: str) -> Party:
        from moratorium.errors import NotFoundError

        for p in self.parties:
            if p.id == party_id:
                return p
        raise NotFoundError(f"unknown party {party_id!r} in treaty {self.id}; parties: "
                            f"{', '.join(p.id for p in self.parties)}", field="party")

    def zone(self, zone_id: str) -> Zone:
        return next(z for z in self.zones if z.id == zone_id)

    def item_class(self, class_id: str) -> ItemClass:
        return next(c for c in self.item_classes if c.id == class_id)

    def launcher_class(self, class_id: str) -> LauncherClass:
        return next(c for c in self.launcher_classes if c.id == class_id)

    def obligation(self, obligation_id: str) -> Obligation:
        return next(o for o in self.obligations if o.id == obligation_id)
