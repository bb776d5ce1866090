"""Small offline maps for the briefings (matplotlib, Agg): what a treaty removes and what it leaves in reach.

Country outlines are Natural Earth 1:50m as shipped (``moratorium.geo.maps.countries_geojson``); rings are WGS84
geodesic range rings (``moratorium.geo.rings``). Every map carries its sources in a footer line.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["MapLayer", "small_map"]

SOURCES = "Borders: Natural Earth (public domain); capitals: GeoNames (CC BY 4.0); rings: WGS84 geodesics"


@dataclass(frozen=True)
class MapLayer:
    """A site with a range ring; ``removed``: drawn red (the treaty bans it), else blue (left in place)."""

    lat: float
    lon: float
    range_km: float
    label: str
    removed: bool


@lru_cache(maxsize=1)
def _polygons() -> list[list[tuple[float, float]]]:
    from moratorium.geo.maps import countries_geojson

    doc = json.loads(countries_geojson())
    out: list[list[tuple[float, float]]] = []
    for feat in doc["features"]:
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            out.append([(float(x), float(y)) for x, y in poly[0]])
    return out


def _fit(extent: tuple[float, float, float, float], ratio: float) -> tuple[float, float, float, float]:
    """Grow ``extent`` (lon0, lon1, lat0, lat1) so that, with longitudes shrunk by cos(mid-latitude), its
    width/height is ``ratio`` (the axes' own): shapes keep their proportions without matplotlib's aspect."""
    x0, x1, y0, y1 = extent
    k = max(0.2, math.cos(math.radians(0.5 * (y0 + y1))))
    width, height = (x1 - x0) * k, y1 - y0
    if width / height < ratio:
        grow = (ratio * height / k - (x1 - x0)) / 2.0
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) * k / ratio - height) / 2.0
        y0, y1 = y0 - grow, y1 + grow
    return x0, x1, y0, y1


def small_map(layers: Sequence[MapLayer], *, extent: tuple[float, float, float, float], title: str,
              width_in: float = 3.9, height_in: float = 2.2, dpi: int = 150,
              capitals: Sequence[tuple[str, float, float, bool]] = (),
              legend: str = "red: banned (longest claim); blue dashed: left in place") -> bytes:
    """PNG bytes: countries, one ring per layer, site markers and ``capitals`` (name, lat, lon, still in reach)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    from moratorium.geo.rings import range_ring

    x0, x1, y0, y1 = _fit(extent, width_in / (0.86 * height_in))
    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.06, 1.0, 0.86))
    ax.set_facecolor("#dbe9f4")
    ax.add_collection(PolyCollection(_polygons(), facecolors="#f4f1e8", edgecolors="#9a9a9a", linewidths=0.25))
    for layer in layers:
        colour = "#c62828" if layer.removed else "#1f5fa8"
        ring = range_ring(layer.lat, layer.lon, layer.range_km, n_vertices=180)
        for part in ring.parts:
            xs, ys = [p[0] for p in part], [p[1] for p in part]
            ax.fill(xs, ys, facecolor=colour, alpha=0.07, edgecolor="none")
            ax.plot(xs, ys, color=colour, linewidth=0.8, linestyle="-" if layer.removed else "--")
        ax.plot(layer.lon, layer.lat, "^", color=colour, markersize=4, markeredgecolor="black",
                markeredgewidth=0.3)
    for _name, lat, lon, held in capitals:
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            ax.plot(lon, lat, "s", color="#1f5fa8" if held else "#777777", markersize=1.6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.text(0.01, 0.955, title, fontsize=5.5, fontweight="bold", va="center")
    fig.text(0.01, 0.025, legend, fontsize=4.2, va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
