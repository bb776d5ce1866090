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
import textwrap
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
    "system_name",
]

_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class MapRing:
    """A range ring to draw, with its legend label (e.g. ``"Kamyshlov: 9M729 (SSC-8), US claim: 2,500 km"``).

    ``group`` names the layer it belongs to (one per system and claim, for the HTML layer control) and ``short``
    is the label drawn on the ring itself.
    """

    ring: RangeRing
    label: str
    group: str = ""
    short: str = ""


def system_name(system_id: str | None) -> str | None:
    """The catalogue name of a system (``9m729`` -> ``9M729 (SSC-8)``), for titles and legends."""
    if system_id is None:
        return None
    from moratorium.catalog import load_catalog

    found = load_catalog().systems.get(system_id)
    return found.name if found is not None else system_id


def layers_from_results(
    results: Sequence[ReachResult],
) -> tuple[list[SitePoint], list[MapRing], list[ReachHit]]:
    """Sites (deduplicated), one ring per result and the union of targets hit, for the render functions."""
    sites: dict[tuple[float, float], SitePoint] = {}
    rings, hits = [], {}
    for r in results:
        sites.setdefault((r.site.lat, r.site.lon), r.site)
        c = r.choice
        name = system_name(c.system)
        if name is None:
            group, short = f"{c.range_km:,.0f} km", f"{c.range_km:,.0f} km"
        else:
            group = f"{name}: claim {c.claim} ({c.claimant})"
            short = f"{c.range_km:,.0f} km ({c.claimant})"
        label = f"{r.site.name}: {group}" + (f", {c.range_km:,.0f} km" if name is not None else "")
        rings.append(MapRing(r.ring(), label, group, short))
        for h in r.hits:
            hits[(h.name, h.lat, h.lon)] = h
    return list(sites.values()), rings, list(hits.values())


def _centre(sites: Sequence[SitePoint], rings: Sequence[MapRing]) -> tuple[float, float]:
    """The map centre: the site (the mean direction of several sites, or of the ring centres)."""
    pts = [(s.lat, s.lon) for s in sites] or [(mr.ring.lat, mr.ring.lon) for mr in rings] or [(50.0, 30.0)]
    x = sum(math.cos(math.radians(a)) * math.cos(math.radians(o)) for a, o in pts)
    y = sum(math.cos(math.radians(a)) * math.sin(math.radians(o)) for a, o in pts)
    z = sum(math.sin(math.radians(a)) for a, _ in pts)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _nice_km(span_km: float) -> float:
    """A round scale-bar length near a quarter of ``span_km``: 1, 2 or 5 times a power of ten."""
    target = max(span_km / 4.0, 1.0)
    power = 10 ** math.floor(math.log10(target))
    return float(max(m * power for m in (1, 2, 5) if m * power <= target))


def render_png(
    out: str | Path | None,
    *,
    sites: Sequence[SitePoint],
    rings: Sequence[MapRing],
    targets: Sequence[ReachHit] = (),
    title: str | None = None,
    dpi: int = 110,
) -> bytes:
    """Draw the map with matplotlib's Agg backend; write it to ``out`` (if given) and return the PNG bytes.

    The projection is azimuthal equidistant (PROJ ``aeqd`` on WGS84) centred on the site, so distances from the
    site are true to scale and each geodesic range ring is a circle, however long (a 5,500 km ring does not wrap
    the world as on a plain longitude/latitude map). Legends sit outside the map (they never cover a target) and
    labels are placed greedily so that none overlaps another (:func:`moratorium.geo._labels.place`).
    """
    import io

    fig = _draw(sites=sites, rings=rings, targets=targets, title=title, dpi=dpi)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


def _draw(*, sites: Sequence[SitePoint], rings: Sequence[MapRing], targets: Sequence[ReachHit],
          title: str | None, dpi: int) -> Any:
    """The matplotlib Figure of :func:`render_png` (its map axes first, then the legend axes)."""
    import numpy as np
    import shapely
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from pyproj import Transformer

    from moratorium.geo import _data, _labels
    from moratorium.geo.targets import load_targets

    lat0, lon0 = _centre(sites, rings)
    to_map = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m",
                                  always_xy=True)

    def project(lonlat: Any) -> Any:
        arr = np.asarray(lonlat, dtype=float).reshape(-1, 2)
        x, y = to_map.transform(arr[:, 0], arr[:, 1])
        return np.column_stack([x, y])

    ring_xy = [project([*mr.ring.unwrapped_lonlat(), mr.ring.unwrapped_lonlat()[0]]) for mr in rings]
    site_xy = project([(s.lon, s.lat) for s in sites]) if sites else np.zeros((0, 2))
    reach_m = max([float(np.hypot(*xy.T).max()) for xy in ring_xy] + [float(np.hypot(*site_xy.T).max())
                                                                          if len(site_xy) else 0.0])
    half = max(reach_m * 1.08, 600_000.0)
    x0, x1, y0, y1 = -half, half, -half, half

    fig = Figure(figsize=(11, 8), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.04, 0.66, 0.9))
    ax.set_facecolor("#dbe9f4")
    antipode = shapely.Point(lon0 + 180.0 if lon0 <= 0 else lon0 - 180.0, -lat0)
    polys = []
    for geom in _data.countries().values():
        for poly in shapely.get_parts(geom):
            if poly.contains(antipode):  # inside out in this projection
                continue
            xy = project(shapely.get_coordinates(poly.exterior))
            if np.isfinite(xy).all() and np.hypot(*xy.T).min() < 3 * half:
                polys.append(xy)
    ax.add_collection(PolyCollection(polys, facecolors="#f4f1e8", edgecolors="#8a8a8a", linewidths=0.4))
    grid = []
    for lon in range(-180, 180, 10):
        grid.append(project([(lon, lat) for lat in np.linspace(-80, 80, 161)]))
    for lat in range(-80, 90, 10):
        grid.append(project([(lon, lat) for lon in np.linspace(-180, 180, 361)]))
    grid = [g[np.hypot(*g.T) < 3 * half] for g in grid]
    ax.add_collection(LineCollection([g for g in grid if len(g) > 1], colors="#9fb6c8", linewidths=0.3,
                                     zorder=1.5))
    ring_handles = []
    for i, (mr, xy) in enumerate(zip(rings, ring_xy, strict=True)):
        colour = _COLOURS[i % len(_COLOURS)]
        ax.fill(xy[:, 0], xy[:, 1], facecolor=colour, alpha=0.07, edgecolor="none", zorder=2)
        ax.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=1.4, zorder=3)
        text = mr.label if len(sites) > 1 or not mr.group else f"{mr.group}: {mr.short.split(' (')[0]}"
        ring_handles.append(Line2D([], [], color=colour, linewidth=1.6, label=textwrap.fill(text, 44)))
    in_reach = {(t.name, t.lat, t.lon) for t in targets}
    labels: list[_labels.Label] = []
    others = [t for t in targets if not t.is_capital]
    if others:
        xy = project([(t.lon, t.lat) for t in others])
        ax.plot(xy[:, 0], xy[:, 1], "o", color="#b00000", markersize=2.5, zorder=4)
    caps = [c for c in load_targets("capitals").targets]
    cap_xy = project([(c.lon, c.lat) for c in caps])
    for cap, (cx, cy) in zip(caps, cap_xy, strict=True):
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            continue
        hit = (cap.name, cap.lat, cap.lon) in in_reach
        ax.plot(cx, cy, "s", color="#b00000" if hit else "#555555", markersize=3.5 if hit else 3, zorder=5)
        labels.append(_labels.Label(cx, cy, cap.name, priority=1 if hit else 2, fontsize=6.5,
                                    colour="#8b0000" if hit else "#333333"))
    for s, (sx, sy) in zip(sites, site_xy, strict=True):
        ax.plot(sx, sy, "^", color="black", markerfacecolor="#ffd400", markersize=9, zorder=6)
        labels.append(_labels.Label(sx, sy, s.name, priority=0, fontsize=8.5, bold=True, colour="black"))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    bar_km = _nice_km(2 * half / 1000.0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    box = Rectangle((bx - 0.01 * half, by - 0.015 * half), bar_km * 1000 + 0.02 * half, 0.09 * half,
                    facecolor="white", alpha=0.8, edgecolor="none", zorder=7)
    ax.add_patch(box)
    ax.plot([bx, bx + bar_km * 1000], [by, by], color="black", linewidth=3, solid_capstyle="butt", zorder=8)
    ax.text(bx, by + 0.02 * half, f"{bar_km:,.0f} km", fontsize=7, zorder=8)
    _labels.place(ax, labels, avoid=[box])
    symbols = [
        Line2D([], [], marker="^", linestyle="none", color="black", markerfacecolor="#ffd400", markersize=8,
               label="launch site"),
        Line2D([], [], marker="s", linestyle="none", color="#b00000", markersize=4, label="capital in range"),
        Line2D([], [], marker="s", linestyle="none", color="#555555", markersize=4, label="capital out of range"),
    ]
    if others:
        symbols.append(Line2D([], [], marker="o", linestyle="none", color="#b00000", markersize=3,
                              label="other place in range"))
    side = fig.add_axes((0.70, 0.04, 0.29, 0.9))  # legends beside the map: they never cover a target
    side.axis("off")
    if ring_handles:
        first = side.legend(handles=ring_handles, loc="upper left", fontsize=7, title="range rings (one per claim)",
                            title_fontsize=7.5, frameon=False, alignment="left")
        side.add_artist(first)
    side.legend(handles=symbols, loc="lower left", fontsize=7, title="symbols", title_fontsize=7.5,
                frameon=False, alignment="left")
    ax.set_title(title or "Reach on WGS84 (geodesic range rings)", fontsize=10)
    fig.text(0.02, 0.005, f"Azimuthal equidistant projection centred at {lat0:.2f}, {lon0:.2f} (WGS84): distances "
             "from the centre are true to scale. Borders: Natural Earth (public domain). Places: GeoNames "
             "(CC BY 4.0).", fontsize=6)
    return fig


@lru_cache(maxsize=1)
def countries_geojson() -> str:
    """Natural Earth countries simplified to about 5 km for the web page, as compact GeoJSON text."""
    import shapely

    from moratorium.geo import _data
    from moratorium.geo.export import geojson_geometry

    feats = []
    for code, geom in sorted(_data.countries().items()):
        simple = shapely.set_precision(shapely.simplify(geom, 0.05, preserve_topology=True), 0.001)
        if simple.is_empty:
            continue
        feats.append({"type": "Feature", "properties": {"iso3": code, "name": _data.country_names()[code]},
                      "geometry": geojson_geometry(simple, multi=True)})  # RFC 7946 §3.1.6 winding
    return json.dumps({"type": "FeatureCollection", "name": "countries", "features": feats},
                      separators=(",", ":"))


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
        "rings": [{"label": mr.label, "group": mr.group or mr.label, "short": mr.short or mr.label,
                   "colour": _COLOURS[i % len(_COLOURS)],
                   "coords": [[lat, lon] for lon, lat in mr.ring.unwrapped_lonlat()]}
                  for i, mr in enumerate(rings)],
        "targets": [t.as_dict() for t in targets],
    }
    page_title = escape(title or "moratorium: reach map")
    # The view is set from the data before any layer is added: Leaflet cannot place vector layers, tooltips or
    # the SVG renderer on a map without a centre and zoom (the old page threw and stayed blank).
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{page_title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_vendor("leaflet.css")}</style>
<style>html,body,#map{{height:100%;margin:0}} #map{{background:#dbe9f4}}
.legend{{background:#fff;padding:6px;font:12px sans-serif;max-width:22em}}
.ring-label{{background:rgba(255,255,255,.85);border:0;box-shadow:none;font:11px sans-serif;padding:0 3px}}
.site-label{{font-weight:bold}}</style>
</head><body><div id="map" data-ready="false"></div>
<script>{_vendor("leaflet.js")}</script>
<script>
const ENT = {{'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}};
const esc = s => String(s).replace(/[&<>"']/g, c => ENT[c]);
const COUNTRIES = {countries_geojson()};
const LAYERS = {_script_json(layers)};
const map = L.map('map', {{worldCopyJump: true, minZoom: 1}});
const points = [...LAYERS.sites.map(s => [s.lat, s.lon]), ...LAYERS.rings.flatMap(r => r.coords)];
if (points.length) {{ map.fitBounds(L.latLngBounds(points).pad(0.05)); }} else {{ map.setView([50, 30], 3); }}
L.geoJSON(COUNTRIES, {{style: {{color: '#8a8a8a', weight: 0.6, fillColor: '#f4f1e8', fillOpacity: 1}},
  onEachFeature: (f, l) => l.bindTooltip(esc(f.properties.name))}}).addTo(map);
const groups = {{}};
for (const r of LAYERS.rings) {{
  const g = groups[r.group] || (groups[r.group] = L.layerGroup().addTo(map));
  L.polygon(r.coords, {{color: r.colour, weight: 2, fillOpacity: 0.06, className: 'ring'}})
    .bindTooltip(esc(r.label)).addTo(g);
  const top = r.coords.reduce((a, b) => (b[0] > a[0] ? b : a));
  L.tooltip({{permanent: true, direction: 'top', className: 'ring-label'}}).setLatLng(top)
    .setContent(esc(r.short)).addTo(g);
}}
const targetLayer = L.layerGroup().addTo(map);
for (const t of LAYERS.targets) {{
  L.circleMarker([t.lat, t.lon], {{radius: t.is_capital ? 5 : 3, color: '#b00000', weight: 1, fillOpacity: 0.8}})
    .bindTooltip(esc(t.name))
    .bindPopup(`${{esc(t.name)}} (${{esc(t.country)}})<br>${{t.distance_km}} km` +
               (t.flight_time_min === null ? '' : `, ~${{t.flight_time_min}} min`) +
               `<br>population ${{t.population}}`).addTo(targetLayer);
}}
const siteLayer = L.layerGroup().addTo(map);
for (const s of LAYERS.sites) {{
  L.circleMarker([s.lat, s.lon], {{radius: 7, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 1}})
    .bindTooltip(esc(s.name), {{permanent: true, direction: 'right', className: 'site-label'}}).addTo(siteLayer);
}}
const overlays = {{}};
for (const [name, layer] of Object.entries(groups)) overlays[esc(name)] = layer;
overlays['targets in range'] = targetLayer;
overlays['launch sites'] = siteLayer;
L.control.layers(null, overlays, {{collapsed: false}}).addTo(map);
const legend = L.control({{position: 'bottomleft'}});
legend.onAdd = () => {{ const d = L.DomUtil.create('div', 'legend');
  d.innerHTML = LAYERS.rings.map(
      r => `<span style="color:${{r.colour}}">&#9632;</span> ${{esc(r.label)}}`).join('<br>') +
    '<br><span style="color:#b00000">&#9679;</span> target in range (larger: capital)' +
    '<br><span style="color:#ffd400">&#9679;</span> launch site' +
    '<br><small>Borders: Natural Earth (public domain). Places: GeoNames (CC BY 4.0). Leaflet (BSD-2).</small>';
  return d; }};
legend.addTo(map);
document.getElementById('map').dataset.ready = 'true';
document.getElementById('map').dataset.rings = String(LAYERS.rings.length);
</script></body></html>
"""
    if out is not None:
        Path(out).write_text(html, encoding="utf-8")
    return html
