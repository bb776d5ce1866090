"""Serialise reach results, zones and countries: GeoJSON (RFC 7946), KML 2.2 (OGC 07-147r2) and CSV (RFC 4180).

GeoJSON features of one reach result: the site (Point, ``role: "site"``), the range ring (Polygon or MultiPolygon
split at the antimeridian, ``role: "ring"``) and one Point per target in range with the JSON keys of
``moratorium reach`` (``role: "target"``). Polygons follow RFC 7946 §3.1.6: exteriors counter-clockwise, holes
clockwise (:func:`geojson_geometry`), whatever the winding of the source data. KML carries the same three kinds
of placemark, each kind in its own ``Folder`` (GDAL reads each folder as a layer of one geometry type), rings
wound counter-clockwise as KML 2.2 §10.8 asks, typed fields declared in a ``Schema``, and layer names that GDAL
accepts (:func:`layer_name`: a site given as ``-75,10`` made ``ogr2ogr`` fail). CSV carries only the targets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from moratorium.geo.reach import ReachHit, ReachResult

__all__ = ["CSV_COLUMNS", "dumps_geojson", "geojson_geometry", "layer_name", "results_geojson", "results_kml",
           "to_csv", "to_geojson", "to_kml", "zones_geojson"]

CSV_COLUMNS = tuple(ReachHit.__dataclass_fields__)

_KML_TYPES = {"name": "string", "country": "string", "lat": "double", "lon": "double", "population": "int",
              "is_capital": "bool", "distance_km": "double", "flight_time_min": "double"}


def geojson_geometry(geom: Any, *, multi: bool = False) -> dict[str, Any]:
    """A shapely (Multi)Polygon as an RFC 7946 geometry: exterior rings counter-clockwise, holes clockwise.
    ``multi``: always a MultiPolygon (a layer of one geometry type for GDAL)."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, mapping

    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    if multi and isinstance(oriented, Polygon):
        oriented = MultiPolygon([oriented])
    return dict(mapping(oriented))


def layer_name(text: str) -> str:
    """A layer name GDAL and its output drivers accept: letters, digits and ``_``, starting with a letter."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "layer"
    return slug if slug[0].isalpha() else f"site_{slug}"


def _ring_props(result: ReachResult) -> dict[str, Any]:
    c = result.choice
    return {"role": "ring", "site": result.site.name, "range_km": c.range_km, "label": c.label,
            "system": c.system, "claim": c.claim, "claimant": c.claimant}


def _site_feature(result: ReachResult) -> dict[str, Any]:
    site = result.site
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
            "properties": {"role": "site", "name": site.name, "id": site.id}}


def to_geojson(result: ReachResult) -> dict[str, Any]:
    """A FeatureCollection of the site, its ring and the targets in range."""
    features: list[dict[str, Any]] = [
        _site_feature(result),
        {"type": "Feature", "geometry": geojson_geometry(result.ring().geometry()), "properties": _ring_props(result)},
    ]
    for hit in result.hits:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [hit.lon, hit.lat]},
                         "properties": {"role": "target", **hit.as_dict()}})
    return {"type": "FeatureCollection", "name": layer_name(f"{result.site.name} {result.choice.label}"),
            "features": features}


def results_geojson(results: Sequence[ReachResult], *, name: str = "reach") -> dict[str, Any]:
    """The rings of several results as one GeoJSON layer of MultiPolygons (one geometry type, so GDAL reads it as
    a ``Multi Polygon`` layer), with typed fields ``site``, ``range_km``, ``system``, ``claim``, ``claimant``."""
    from shapely.geometry import MultiPolygon

    features = []
    for r in results:
        geom = r.ring().geometry()
        multi = geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])
        features.append({"type": "Feature", "geometry": geojson_geometry(multi), "properties": _ring_props(r)})
    return {"type": "FeatureCollection", "name": layer_name(name), "features": features}


def to_csv(result: ReachResult) -> str:
    """The targets in range, one row each, with a header row of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in result.as_records():
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def _coords(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{lon:.6f},{lat:.6f},0" for lon, lat in points)


def _kml_polygons(geom: Any) -> str:
    """KML Polygons of a shapely geometry, every ring counter-clockwise (KML 2.2 §10.8.3.4)."""
    import shapely

    out = []
    for poly in shapely.get_parts(shapely.orient_polygons(geom, exterior_cw=False)):
        inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_coords(r.coords[::-1])}</coordinates>"
                        f"</LinearRing></innerBoundaryIs>" for r in poly.interiors)  # holes also CCW in KML
        out.append(f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_coords(poly.exterior.coords)}"
                   f"</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>")
    return "".join(out)


def _schema(schema_id: str, fields: Mapping[str, str]) -> str:
    simple = "".join(f'<SimpleField name={quoteattr(k)} type="{t}"/>' for k, t in fields.items())
    return f'<Schema name="{schema_id}" id="{schema_id}">{simple}</Schema>'


def _data(schema_id: str, values: Mapping[str, Any]) -> str:
    cells = "".join(f"<SimpleData name={quoteattr(k)}>{escape(_kml_value(v))}</SimpleData>"
                    for k, v in values.items() if v is not None)
    return f'<ExtendedData><SchemaData schemaUrl="#{schema_id}">{cells}</SchemaData></ExtendedData>'


def _kml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def results_kml(results: Sequence[ReachResult], *, name: str = "reach") -> str:
    """A KML 2.2 document with three folders — ``sites``, ``rings``, ``targets`` — of one geometry type each."""
    sites: dict[tuple[float, float], Any] = {}
    hits: dict[tuple[str, float, float], ReachHit] = {}
    for r in results:
        sites.setdefault((r.site.lat, r.site.lon), r.site)
        for h in r.hits:
            hits[(h.name, h.lat, h.lon)] = h
    ring_fields = {"site": "string", "range_km": "double", "system": "string", "claim": "string",
                   "claimant": "string"}
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        f"<name>{layer_name(name)}</name>",
        _schema("ring", ring_fields), _schema("target", _KML_TYPES),
        "<Folder><name>sites</name>",
    ]
    for s in sites.values():
        parts.append(f"<Placemark><name>{escape(s.name)}</name>"
                     f"<Point><coordinates>{s.lon:.6f},{s.lat:.6f},0</coordinates></Point></Placemark>")
    parts.append("</Folder><Folder><name>rings</name>")
    for r in results:
        props = {k: v for k, v in _ring_props(r).items() if k in ring_fields}
        parts.append(f"<Placemark><name>{escape(r.site.name)}: {escape(r.choice.label)}</name>"
                     f"{_data('ring', props)}<MultiGeometry>{_kml_polygons(r.ring().geometry())}</MultiGeometry>"
                     f"</Placemark>")
    parts.append("</Folder><Folder><name>targets</name>")
    for h in hits.values():
        parts.append(f"<Placemark><name>{escape(h.name)}</name>{_data('target', h.as_dict())}"
                     f"<Point><coordinates>{h.lon:.6f},{h.lat:.6f},0</coordinates></Point></Placemark>")
    parts.append("</Folder></Document></kml>")
    return "\n".join(parts) + "\n"


def to_kml(result: ReachResult) -> str:
    """A KML 2.2 document of one result: the site, the ring polygon(s) and the targets, a folder each."""
    return results_kml([result], name=f"{result.site.name} {result.choice.label}")


def dumps_geojson(result: ReachResult) -> str:
    """:func:`to_geojson` as compact JSON text."""
    return json.dumps(to_geojson(result), ensure_ascii=False)


def zones_geojson(zones: Iterable[Any], *, european_russia: str, treaty_id: str, territory: str = "de-jure",
                  tolerance_deg: float = 0.05) -> dict[str, Any]:
    """A treaty's zones (``moratorium.treaty.Zone``) as an RFC 7946 FeatureCollection of (Multi)Polygons,
    simplified to about ``tolerance_deg``, Crimea drawn as the treaty's ``territory`` reading counts it
    (``zone_polygon``). A zone that is everywhere, or that cannot be drawn (e.g. made only of
    sites), is listed under ``skipped`` with the reason rather than dropped silently. The one function the CLI
    (``zones export``) and the node's ``/v1/geo/zones`` use."""
    import shapely

    from moratorium.errors import InputError
    from moratorium.geo.zones import zone_polygon

    feats, skipped = [], []
    for zone in zones:
        if zone.everywhere:
            skipped.append({"id": zone.id, "reason": "everywhere"})
            continue
        parts = [f"{zone.russia}-russia"] if zone.russia else []
        try:
            geom = zone_polygon(countries=zone.countries, subjects=zone.subjects, parts=parts,
                                european_russia=european_russia, territory=territory)
        except InputError as exc:
            skipped.append({"id": zone.id, "reason": exc.message})
            continue
        simple = shapely.set_precision(shapely.simplify(geom, tolerance_deg, preserve_topology=True), 0.001)
        if simple.is_empty:
            skipped.append({"id": zone.id, "reason": "no area"})
            continue
        feats.append({"type": "Feature", "properties": {"id": zone.id, "name": zone.name},
                      "geometry": geojson_geometry(simple, multi=True)})
    return {"type": "FeatureCollection", "name": layer_name(f"{treaty_id} zones"), "treaty": treaty_id,
            "features": feats, "skipped": skipped}
