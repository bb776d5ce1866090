"""GeoJSON, KML and CSV round trips."""

from __future__ import annotations

import csv
import io
import json
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
