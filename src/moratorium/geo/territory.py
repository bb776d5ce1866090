"""Exact geodesic distance from a point to a territory (a union of countries and Russian federal subjects).

Territory is Natural Earth 1:50m as shipped (``data/PROVENANCE.md``). Its boundary edges are taken as geodesics
between consecutive vertices: the edges are a few km long, where a geodesic and a straight segment in lon/lat
differ by metres at most, well inside the data's own accuracy. Inside/outside is tested on the lon/lat polygons.

Algorithm, for a point P outside the territory:

1. the geodesic distance from P to every boundary vertex (vectorised ``Geod.inv``) gives an upper bound ``best``;
2. for an edge AB of geodesic length L and any Q on it, the triangle inequality gives
   ``d(P, Q) >= max(d(P, A) - |AQ|, d(P, B) - |QB|) >= (d(P, A) + d(P, B) - L) / 2``, so only edges whose bound is
   below ``best`` can hold a closer point;
3. on those edges the distance is minimised by golden-section search over the position along the geodesic
   (``Geod.fwd`` from A), which converges because the distance from P along a short geodesic has a single
   minimum (P is far from the antipode of the edge).

The result is exact to well under a millimetre for the data; 0 when P is inside or on the boundary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from moratorium.geo import _data
from moratorium.geo.geodesy import FloatArray, check_lat_lon, forward, inverse, wgs84

if TYPE_CHECKING:
    from pyproj import Geod
    from shapely.geometry.base import BaseGeometry

__all__ = ["TerritoryDistance"]

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
_SEARCH_STEPS = 64  # interval shrinks to 0.618**64 ~ 4e-14 of the edge length


def _edges(geom: BaseGeometry) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Edge end points (lat_a, lon_a, lat_b, lon_b) of every ring of a (Multi)Polygon."""
    import shapely

    rings = shapely.get_rings(shapely.get_parts(geom))
    chunks = []
    for ring in rings:
        xy = shapely.get_coordinates(ring)
        chunks.append(np.column_stack([xy[:-1, 1], xy[:-1, 0], xy[1:, 1], xy[1:, 0]]))
    e = np.concatenate(chunks) if chunks else np.zeros((0, 4))
    return e[:, 0].copy(), e[:, 1].copy(), e[:, 2].copy(), e[:, 3].copy()


class TerritoryDistance:
    """Minimum geodesic distance from points to territories; caches each territory's edges.

    Parameters
    ----------
    geod
        Ellipsoid; WGS84 by default.
    """

    def __init__(self, *, geod: Geod | None = None) -> None:
        self._geod = geod or wgs84()
        self._cache: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Any, ...]] = {}

    def _territory(self, countries: Sequence[str], subjects: Sequence[str]) -> tuple[Any, ...]:
        key = (tuple(sorted(c.upper() for c in countries)), tuple(sorted(s.upper() for s in subjects)))
        if key not in self._cache:
            geoms = [_data.country(c) for c in key[0]] + [_data.subject(s) for s in key[1]]
            lat_a, lon_a, lat_b, lon_b = (np.concatenate(cols) for cols in zip(*map(_edges, geoms), strict=True))
            az_ab, _, len_m = inverse(lat_a, lon_a, lat_b, lon_b, geod=self._geod)
            self._cache[key] = (geoms, lat_a, lon_a, lat_b, lon_b, az_ab, len_m)
        return self._cache[key]

    def min_distance_km(
        self, lat: float, lon: float, countries: Sequence[str], *, subjects: Sequence[str] = ()
    ) -> float:
        """Geodesic (WGS84) distance in km from (``lat``, ``lon``) to the nearest point of the territory of
        ``countries`` (ISO3 codes) and ``subjects`` (ISO 3166-2 codes of Russian federal subjects); 0 inside.

        Raises :class:`~moratorium.errors.InputError` for bad coordinates or an empty territory and
        :class:`~moratorium.errors.NotFoundError` for an unknown code.
        """
        from moratorium.errors import InputError

        check_lat_lon(lat, lon)
        if isinstance(countries, str):
            countries = [countries]
        if not countries and not subjects:
            raise InputError("territory distance: name at least one country or subject")
        geoms, lat_a, lon_a, lat_b, lon_b, az_ab, len_m = self._territory(countries, subjects)
        import shapely

        if any(shapely.intersects_xy(g, lon, lat) for g in geoms):
            return 0.0
        _, _, d_a = inverse(lat, lon, lat_a, lon_a, geod=self._geod)
        _, _, d_b = inverse(lat, lon, lat_b, lon_b, geod=self._geod)
        best = float(min(d_a.min(), d_b.min()))
        bound = 0.5 * (d_a + d_b - len_m)
        cand = np.nonzero(bound < best)[0]
        if cand.size:
            best = min(best, float(self._search(lat, lon, lat_a[cand], lon_a[cand], az_ab[cand],
                                                len_m[cand]).min()))
        return best / 1000.0

    def _search(self, lat: float, lon: float, lat_a: FloatArray, lon_a: FloatArray, az_ab: FloatArray,
                len_m: FloatArray) -> FloatArray:
        """Golden-section minimisation of the distance along each candidate edge; returns metres."""

        def dist(t: FloatArray) -> FloatArray:
            q_lat, q_lon = forward(lat_a, lon_a, az_ab, t * len_m, geod=self._geod)
            return inverse(lat, lon, q_lat, q_lon, geod=self._geod)[2]

        lo, hi = np.zeros_like(len_m), np.ones_like(len_m)
        x1, x2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
        f1, f2 = dist(x1), dist(x2)
        for _ in range(_SEARCH_STEPS):
            left = f1 < f2
            hi = np.where(left, x2, hi)
            lo = np.where(left, lo, x1)
            x2n = np.where(left, x1, lo + _GOLDEN * (hi - lo))
            x1n = np.where(left, hi - _GOLDEN * (hi - lo), x2)
            f_new = dist(np.where(left, x1n, x2n))
            f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
            x1, x2 = x1n, x2n
        ends = np.minimum(dist(np.zeros_like(len_m)), dist(np.ones_like(len_m)))
        return np.minimum(np.minimum(f1, f2), ends)
