"""Serialise reach results: GeoJSON (RFC 7946), KML 2.2 (OGC 07-147r2) and CSV (RFC 4180).

GeoJSON features: the site (Point, ``role: "site"``), the range ring (Polygon or MultiPolygon split at the
antimeridian, ``role: "ring"``) and one Point per target in range with the JSON keys of ``moratorium reach``
(``role: "target"``). KML carries the same three kinds of placemark; CSV carries only the targets.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape

from moratorium.geo.reach import ReachHit, ReachResult

__all__ = ["CSV_COLUMNS", "dumps_geojson", "to_csv", "to_geojson", "to_kml"]

CSV_COLUMNS = tuple(ReachHit.__dataclass_fields__)


def to_geojson(result: ReachResult) -> dict[str, Any]:
    """A FeatureCollection of the site, its ring and the targets in range."""
    site = result.site
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
         "properties": {"role": "site", "name": site.name, "id": site.id}},
        {"type": "Feature", "geometry": result.ring().geojson_geometry(),
         "properties": {"role": "ring", "range_km": result.choice.range_km, "label": result.choice.label,
                        "system": result.choice.system, "claim": result.choice.claim,
                        "claimant": result.choice.claimant}},
    ]
    for hit in result.hits:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [hit.lon, hit.lat]},
                         "properties": {"role": "target", **hit.as_dict()}})
    return {"type": "FeatureCollection", "features": features}


def to_csv(result: ReachResult) -> str:
    """The targets in range, one row each, with a header row of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in result.as_records():
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def _coords(points: Any) -> str:
    return " ".join(f"{lon:.6f},{lat:.6f},0" for lon, lat in points)


def to_kml(result: ReachResult) -> str:
    """A KML 2.2 document with the site, the ring polygon(s) and the targets as placemarks."""
    site = result.site
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        f"<name>{escape(site.name)}: {escape(result.choice.label)}</name>",
        f"<Placemark><name>{escape(site.name)}</name>"
        f"<Point><coordinates>{site.lon:.6f},{site.lat:.6f},0</coordinates></Point></Placemark>",
    ]
    polys = "".join(
        f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_coords(p)}</coordinates>"
        f"</LinearRing></outerBoundaryIs></Polygon>" for p in result.ring().parts
    )
    parts.append(f"<Placemark><name>{escape(result.choice.label)}</name>"
                 f"<MultiGeometry>{polys}</MultiGeometry></Placemark>")
    for hit in result.hits:
        data = "".join(f'<Data name="{k}"><value>{escape(str(v))}</value></Data>'
                       for k, v in hit.as_dict().items())
        parts.append(f"<Placemark><name>{escape(hit.name)}</name><ExtendedData>{data}</ExtendedData>"
                     f"<Point><coordinates>{hit.lon:.6f},{hit.lat:.6f},0</coordinates></Point></Placemark>")
    parts.append("</Document></kml>")
    return "\n".join(parts) + "\n"


def dumps_geojson(result: ReachResult) -> str:
    """:func:`to_geojson` as compact JSON text."""
    return json.dumps(to_geojson(result), ensure_ascii=False)
