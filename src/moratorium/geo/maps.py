"""Offline maps of sites, range rings and targets: a PNG (matplotlib, Agg) and a self-contained HTML page.

Both draw Natural Earth 1:50m country outlines (shipped, ``data/PROVENANCE.md``), the sites, one ring per range
(claim) and the targets; capitals are labelled. The HTML page inlines the vendored Leaflet 1.9.4
(``moratorium/web/static/vendor/leaflet``, BSD-2-Clause) and draws the countries as a vector layer: no CDN, no
tile server, so it opens without a network. The scenario report embeds either by calling :func:`render_png` /
:func:`render_html` (both also return the bytes/text when ``out`` is None).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from moratorium.geo.reach import ReachHit, ReachResult, SitePoint
from moratorium.geo.rings import RangeRing

__all__ = [
    "MapRing",
    "countries_geojson",
    "layers_from_results",
    "render_html",
    "render_png",
]

_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class MapRing:
    """A range ring to draw, with its legend label (e.g. ``"9m729 us (US): 2500 km"``)."""

    ring: RangeRing
    label: str


def layers_from_results(
    results: Sequence[ReachResult],
) -> tuple[list[SitePoint], list[MapRing], list[ReachHit]]:
    """Sites (deduplicated), one ring per result and the union of targets hit, for the render functions."""
    sites: dict[tuple[float, float], SitePoint] = {}
    rings, hits = [], {}
    for r in results:
        sites.setdefault((r.site.lat, r.site.lon), r.site)
        rings.append(MapRing(r.ring(), f"{r.site.name}: {r.choice.label}"))
        for h in r.hits:
            hits[(h.name, h.lat, h.lon)] = h
    return list(sites.values()), rings, list(hits.values())


def _extent(sites: Sequence[SitePoint], rings: Sequence[MapRing]) -> tuple[float, float, float, float]:
    xs = [s.lon for s in sites]
    ys = [s.lat for s in sites]
    for mr in rings:
        for part in mr.ring.parts:
            xs += [p[0] for p in part]
            ys += [p[1] for p in part]
    if not xs:
        return (-180.0, 180.0, -90.0, 90.0)
    pad_x = max(2.0, 0.05 * (max(xs) - min(xs)))
    pad_y = max(2.0, 0.05 * (max(ys) - min(ys)))
    return (max(-180.0, min(xs) - pad_x), min(180.0, max(xs) + pad_x),
            max(-90.0, min(ys) - pad_y), min(90.0, max(ys) + pad_y))


def render_png(
    out: str | Path | None,
    *,
    sites: Sequence[SitePoint],
    rings: Sequence[MapRing],
    targets: Sequence[ReachHit] = (),
    title: str | None = None,
    dpi: int = 110,
) -> bytes:
    """Draw the map with matplotlib's Agg backend; write it to ``out`` (if given) and return the PNG bytes."""
    import io

    import shapely
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    from moratorium.geo import _data
    from moratorium.geo.targets import load_targets

    x0, x1, y0, y1 = _extent(sites, rings)
    fig = Figure(figsize=(11, 7.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_facecolor("#dbe9f4")
    polys = []
    for geom in _data.countries().values():
        for poly in shapely.get_parts(geom):
            polys.append(shapely.get_coordinates(poly.exterior))
    ax.add_collection(PolyCollection(polys, facecolors="#f4f1e8", edgecolors="#8a8a8a", linewidths=0.4))
    for i, mr in enumerate(rings):
        colour = _COLOURS[i % len(_COLOURS)]
        for k, part in enumerate(mr.ring.parts):
            xs, ys = [p[0] for p in part], [p[1] for p in part]
            ax.fill(xs, ys, facecolor=colour, alpha=0.08, edgecolor="none")
            ax.plot(xs, ys, color=colour, linewidth=1.4, label=mr.label if k == 0 else None)
    in_reach = {(t.name, t.lat, t.lon) for t in targets}
    for t in targets:
        ax.plot(t.lon, t.lat, "o", color="#b00000", markersize=2.5 if not t.is_capital else 4)
    for cap in load_targets("capitals").targets:
        if x0 <= cap.lon <= x1 and y0 <= cap.lat <= y1:
            hit = (cap.name, cap.lat, cap.lon) in in_reach
            ax.plot(cap.lon, cap.lat, "s", color="#b00000" if hit else "#444444", markersize=3)
            ax.annotate(cap.name, (cap.lon, cap.lat), xytext=(3, 2), textcoords="offset points", fontsize=6,
                        color="#b00000" if hit else "#333333")
    for s in sites:
        ax.plot(s.lon, s.lat, "^", color="black", markersize=8)
        ax.annotate(s.name, (s.lon, s.lat), xytext=(5, -10), textcoords="offset points", fontsize=8,
                    fontweight="bold")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    mid = math.radians(0.5 * (y0 + y1))
    ax.set_aspect(1.0 / max(0.2, math.cos(mid)))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    if rings:
        ax.legend(loc="lower left", fontsize=7)
    ax.set_title(title or "Reach on WGS84 (geodesic range rings)", fontsize=10)
    fig.text(0.01, 0.005, "Borders: Natural Earth (public domain). Places: GeoNames (CC BY 4.0).", fontsize=6)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def countries_geojson() -> str:
    """Natural Earth countries simplified to about 5 km for the web page, as compact GeoJSON text."""
    import shapely
    from shapely.geometry import mapping

    from moratorium.geo import _data

    feats = []
    for code, geom in sorted(_data.countries().items()):
        simple = shapely.set_precision(shapely.simplify(geom, 0.05, preserve_topology=True), 0.001)
        if simple.is_empty:
            continue
        feats.append({"type": "Feature", "properties": {"iso3": code, "name": _data.country_names()[code]},
                      "geometry": mapping(simple)})
    return json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":"))


def _vendor(name: str) -> str:
    path = resources.files("moratorium").joinpath(f"web/static/vendor/leaflet/{name}")
    return path.read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_html(
    out: str | Path | None,
    *,
    sites: Sequence[SitePoint],
    rings: Sequence[MapRing],
    targets: Sequence[ReachHit] = (),
    title: str | None = None,
) -> str:
    """A single self-contained HTML page (Leaflet and data inlined); written to ``out`` if given, returned."""
    from html import escape

    layers = {
        "sites": [{"name": s.name, "lat": s.lat, "lon": s.lon} for s in sites],
        "rings": [{"label": mr.label, "colour": _COLOURS[i % len(_COLOURS)],
                   "coords": [[lat, lon] for lon, lat in mr.ring.unwrapped_lonlat()]}
                  for i, mr in enumerate(rings)],
        "targets": [t.as_dict() for t in targets],
    }
    page_title = escape(title or "moratorium: reach map")
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{page_title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_vendor("leaflet.css")}</style>
<style>html,body,#map{{height:100%;margin:0}} #map{{background:#dbe9f4}}
.legend{{background:#fff;padding:6px;font:12px sans-serif}}</style>
</head><body><div id="map"></div>
<script>{_vendor("leaflet.js")}</script>
<script>
const ENT = {{'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}};
const esc = s => String(s).replace(/[&<>"']/g, c => ENT[c]);
const COUNTRIES = {countries_geojson()};
const LAYERS = {_script_json(layers)};
const map = L.map('map', {{worldCopyJump: true, minZoom: 1}});
L.geoJSON(COUNTRIES, {{style: {{color: '#8a8a8a', weight: 0.6, fillColor: '#f4f1e8', fillOpacity: 1}},
  onEachFeature: (f, l) => l.bindTooltip(esc(f.properties.name))}}).addTo(map);
const bounds = [];
for (const r of LAYERS.rings) {{
  const p = L.polygon(r.coords, {{color: r.colour, weight: 2, fillOpacity: 0.08}}).bindTooltip(esc(r.label)).addTo(map);
  bounds.push(p.getBounds());
}}
for (const t of LAYERS.targets) {{
  L.circleMarker([t.lat, t.lon], {{radius: t.is_capital ? 5 : 3, color: '#b00000', weight: 1, fillOpacity: 0.8}})
    .bindPopup(`${{esc(t.name)}} (${{esc(t.country)}})<br>${{t.distance_km}} km` +
               (t.flight_time_min === null ? '' : `, ~${{t.flight_time_min}} min`) +
               `<br>population ${{t.population}}`).addTo(map);
}}
for (const s of LAYERS.sites) {{
  L.circleMarker([s.lat, s.lon], {{radius: 7, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 1}})
    .bindTooltip(esc(s.name), {{permanent: true, direction: 'right'}}).addTo(map);
  bounds.push(L.latLngBounds([[s.lat, s.lon], [s.lat, s.lon]]));
}}
if (bounds.length) {{ let b = bounds[0]; for (const x of bounds) b = b.extend(x); map.fitBounds(b.pad(0.05)); }}
else {{ map.setView([50, 30], 3); }}
const legend = L.control({{position: 'bottomleft'}});
legend.onAdd = () => {{ const d = L.DomUtil.create('div', 'legend');
  d.innerHTML = LAYERS.rings.map(
      r => `<span style="color:${{r.colour}}">&#9632;</span> ${{esc(r.label)}}`).join('<br>') +
    '<br><small>Borders: Natural Earth (public domain). Places: GeoNames (CC BY 4.0). Leaflet (BSD-2).</small>';
  return d; }};
legend.addTo(map);
</script></body></html>
"""
    if out is not None:
        Path(out).write_text(html, encoding="utf-8")
    return html
