"""Reach analysis: which targets a deployment can reach under a given range claim, and the reverse question.

Every result names the range it used (a catalogue claim with its claimant, or a range given by hand), because the
answer depends on whose figure is believed (DESIGN.md, "Claims, not facts"). Distances are geodesics on WGS84
(``geodesy``), decided exactly with the proven prefilter of ``pairs``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from moratorium.errors import InputError
from moratorium.geo.flight import flight_time_min
from moratorium.geo.geodesy import check_lat_lon, check_range_km, parse_lat_lon
from moratorium.geo.pairs import pairs_within
from moratorium.geo.rings import RangeRing, range_ring
from moratorium.geo.targets import Target, find_target, load_targets

if TYPE_CHECKING:
    from moratorium.catalog import Catalog, Claim, System

__all__ = [
    "RangeChoice",
    "ReachDiff",
    "ReachHit",
    "ReachResult",
    "ReverseResult",
    "SitePoint",
    "SiteReach",
    "reach",
    "reach_diff",
    "resolve_ranges",
    "resolve_site",
    "resolve_target",
    "reverse_reach",
]


@dataclass(frozen=True)
class SitePoint:
    """A launch point: a catalogue site (``id`` set) or coordinates given by hand."""

    lat: float
    lon: float
    name: str
    id: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class RangeChoice:
    """The range used for an analysis and where it comes from (a claim of a system, or a bare number)."""

    range_km: float
    system: str | None = None
    system_type: str | None = None
    speed_kmh: float | None = None
    claim: str | None = None
    claimant: str | None = None

    @property
    def label(self) -> str:
        if self.system is None:
            return f"{self.range_km:g} km"
        return f"{self.system} {self.claim} ({self.claimant}): {self.range_km:g} km"


@dataclass(frozen=True)
class ReachHit:
    """A target in range. The field names are the JSON keys of ``moratorium reach --format json``."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    is_capital: bool
    distance_km: float
    flight_time_min: float | None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["distance_km"] = round(self.distance_km, 3)
        if self.flight_time_min is not None:
            d["flight_time_min"] = round(self.flight_time_min, 1)
        return d


@dataclass(frozen=True)
class ReachResult:
    """Targets within ``choice.range_km`` of ``site``, sorted by distance."""

    site: SitePoint
    choice: RangeChoice
    targets: str
    min_population: int
    hits: tuple[ReachHit, ...]

    @property
    def population(self) -> int:
        return sum(h.population for h in self.hits)

    @property
    def capitals(self) -> tuple[ReachHit, ...]:
        return tuple(h for h in self.hits if h.is_capital)

    def ring(self, n_vertices: int = 360) -> RangeRing:
        return range_ring(self.site.lat, self.site.lon, self.choice.range_km, n_vertices=n_vertices)

    def as_records(self) -> list[dict[str, Any]]:
        return [h.as_dict() for h in self.hits]

    def to_dataframe(self) -> Any:
        """The hits as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.as_records(), columns=list(ReachHit.__dataclass_fields__))


def resolve_site(spec: str, *, catalog: Catalog | None = None) -> SitePoint:
    """``"LAT,LON"`` or a catalogue site id -> :class:`SitePoint`."""
    spec = spec.strip()
    if "," in spec:
        lat, lon = parse_lat_lon(spec, what="site")
        return SitePoint(lat, lon, f"{lat:g},{lon:g}")
    if catalog is None:
        from moratorium.catalog import load_catalog

        catalog = load_catalog()
    site = catalog.site(spec)
    return SitePoint(site.lat, site.lon, site.name, site.id, site.country)


def resolve_target(spec: str) -> SitePoint:
    """``"LAT,LON"`` or a place name (``"Riga"``, ``"Paris/FRA"``) -> :class:`SitePoint`."""
    if "," in spec and all(_is_number(p) for p in spec.split(",")):
        lat, lon = parse_lat_lon(spec, what="target")
        return SitePoint(lat, lon, f"{lat:g},{lon:g}")
    t = find_target(spec)
    return SitePoint(t.lat, t.lon, t.name, None, t.country)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _choice(system: System, claim: Claim) -> RangeChoice:
    speeds = [c.value for c in system.speeds_kmh]
    return RangeChoice(check_range_km(claim.value, what=f"{system.id} claim {claim.id}"), system.id, system.type,
                       speeds[0] if speeds else None, claim.id, claim.claimant)


def resolve_ranges(
    *,
    system: str | None = None,
    claims: tuple[str, ...] = (),
    range_km: float | None = None,
    all_claims: bool = False,
    catalog: Catalog | None = None,
) -> list[RangeChoice]:
    """The ranges to analyse: ``range_km`` by hand, or ``system``'s ``claims`` (ids or claimants).

    With a system and no claim: every claim when ``all_claims``, else the longest claim (the worst case), so the
    result still names the claim it rests on.
    """
    if range_km is not None and system is not None:
        raise InputError("give either --range-km or --system, not both")
    if range_km is not None:
        return [RangeChoice(check_range_km(range_km, what="--range-km"))]
    if system is None:
        if claims:
            raise InputError("--claim needs --system")
        raise InputError("give --system SYSTEM_ID (with --claim CLAIMANT) or --range-km R")
    if catalog is None:
        from moratorium.catalog import load_catalog

        catalog = load_catalog()
    sys_ = catalog.system(system)
    if not sys_.ranges_km:
        raise InputError(f"system {sys_.id} has no range claim")
    if claims:
        return [_choice(sys_, sys_.claim(c)) for c in claims]
    if all_claims:
        return [_choice(sys_, c) for c in sorted(sys_.ranges_km, key=lambda c: c.value)]
    return [_choice(sys_, max(sys_.ranges_km, key=lambda c: c.value))]


def _flight_min(distance_km: float, choice: RangeChoice) -> float | None:
    if choice.system_type is None:
        return None
    try:
        return flight_time_min(distance_km, system_type=choice.system_type, speed_kmh=choice.speed_kmh)
    except InputError:
        return None


def reach(
    site: SitePoint, choice: RangeChoice, *, targets: str = "capitals", min_population: int = 0
) -> ReachResult:
    """Targets of set ``targets`` (``capitals``/``cities``) with population >= ``min_population`` that lie
    within ``choice.range_km`` of ``site`` (geodesic on WGS84), sorted by distance then name."""
    check_lat_lon(site.lat, site.lon, what="site")
    table = load_targets(targets, min_population=min_population)
    found = pairs_within(site.lat, site.lon, choice.range_km, table.lat, table.lon)
    hits = []
    for j, d_km in zip(found.target_index, found.distance_km, strict=True):
        t: Target = table.targets[int(j)]
        hits.append(ReachHit(t.name, t.country, t.lat, t.lon, t.population, t.is_capital, float(d_km),
                             _flight_min(float(d_km), choice)))
    hits.sort(key=lambda h: (h.distance_km, h.name))
    return ReachResult(site, choice, targets, min_population, tuple(hits))


@dataclass(frozen=True)
class SiteReach:
    """A catalogue site within range of a target, with its distance in km."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    distance_km: float


@dataclass(frozen=True)
class ReverseResult:
    """The area from which ``target`` is within ``range_km`` (a geodesic disc, by symmetry of distance) and the
    catalogue sites inside it."""

    target: SitePoint
    range_km: float
    sites: tuple[SiteReach, ...]

    def ring(self, n_vertices: int = 360) -> RangeRing:
        return range_ring(self.target.lat, self.target.lon, self.range_km, n_vertices=n_vertices)

    def as_dict(self) -> dict[str, Any]:
        return {"target": asdict(self.target), "range_km": self.range_km,
                "sites": [{**asdict(s), "distance_km": round(s.distance_km, 3)} for s in self.sites],
                "area": self.ring().geojson_geometry()}


def reverse_reach(target: SitePoint, range_km: float, *, catalog: Catalog | None = None) -> ReverseResult:
    """Catalogue sites from which ``target`` is within ``range_km``, sorted by distance."""
    from moratorium.geo.geodesy import distance_km

    check_lat_lon(target.lat, target.lon, what="target")
    range_km = check_range_km(range_km, what="--range-km")
    if catalog is None:
        from moratorium.catalog import load_catalog

        catalog = load_catalog()
    sites = list(catalog.sites.values())
    d_km = distance_km(target.lat, target.lon, [s.lat for s in sites], [s.lon for s in sites])
    inside = [SiteReach(s.id, s.name, s.country, s.lat, s.lon, float(d))
              for s, d in zip(sites, d_km, strict=True) if d <= range_km]
    inside.sort(key=lambda s: (s.distance_km, s.id))
    return ReverseResult(target, range_km, tuple(inside))


@dataclass(frozen=True)
class ReachDiff:
    """What changes from result ``a`` to result ``b``: targets gained and lost, and their populations."""

    a: ReachResult
    b: ReachResult
    gained: tuple[ReachHit, ...]
    lost: tuple[ReachHit, ...]

    @property
    def population_gained(self) -> int:
        return sum(h.population for h in self.gained)

    @property
    def population_lost(self) -> int:
        return sum(h.population for h in self.lost)

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": asdict(self.a.site), "a": self.a.choice.label, "b": self.b.choice.label,
            "targets_a": len(self.a.hits), "targets_b": len(self.b.hits),
            "population_a": self.a.population, "population_b": self.b.population,
            "gained": [h.as_dict() for h in self.gained], "lost": [h.as_dict() for h in self.lost],
            "population_gained": self.population_gained, "population_lost": self.population_lost,
        }


def reach_diff(a: ReachResult, b: ReachResult) -> ReachDiff:
    """Targets in ``b`` but not ``a`` (gained) and in ``a`` but not ``b`` (lost), by (name, country, position)."""
    def key(h: ReachHit) -> tuple[str, str, float, float]:
        return (h.name, h.country, h.lat, h.lon)

    in_a, in_b = {key(h) for h in a.hits}, {key(h) for h in b.hits}
    return ReachDiff(a, b, tuple(h for h in b.hits if key(h) not in in_a),
                     tuple(h for h in a.hits if key(h) not in in_b))
