"""Loading the shipped Natural Earth extracts (see ``data/PROVENANCE.md``); cached, read-only."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from moratorium.errors import NotFoundError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["countries", "country", "country_codes", "country_features", "country_names", "subject", "subjects"]


def _read_geojson(name: str) -> dict[str, Any]:
    raw = resources.files("moratorium.geo").joinpath(f"data/{name}").read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw).decode("utf-8"))
    return data


@lru_cache(maxsize=1)
def country_features() -> tuple[dict[str, Any], ...]:
    """Natural Earth 1:50m admin-0 features (properties iso3, adm0_a3, name, sovereign, continent)."""
    return tuple(_read_geojson("countries.geojson.gz")["features"])


def _code(props: dict[str, Any]) -> str:
    """ISO 3166-1 alpha-3, or Natural Earth's adm0_a3 where ISO has none (Kosovo KOS, N. Cyprus CYN...)."""
    iso3 = props.get("iso3")
    return str(iso3) if iso3 and iso3 != "-99" else str(props["adm0_a3"])


@lru_cache(maxsize=1)
def countries() -> dict[str, BaseGeometry]:
    """ISO3 -> country geometry (shapely, lon/lat degrees), prepared for fast point tests."""
    import shapely
    from shapely.geometry import shape

    parts: dict[str, list[BaseGeometry]] = {}
    for feature in country_features():
        parts.setdefault(_code(feature["properties"]), []).append(shape(feature["geometry"]))
    out = {code: (geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)) for code, geoms in parts.items()}
    for geom in out.values():
        shapely.prepare(geom)
    return out


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO3 -> English short name."""
    return {_code(f["properties"]): str(f["properties"]["name"]) for f in country_features()}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The codes of ``countries()``, read from ``data/iso3.txt`` (a few kB) rather than the 1:50m layer."""
    text = resources.files("moratorium.geo").joinpath("data/iso3.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def country(code: str) -> BaseGeometry:
    """The territory of the country with ISO3 ``code``."""
    found = countries().get(code.upper())
    if found is None:
        raise NotFoundError(f"unknown country {code!r} (ISO 3166-1 alpha-3 expected, e.g. POL)", field="country")
    return found


@lru_cache(maxsize=1)
def subjects() -> dict[str, tuple[str, BaseGeometry]]:
    """ISO 3166-2 code -> (name, geometry) of Russia's federal subjects as Natural Earth draws them."""
    import shapely
    from shapely.geometry import shape

    out: dict[str, tuple[str, BaseGeometry]] = {}
    for feature in _read_geojson("russia_subjects.geojson.gz")["features"]:
        props = feature["properties"]
        geom = shape(feature["geometry"])
        shapely.prepare(geom)
        out[str(props["code"])] = (str(props["name"]), geom)
    return out


def subject(code: str) -> BaseGeometry:
    """The territory of the Russian federal subject with ISO 3166-2 ``code`` (e.g. ``RU-KGD``)."""
    found = subjects().get(code.upper())
    if found is None:
        raise NotFoundError(f"unknown federal subject {code!r} (ISO 3166-2 expected, e.g. RU-KGD)",
                            field="subject")
    return found[1]
