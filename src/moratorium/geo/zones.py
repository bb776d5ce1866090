"""Zones as polygons: unions of countries, Russian federal subjects and "European"/"Asian" Russia.

A treaty zone is declared as countries (ISO 3166-1 alpha-3), Russian federal subjects (ISO 3166-2) and the parts
``"european-russia"`` / ``"asian-russia"``; what "European Russia" means is the treaty's choice
(``european_russia``), one of :data:`DEFINITIONS` (reference/catalog.md, "Zones"):

``federal-districts``
    The subjects of the Northwestern, Central, Southern, North Caucasian and Volga districts
    (``moratorium.catalog.regions.EUROPEAN_DISTRICTS``). Easy to state, rough at the Urals (all of Bashkortostan
    and Orenburg are European, all of Sverdlovsk and Chelyabinsk Asian).
``urals-line``
    Russia west of the Ural Mountains, the Ural River and the Caspian (``_lines.URALS_LINE``); the Caucasus
    counts as Europe up to the Greater Caucasus watershed, which Russia's southern border follows.
``attu``
    The CFE Treaty's Atlantic-to-the-Urals area: for Russia the same line (west of the Urals, the Ural River and
    the Caspian), so the same polygon as ``urals-line``; kept as its own name because treaties cite it.
``continental``
    The urals-line with the Kuma-Manych Depression as the boundary in the Caucasus: Russia south of it
    (Krasnodar's Black Sea coast, the North Caucasus republics) is Asian.

Every point of Russia is in exactly one of the two parts under each definition. Polygons are shapely geometries
in lon/lat degrees built from the shipped Natural Earth data (``data/PROVENANCE.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from moratorium.errors import InputError
from moratorium.geo import _data, _lines
from moratorium.geo.geodesy import check_lat_lon

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from moratorium.catalog import Site

__all__ = [
    "DEFINITIONS",
    "PARTS",
    "Location",
    "SensitivityRow",
    "in_zone",
    "russia_part",
    "sensitivity",
    "which",
    "zone_polygon",
]

DEFINITIONS = ("federal-districts", "urals-line", "attu", "continental")
PARTS = ("european-russia", "asian-russia", "far-east-russia", "all-russia")
"""Parts of Russia a zone can name: either side of the European line (under a definition), the Far Eastern
federal district (``russia: far-east``, the default Asia-Pacific reading) or all of Russia."""
_COAST_TOLERANCE_DEG = 0.25  # a point this close to a coast (at sea on the 1:50m outline) still counts


def _check_definition(european_russia: str) -> None:
    if european_russia not in DEFINITIONS:
        raise InputError(f"european_russia: unknown definition {european_russia!r}; "
                         f"choose one of {', '.join(DEFINITIONS)}")


@lru_cache(maxsize=4)
def _asian_side(european_russia: str) -> BaseGeometry:
    """The hand-authored region east (and, for 'continental', south) of the boundary line."""
    import shapely
    from shapely.geometry import Polygon

    polys = [Polygon(p) for p in _lines.ASIAN_SIDE_URALS]
    if european_russia == "continental":
        polys.append(Polygon(_lines.ASIAN_SIDE_CAUCASUS))
    side = shapely.union_all(polys)
    shapely.prepare(side)
    return side


@lru_cache(maxsize=8)
def russia_part(part: str, *, european_russia: str) -> BaseGeometry:
    """The polygon of ``part`` (``"european-russia"`` or ``"asian-russia"``) under ``european_russia``."""
    import shapely

    _check_definition(european_russia)
    if part not in PARTS:
        raise InputError(f"zone part: unknown {part!r}; choose one of {', '.join(PARTS)}")
    if part == "all-russia":
        geom = _data.country("RUS")
    elif part == "far-east-russia":
        from moratorium.catalog.regions import RUSSIAN_SUBJECTS

        geom = shapely.union_all([_data.subject(c) for c, (_, district) in RUSSIAN_SUBJECTS.items()
                                  if district == "FE" and c in _data.subjects()])
    elif european_russia == "federal-districts":
        from moratorium.catalog.regions import EUROPEAN_DISTRICTS, RUSSIAN_SUBJECTS

        european = part == "european-russia"
        codes = [c for c, (_, district) in RUSSIAN_SUBJECTS.items()
                 if (district in EUROPEAN_DISTRICTS) == european and c in _data.subjects()]
        geom = shapely.union_all([_data.subject(c) for c in codes])
    else:
        russia, side = _data.country("RUS"), _asian_side(european_russia)
        geom = russia.intersection(side) if part == "asian-russia" else russia.difference(side)
    shapely.prepare(geom)
    return geom


def zone_polygon(
    *,
    countries: Sequence[str] = (),
    subjects: Sequence[str] = (),
    parts: Sequence[str] = (),
    european_russia: str = "federal-districts",
    territory: str = "de-jure",
) -> BaseGeometry:
    """The union of ``countries`` (ISO3), ``subjects`` (ISO 3166-2) and Russia ``parts`` as one geometry.

    ``territory`` is the treaty's reading of Crimea and Sevastopol (``CONTESTED_SUBJECTS``), as the verdicts
    apply it (``moratorium.treaty.zones``): ``de-jure`` draws them with Ukraine and out of every part of Russia
    (Natural Earth files them under Russia), ``de-facto`` with Russia.
    """
    import shapely

    from moratorium.catalog.regions import CONTESTED_SUBJECTS

    if not (countries or subjects or parts):
        raise InputError("zone: name at least one country, subject or part")
    russian = [_data.country(c) for c in countries if c == "RUS"]
    russian += [russia_part(p, european_russia=european_russia) for p in parts]
    geoms = [_data.country(c) for c in countries if c != "RUS"] + [_data.subject(s) for s in subjects]
    if territory == "de-jure":
        contested = shapely.union_all([_data.subject(s) for s in sorted(CONTESTED_SUBJECTS)])
        russian = [g.difference(contested) for g in russian]
        if "UKR" in countries:
            geoms.append(contested)
    return shapely.union_all(geoms + russian)


@dataclass(frozen=True)
class Location:
    """Where a point is: ``country`` (ISO3 or None at sea), ``subject`` (ISO 3166-2, Russia only) and, in
    Russia, the part under each definition (``parts[definition]``). ``inside`` is False when the point is at sea
    on the 1:50m outline and the country is the nearest within 0.25 degrees (a coastal site)."""

    lat: float
    lon: float
    country: str | None
    subject: str | None
    parts: dict[str, str]
    inside: bool


def _locate(lat: float, lon: float, table: Iterable[tuple[str, BaseGeometry]]) -> tuple[str | None, bool]:
    import shapely
    from shapely.geometry import Point

    items = list(table)
    for code, geom in items:
        if shapely.intersects_xy(geom, lon, lat):
            return code, True
    point = Point(lon, lat)
    near = [(geom.distance(point), code) for code, geom in items
            if geom.bounds[0] - 1 <= lon <= geom.bounds[2] + 1 and geom.bounds[1] - 1 <= lat <= geom.bounds[3] + 1]
    near = [n for n in near if n[0] <= _COAST_TOLERANCE_DEG]
    return (min(near)[1], False) if near else (None, False)


def _part_at(lat: float, lon: float, definition: str, subject: str | None) -> str:
    import shapely

    if definition == "federal-districts":
        from moratorium.catalog.regions import EUROPEAN_DISTRICTS, RUSSIAN_SUBJECTS

        if subject is None or subject not in RUSSIAN_SUBJECTS:
            raise InputError(f"zones: no federal subject known at {lat},{lon}")
        return "european-russia" if RUSSIAN_SUBJECTS[subject][1] in EUROPEAN_DISTRICTS else "asian-russia"
    return "asian-russia" if shapely.intersects_xy(_asian_side(definition), lon, lat) else "european-russia"


def which(lat: float, lon: float, *, country: str | None = None, subject: str | None = None) -> Location:
    """Locate (``lat``, ``lon``): country, federal subject, and European/Asian Russia under every definition.

    ``country``/``subject`` override the polygon lookup (a catalogue site states both), which keeps coastal
    points that fall just outside the 1:50m outline on the right side.
    """
    check_lat_lon(lat, lon)
    inside = True
    if country is None:
        country, inside = _locate(lat, lon, _data.countries().items())
    if country == "RUS" and subject is None:
        subject, _ = _locate(lat, lon, ((c, g) for c, (_, g) in _data.subjects().items()))
    parts = {d: _part_at(lat, lon, d, subject) for d in DEFINITIONS} if country == "RUS" else {}
    return Location(lat, lon, country, subject if country == "RUS" else None, parts, inside)


def in_zone(
    lat: float,
    lon: float,
    *,
    countries: Sequence[str] = (),
    subjects: Sequence[str] = (),
    parts: Sequence[str] = (),
    european_russia: str = "federal-districts",
    location: Location | None = None,
) -> bool:
    """Whether a point lies in the zone made of ``countries``, ``subjects`` and Russia ``parts``."""
    _check_definition(european_russia)
    loc = location or which(lat, lon)
    if loc.country is not None and loc.country in {c.upper() for c in countries}:
        return True
    if loc.subject is not None and loc.subject in {s.upper() for s in subjects}:
        return True
    return bool(loc.parts) and loc.parts[european_russia] in set(parts)


@dataclass(frozen=True)
class SensitivityRow:
    """A catalogue site in Russia and its part under each definition; ``changes`` when they disagree."""

    site_id: str
    name: str
    lat: float
    lon: float
    subject: str | None
    parts: dict[str, str]

    @property
    def changes(self) -> bool:
        return len(set(self.parts.values())) > 1


def sensitivity(sites: Iterable[Site] | None = None) -> list[SensitivityRow]:
    """For each Russian site (the catalogue's by default), its part of Russia under every definition."""
    if sites is None:
        from moratorium.catalog import load_catalog

        sites = load_catalog().sites.values()
    rows = []
    for site in sites:
        if site.country != "RUS":
            continue
        loc = which(site.lat, site.lon, country="RUS", subject=site.subject)
        rows.append(SensitivityRow(site.id, site.name, site.lat, site.lon, loc.subject, loc.parts))
    return rows
