"""Which zone a place is in, from its country and Russian federal subject (or, for some definitions, geometry).

A zone is a union of countries (ISO 3166-1 alpha-3), Russian federal subjects, a part of Russia ("european",
"asian", "all") and catalogue sites. "European Russia" follows the treaty's ``european_russia`` setting:
``federal-districts`` is decided by the subject alone (``moratorium.catalog.regions``); the line-based definitions
(``urals-line``, ``attu``, ``continental``) need the point's coordinates and the polygons of ``moratorium.geo``.
"""

from __future__ import annotations

from dataclasses import dataclass

from moratorium.catalog.regions import CONTESTED_SUBJECTS, EUROPEAN_DISTRICTS, RUSSIAN_SUBJECTS
from moratorium.errors import InputError
from moratorium.treaty._model import Treaty, Zone

__all__ = ["Place", "in_zone", "is_european_russia"]


@dataclass(frozen=True)
class Place:
    """Where something is: a catalogue site or an ad-hoc point."""

    country: str
    lat: float
    lon: float
    subject: str | None = None
    site: str | None = None
    name: str | None = None


def is_european_russia(place: Place, definition: str) -> bool:
    """True if ``place`` (in Russia) lies in European Russia under ``definition``."""
    if definition == "federal-districts":
        if place.subject is None or place.subject not in RUSSIAN_SUBJECTS:
            raise InputError(f"a place in Russia needs its federal subject to be placed under the "
                             f"'federal-districts' definition ({place.name or (place.lat, place.lon)})",
                             field="subject")
        return RUSSIAN_SUBJECTS[place.subject][1] in EUROPEAN_DISTRICTS
    from moratorium.geo.zones import which

    location = which(place.lat, place.lon, country="RUS", subject=place.subject)
    return location.parts[definition] == "european-russia"


_DE_JURE_COUNTRY = "UKR"
"""Crimea and Sevastopol (``CONTESTED_SUBJECTS``) are Ukraine's under the de jure reading."""


def _country(place: Place, treaty: Treaty) -> str:
    """The country a place counts as under the treaty's ``territory`` reading: Crimea and Sevastopol are Russian
    only de facto, whichever country a gazetteer or an entry gives for the point (Natural Earth's admin-1 files
    them under Russia's administration); de jure they are Ukraine's."""
    if place.subject in CONTESTED_SUBJECTS:
        return "RUS" if treaty.territorial_view == "de-facto" else _DE_JURE_COUNTRY
    return place.country


def in_zone(place: Place, zone: Zone, treaty: Treaty) -> bool:
    """True if ``place`` lies in ``zone`` under ``treaty``'s definitions."""
    country = _country(place, treaty)
    if country in zone.exclude_countries:
        return False
    if zone.everywhere:
        return True
    if place.site is not None and place.site in zone.sites:
        return True
    if country in zone.countries:
        return True
    if place.subject is not None and place.subject in zone.subjects:
        return True
    if zone.russia is not None and country == "RUS":
        if zone.russia == "all":
            return True
        if zone.russia == "far-east":
            return place.subject is not None and RUSSIAN_SUBJECTS.get(place.subject, ("", ""))[1] == "FE"
        european = is_european_russia(place, treaty.european_russia)
        return european if zone.russia == "european" else not european
    return False
