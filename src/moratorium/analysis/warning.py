"""Minutes of warning: flight time from a launch site to each target, per range claim and flight profile.

For every target the answer names the range claim (is the target in reach under it?), the flight profile
(``moratorium.geo.flight``: minimum-energy or depressed ballistic, boost-glide at a sourced speed, cruise at a
sourced or assumed speed) and the profile's assumptions. The shortest of the profiles is the warning a defender
must plan for. Speeds come from the catalogue's ``speeds_kmh`` claims, else from this package's
``data/speeds.yaml`` (sourced claims waiting to move into the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from moratorium.catalog import Catalog, Claim, System, load_catalog
from moratorium.errors import InputError
from moratorium.geo.flight import FlightProfile, flight_profiles
from moratorium.geo.reach import SitePoint, reach, resolve_ranges, resolve_site, resolve_target

__all__ = ["STRIKE_TYPES", "TargetWarning", "WarningResult", "speed_claim", "warning", "warning_minutes"]

STRIKE_TYPES = ("ballistic", "cruise", "glide")


@lru_cache(maxsize=1)
def _extra_speeds() -> dict[str, tuple[Claim, ...]]:
    import yaml

    text = resources.files("moratorium.analysis").joinpath("data/speeds.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    out: dict[str, tuple[Claim, ...]] = {}
    for row in doc["speeds"]:
        out[row["system"]] = tuple(
            Claim(id=c["id"], value=float(c["value"]), claimant=c["claimant"], source=c["source"],
                  date=str(c["date"]), qualifier=c.get("qualifier"), unverified=bool(c.get("unverified", False)),
                  note=c.get("note")) for c in row["claims"])
    return out


def speed_claim(system: System) -> Claim | None:
    """The speed claim a profile uses for ``system``: the catalogue's first, else this package's data file."""
    if system.speeds_kmh:
        return system.speeds_kmh[0]
    extra = _extra_speeds().get(system.id)
    return extra[0] if extra else None


def warning_minutes(system: System, distance_km: float) -> list[FlightProfile]:
    """Every applicable flight profile of ``system`` over ``distance_km`` (empty for interceptors)."""
    if system.type not in STRIKE_TYPES:
        return []
    claim = speed_claim(system)
    return flight_profiles(distance_km, system_type=system.type, speed_kmh=claim.value if claim else None,
                           speed_source=f"{claim.claimant}: {claim.source}" if claim else None)


@dataclass(frozen=True)
class TargetWarning:
    """Warning at one target under one range claim."""

    target: str
    country: str
    distance_km: float
    claim: str
    claimant: str
    range_km: float
    in_reach: bool
    profiles: tuple[FlightProfile, ...]

    @property
    def shortest(self) -> FlightProfile | None:
        return min(self.profiles, key=lambda p: p.minutes) if self.profiles else None

    def to_json(self) -> dict[str, Any]:
        best = self.shortest
        return {"target": self.target, "country": self.country, "distance_km": round(self.distance_km, 3),
                "claim": self.claim, "claimant": self.claimant, "range_km": self.range_km,
                "in_reach": self.in_reach,
                "shortest": None if best is None else {"profile": best.profile, "minutes": round(best.minutes, 2)},
                "profiles": [p.to_json() for p in self.profiles]}


@dataclass(frozen=True)
class WarningResult:
    site: SitePoint
    system: System
    rows: tuple[TargetWarning, ...]

    def to_json(self) -> dict[str, Any]:
        speed = speed_claim(self.system)
        return {"site": {"id": self.site.id, "name": self.site.name, "lat": self.site.lat, "lon": self.site.lon},
                "system": self.system.id, "type": self.system.type,
                "speed_claim": None if speed is None else {"value_kmh": speed.value, "qualifier": speed.qualifier,
                                                           "claimant": speed.claimant, "source": speed.source},
                "warnings": [r.to_json() for r in self.rows]}


def warning(site: str, system: str, *, claims: tuple[str, ...] = (), targets: tuple[str, ...] = ("capitals",),
            catalog: Catalog | None = None) -> WarningResult:
    """Warning times from ``site`` (catalogue id or LAT,LON) for ``system`` under ``claims`` (default: every
    range claim) to ``targets``: ``("capitals",)`` for every national capital in reach under some claim, or
    place names / LAT,LON points (reported whether in reach or not)."""
    catalog = catalog or load_catalog()
    point = resolve_site(site, catalog=catalog)
    sys_ = catalog.system(system)
    if sys_.type not in STRIKE_TYPES:
        raise InputError(f"{sys_.id} is a {sys_.type}: it has no flight to ground targets", field="--system")
    choices = resolve_ranges(system=sys_.id, claims=claims, all_claims=not claims, catalog=catalog)
    rows: list[TargetWarning] = []
    if list(targets) == ["capitals"]:
        for choice in choices:
            for h in reach(point, choice, targets="capitals").hits:
                rows.append(TargetWarning(h.name, h.country, h.distance_km, choice.claim or "", choice.claimant or "",
                                          choice.range_km, True, tuple(warning_minutes(sys_, h.distance_km))))
    else:
        from moratorium.geo.geodesy import distance_km

        if "capitals" in targets:
            raise InputError("give --targets capitals alone, or place names / LAT,LON points", field="--targets")
        for spec in targets:
            t = resolve_target(spec)
            d = float(distance_km(point.lat, point.lon, [t.lat], [t.lon])[0])
            for choice in choices:
                rows.append(TargetWarning(t.name, t.country or "", d, choice.claim or "", choice.claimant or "",
                                          choice.range_km, d <= choice.range_km, tuple(warning_minutes(sys_, d))))
    rows.sort(key=lambda r: (r.distance_km, r.target, r.range_km))
    return WarningResult(point, sys_, tuple(rows))
