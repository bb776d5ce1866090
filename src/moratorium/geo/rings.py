"""Geodesic range rings: the set of points exactly ``range_km`` from a site, as map-ready polygons.

A ring's vertices come from the direct geodesic problem (``Geod.fwd``) at evenly spaced azimuths, so each lies at
the ring's distance to within the solver's nanometre accuracy. For maps the ring is turned into polygons in plain
longitude/latitude (GeoJSON, RFC 7946 section 3.1.9):

- a ring that crosses the antimeridian is split there, and the split points are themselves solved on the ring
  (bisection on the azimuth until the longitude is +/-180 to 1e-10 degrees), not interpolated;
- a ring around a pole (the pole is closer than the range) is closed along the map's top or bottom edge, so the
  polygon covers the polar cap it encloses.

Only the split points on the seam and the two corners at latitude +/-90 are not ring points; every other vertex is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from moratorium.geo.geodesy import FloatArray, check_lat_lon, check_range_km, forward, inverse

if TYPE_CHECKING:
    from pyproj import Geod
    from shapely.geometry.base import BaseGeometry

__all__ = ["RangeRing", "range_ring"]

_BISECTION_STEPS = 60


def _wrap_deg(x: FloatArray) -> FloatArray:
    """Wrap angles to [-180, 180)."""
    return np.asarray((x + 180.0) % 360.0 - 180.0, np.float64)


@dataclass(frozen=True)
class RangeRing:
    """The geodesic circle of radius ``range_km`` around (``lat``, ``lon``).

    Attributes
    ----------
    lat, lon
        Centre, degrees.
    range_km
        Radius (geodesic distance on WGS84), km.
    azimuths_deg, vertex_lat, vertex_lon
        The ring's vertices, one per azimuth, clockwise from north.
    pole
        ``"N"`` or ``"S"`` when the ring encloses that pole, else None.
    """

    lat: float
    lon: float
    range_km: float
    azimuths_deg: FloatArray
    vertex_lat: FloatArray
    vertex_lon: FloatArray
    pole: str | None
    geod: Any = None

    def _lon_at(self, azimuth_deg: FloatArray) -> FloatArray:
        return forward(self.lat, self.lon, azimuth_deg, self.range_km * 1000.0, geod=self.geod)[1]

    def _solve_crossing(self, az_a: FloatArray, az_b: FloatArray, side: FloatArray) -> tuple[FloatArray, ...]:
        """Bisect azimuths in [az_a, az_b] for the point where the ring meets the meridian 180 * side.

        ``side`` is +1 when the longitude is near +180 at ``az_a`` (east side) and -1 otherwise; the test is
        whether a longitude is still on the ``az_a`` side of the seam.
        """
        lo, hi = az_a.copy(), az_b.copy()
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (lo + hi)
            same_side = np.sign(self._lon_at(mid)) == side
            lo = np.where(same_side, mid, lo)
            hi = np.where(same_side, hi, mid)
        az = 0.5 * (lo + hi)
        lat, _ = forward(self.lat, self.lon, az, self.range_km * 1000.0, geod=self.geod)
        return az, lat

    @cached_property
    def _sequence(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Vertices with seam crossings inserted, as (azimuth, lat, lon); crossings have lon exactly +/-180."""
        az, lat, lon = self.azimuths_deg, self.vertex_lat, self.vertex_lon
        nxt_lon = np.roll(lon, -1)
        crossing = np.abs(nxt_lon - lon) > 180.0
        idx = np.nonzero(crossing)[0]
        if idx.size == 0:
            return az, lat, lon
        az_b = np.where(idx + 1 < az.size, az[(idx + 1) % az.size], az[0] + 360.0)
        side = np.sign(lon[idx])
        c_az, c_lat = self._solve_crossing(az[idx], az_b, side)
        out_az: list[float] = []
        out_lat: list[float] = []
        out_lon: list[float] = []
        k = 0
        for i in range(az.size):
            out_az.append(float(az[i]))
            out_lat.append(float(lat[i]))
            out_lon.append(float(lon[i]))
            if k < idx.size and idx[k] == i:
                # the same solved point, once on each side of the seam
                out_az += [float(c_az[k])] * 2
                out_lat += [float(c_lat[k])] * 2
                out_lon += [180.0 * float(side[k]), -180.0 * float(side[k])]
                k += 1
        return np.array(out_az), np.array(out_lat), np.array(out_lon)

    @cached_property
    def parts(self) -> tuple[tuple[tuple[float, float], ...], ...]:
        """Exterior rings (lon, lat) of the polygons covering the disc on a plain lon/lat map, closed."""
        _, lat, lon = self._sequence
        seam = np.abs(lon) == 180.0
        if not seam.any():
            pts = [(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
            return (tuple([*pts, pts[0]]),)
        if self.pole is not None:
            return (self._polar_part(lat, lon, seam),)
        return self._split_parts(lat, lon, seam)

    def _polar_part(self, lat: FloatArray, lon: FloatArray, seam: Any) -> tuple[tuple[float, float], ...]:
        start = int(np.nonzero(seam)[0][1])  # the copy of the seam point that begins the walk around the globe
        order = np.r_[np.arange(start, lon.size), np.arange(0, start)]
        pts = [(float(lon[i]), float(lat[i])) for i in order]
        cap = 90.0 if self.pole == "N" else -90.0
        pts += [(pts[-1][0], cap), (pts[0][0], cap), pts[0]]
        return tuple(pts)

    def _split_parts(self, lat: FloatArray, lon: FloatArray, seam: Any) -> tuple[tuple[tuple[float, float], ...], ...]:
        """Cut the sequence at each seam point; the pieces on each side of the seam are joined along it."""
        pieces: dict[float, list[list[tuple[float, float]]]] = {}
        seam_idx = np.nonzero(seam)[0]
        n = lon.size
        for a, b in zip(seam_idx[1::2], np.r_[seam_idx[2::2], seam_idx[0] + n], strict=True):
            piece = [(float(lon[i % n]), float(lat[i % n])) for i in range(a, b + 1)]
            pieces.setdefault(piece[0][0], []).append(piece)
        parts = []
        for side_pieces in pieces.values():
            pts: list[tuple[float, float]] = []
            for piece in sorted(side_pieces, key=lambda p: p[0][1]):
                pts += piece
            pts.append(pts[0])
            parts.append(tuple(pts))
        return tuple(parts)

    def geometry(self) -> BaseGeometry:
        """The disc as a shapely (Multi)Polygon in lon/lat degrees."""
        from shapely.geometry import MultiPolygon, Polygon

        polys = [Polygon(p) for p in self.parts]
        return polys[0] if len(polys) == 1 else MultiPolygon(polys)

    def geojson_geometry(self) -> dict[str, Any]:
        """RFC 7946 geometry (split at the antimeridian, counter-clockwise exteriors)."""
        from shapely.geometry import mapping
        from shapely.geometry.polygon import orient

        geoms = [orient(p, 1.0) for p in getattr(self.geometry(), "geoms", [self.geometry()])]
        if len(geoms) == 1:
            return dict(mapping(geoms[0]))
        return {"type": "MultiPolygon", "coordinates": [mapping(g)["coordinates"] for g in geoms]}

    def unwrapped_lonlat(self) -> list[tuple[float, float]]:
        """Ring vertices with longitudes made continuous (may leave [-180, 180]); for web maps."""
        lon = self.vertex_lon[0] + np.concatenate([[0.0], np.cumsum(_wrap_deg(np.diff(self.vertex_lon)))])
        return [(float(x), float(y)) for x, y in zip(lon, self.vertex_lat, strict=True)]


def range_ring(
    lat: float, lon: float, range_km: float, *, n_vertices: int = 360, geod: Geod | None = None
) -> RangeRing:
    """Build the geodesic range ring of ``range_km`` around (``lat``, ``lon``).

    Parameters
    ----------
    lat, lon
        Centre in degrees.
    range_km
        Radius in km, 0 < range_km <= :data:`~moratorium.geo.geodesy.MAX_RANGE_KM`.
    n_vertices
        Number of azimuths (at least 16).
    geod
        Ellipsoid; WGS84 by default.
    """
    check_lat_lon(lat, lon, what="ring centre")
    range_km = check_range_km(range_km)
    n_vertices = max(16, int(n_vertices))
    az = np.linspace(0.0, 360.0, n_vertices, endpoint=False)
    v_lat, v_lon = forward(lat, lon, az, range_km * 1000.0, geod=geod)
    if np.any(np.abs(v_lon) == 180.0):  # keep vertices off the seam: the seam points are solved separately
        az = az + 180.0 / n_vertices
        v_lat, v_lon = forward(lat, lon, az, range_km * 1000.0, geod=geod)
    _, _, to_poles_m = inverse(lat, lon, np.array([90.0, -90.0]), lon, geod=geod)
    pole = "N" if to_poles_m[0] < range_km * 1000.0 else "S" if to_poles_m[1] < range_km * 1000.0 else None
    return RangeRing(lat, lon, range_km, az, v_lat, v_lon, pole, geod)
