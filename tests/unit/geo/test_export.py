"""GeoJSON, KML and CSV round trips."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET

from moratorium.geo import export
from moratorium.geo.reach import ReachResult, reach, resolve_ranges, resolve_site


def _result() -> ReachResult:
    return reach(resolve_site("64.7,177.5"), resolve_ranges(range_km=2500.0)[0], targets="cities",
                 min_population=50_000)


def test_geojson_round_trip_and_antimeridian_ring() -> None:
    result = _result()
    data = json.loads(export.dumps_geojson(result))
    roles = [f["properties"]["role"] for f in data["features"]]
    assert roles[:2] == ["site", "ring"] and roles.count("target") == len(result.hits) > 0
    assert data["features"][1]["geometry"]["type"] == "MultiPolygon"
    targets = [f for f in data["features"] if f["properties"]["role"] == "target"]
    assert [t["properties"]["name"] for t in targets] == [h.name for h in result.hits]
    for f in targets:
        lon, lat = f["geometry"]["coordinates"]
        assert (f["properties"]["lat"], f["properties"]["lon"]) == (lat, lon)


def test_kml_parses() -> None:
    result = _result()
    root = ET.fromstring(export.to_kml(result))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = root.findall(".//k:Placemark", ns)
    assert len(placemarks) == 2 + len(result.hits)
    assert len(root.findall(".//k:Polygon", ns)) == 2


def test_csv_round_trip() -> None:
    result = _result()
    rows = list(csv.DictReader(io.StringIO(export.to_csv(result))))
    assert tuple(rows[0]) == export.CSV_COLUMNS
    assert [float(r["distance_km"]) for r in rows] == [round(h.distance_km, 3) for h in result.hits]


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace formula on lon/lat: positive for a counter-clockwise ring (independent of shapely)."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring))


def _polygons(geometry: dict[str, object]) -> list[list[list[list[float]]]]:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else list(coords)  # type: ignore[list-item,arg-type]


def _assert_rfc7946(features: list[dict[str, object]]) -> int:
    checked = 0
    for f in features:
        geom = f["geometry"]
        if not isinstance(geom, dict) or geom["type"] not in ("Polygon", "MultiPolygon"):
            continue
        for poly in _polygons(geom):
            assert _signed_area(poly[0]) > 0, f.get("properties")  # exterior counter-clockwise
            for hole in poly[1:]:
                assert _signed_area(hole) < 0, f.get("properties")  # holes clockwise
            checked += 1
    return checked


def test_countries_wind_as_rfc7946_says() -> None:
    """Regression: the countries the API and the maps serve wound clockwise (RFC 7946 §3.1.6)."""
    from moratorium.geo.maps import countries_geojson

    doc = json.loads(countries_geojson())
    assert _assert_rfc7946(doc["features"]) > 200
    assert {f["geometry"]["type"] for f in doc["features"]} == {"MultiPolygon"}


def test_zones_wind_as_rfc7946_says_and_none_is_dropped_silently() -> None:
    """Regression: the zones the API serves wound clockwise; a zone that could not be drawn vanished."""
    from moratorium.treaty import load_treaty

    treaty = load_treaty("ru-2020-offer")
    doc = export.zones_geojson(treaty.zones, european_russia=treaty.european_russia, treaty_id=treaty.id)
    assert _assert_rfc7946(doc["features"]) >= 3
    assert {f["properties"]["id"] for f in doc["features"]} | {s["id"] for s in doc["skipped"]} == {
        z.id for z in treaty.zones}


def test_ring_geojson_winds_counter_clockwise() -> None:
    data = json.loads(export.dumps_geojson(_result()))
    assert _assert_rfc7946(data["features"]) == 2


def test_kml_rings_wind_counter_clockwise() -> None:
    """Regression: KML rings were written in the ring's own (clockwise) order; KML 2.2 asks counter-clockwise."""
    root = ET.fromstring(export.to_kml(_result()))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    rings = root.findall(".//k:outerBoundaryIs/k:LinearRing/k:coordinates", ns)
    assert len(rings) == 2
    for el in rings:
        pts = [[float(v) for v in p.split(",")] for p in (el.text or "").split()]
        assert _signed_area(pts) > 0


def test_kml_document_name_is_a_valid_gdal_layer_name() -> None:
    """Regression: a site given as ``-75,10`` made the Document name ``-75,10: 1000 km``, which ogr2ogr refused."""
    result = reach(resolve_site("-75,10"), resolve_ranges(range_km=1000.0)[0])
    root = ET.fromstring(export.to_kml(result))
    name = root.find("{http://www.opengis.net/kml/2.2}Document/{http://www.opengis.net/kml/2.2}name")
    assert name is not None and name.text is not None
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name.text), name.text
    folders = root.findall("{http://www.opengis.net/kml/2.2}Document/{http://www.opengis.net/kml/2.2}Folder/"
                           "{http://www.opengis.net/kml/2.2}name")
    assert [f.text for f in folders] == ["sites", "rings", "targets"]


def test_zones_draw_crimea_as_the_verdicts_count_it() -> None:
    """The map and the verdicts agree: under the default de jure reading a point in Crimea is in no part of Russia
    (``treaty.zones.in_zone``), so the European Russia zone is drawn without Crimea and Sevastopol; de facto it is
    drawn with them."""
    import shapely

    from moratorium.treaty import load_treaty

    simferopol, sevastopol, moscow = (34.10, 44.95), (33.52, 44.60), (37.62, 55.75)
    treaty = load_treaty("ru-2020-offer")
    ids = {z.id for z in treaty.zones if z.russia == "european" and "UKR" not in z.countries}
    assert "european-russia" in ids
    europe = {z.id for z in treaty.zones if "UKR" in z.countries}  # holds Crimea as Ukraine's or as Russia's
    for territory, in_russia in (("de-jure", False), ("de-facto", True)):
        doc = export.zones_geojson(treaty.zones, european_russia=treaty.european_russia, treaty_id=treaty.id,
                                   territory=territory)
        for feature in (f for f in doc["features"] if f["properties"]["id"] in ids):
            shape = shapely.geometry.shape(feature["geometry"])
            assert shape.contains(shapely.Point(moscow))
            for lon, lat in (simferopol, sevastopol):
                assert shape.contains(shapely.Point(lon, lat)) is in_russia, (territory, lon, lat)
        for feature in (f for f in doc["features"] if f["properties"]["id"] in europe):
            shape = shapely.geometry.shape(feature["geometry"])
            assert all(shape.contains(shapely.Point(p)) for p in (simferopol, sevastopol, moscow)), territory
