"""Which (site, target) pairs are within a site's range: exact on WGS84, with a proven spherical prefilter.

The bound
---------
Parametrise the ellipsoid by geodetic latitude phi and longitude lambda, and map each point to the unit vector of
its surface normal, ``n = (cos phi cos lambda, cos phi sin lambda, sin phi)``. On the unit sphere that map gives
the line element ``d sigma^2 = d phi^2 + cos^2 phi d lambda^2``; on the ellipsoid the same coordinates give
``ds^2 = M(phi)^2 d phi^2 + N(phi)^2 cos^2 phi d lambda^2`` with the meridional radius
``M = a (1 - e^2) / (1 - e^2 sin^2 phi)^(3/2)`` and the prime-vertical radius ``N = a / (1 - e^2 sin^2 phi)^(1/2)``
(e.g. Rapp, *Geometric Geodesy Part I*, eqs. 3.87, 3.99). Both radii lie between ``M(0) = a (1 - e^2)`` and
``N(90) = a / sqrt(1 - e^2)``, so for every curve ``M(0) * length_sphere <= length_ellipsoid <= N(90) *
length_sphere``. Taking the infimum over curves joining two points (the map is a diffeomorphism, so curves
correspond one to one) bounds the geodesic distance ``s`` by the central angle ``sigma`` between the normals::

    a (1 - e^2) * sigma  <=  s  <=  a / sqrt(1 - e^2) * sigma

Hence ``sigma <= R / N(90)`` proves ``s <= R`` and ``sigma > R / M(0)`` proves ``s > R``; only pairs in the band
between (about 1 % of the range wide) need the exact inverse problem. ``cos sigma`` is the dot product of the two
normals; it is computed in float64 with an error below 1e-15 (three products and two sums of terms bounded by 1),
and the thresholds are widened by ``_DOT_MARGIN = 1e-12`` to cover it, so no pair is ever misclassified.

The work is chunked over sites so that peak memory stays bounded whatever the input size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from moratorium.geo.geodesy import FloatArray, inverse, wgs84

if TYPE_CHECKING:
    from pyproj import Geod

__all__ = ["PairSet", "normals", "pairs_within", "sphere_bounds_km"]

_DOT_MARGIN = 1e-12
_CHUNK_ELEMENTS = 4_000_000  # site x target entries per chunk: ~32 MB per float64 matrix


@dataclass(frozen=True)
class PairSet:
    """In-range pairs: parallel arrays of site index, target index and exact distance in km (sorted by site,
    then target). ``n_exact`` counts pairs that needed the exact inverse problem to decide."""

    site_index: np.ndarray[Any, np.dtype[np.int64]]
    target_index: np.ndarray[Any, np.dtype[np.int64]]
    distance_km: FloatArray
    n_exact: int

    def __len__(self) -> int:
        return int(self.site_index.size)


def sphere_bounds_km(geod: Geod | None = None) -> tuple[float, float]:
    """``(a (1 - e^2), a / sqrt(1 - e^2))`` in km: the radii bounding geodesic distance per radian of normal
    angle (see the module docstring)."""
    g = geod or wgs84()
    a_km, es = float(g.a) / 1000.0, float(g.es)
    return a_km * (1.0 - es), a_km / np.sqrt(1.0 - es)


def normals(lat: Any, lon: Any) -> FloatArray:
    """Unit surface normals (n, 3) for geodetic latitudes/longitudes in degrees."""
    phi = np.radians(np.asarray(lat, np.float64))
    lam = np.radians(np.asarray(lon, np.float64))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)


def pairs_within(
    site_lat: Any,
    site_lon: Any,
    range_km: Any,
    target_lat: Any,
    target_lon: Any,
    *,
    distances: bool = True,
    geod: Geod | None = None,
    chunk_elements: int = _CHUNK_ELEMENTS,
) -> PairSet:
    """All (site, target) pairs with geodesic distance <= the site's range, exactly.

    Parameters
    ----------
    site_lat, site_lon, range_km
        Sites (degrees) and each site's range in km (a scalar applies to all).
    target_lat, target_lon
        Targets, degrees.
    distances
        Also return the exact distance of every pair found (one inverse problem per pair); when False the
        distances are NaN and only undecided pairs are solved.
    geod
        Ellipsoid; WGS84 by default.
    chunk_elements
        Upper bound on site x target entries held at once.
    """
    g = geod or wgs84()
    s_lat = np.atleast_1d(np.asarray(site_lat, np.float64))
    s_lon = np.atleast_1d(np.asarray(site_lon, np.float64))
    ranges = np.broadcast_to(np.asarray(range_km, np.float64), s_lat.shape)
    t_lat = np.atleast_1d(np.asarray(target_lat, np.float64))
    t_lon = np.atleast_1d(np.asarray(target_lon, np.float64))
    r_low_km, r_high_km = sphere_bounds_km(g)
    # cos(sigma) >= cos(R / N90) proves inside; cos(sigma) < cos(R / M0) proves outside (sigma <= pi assumed:
    # R / M0 < pi for every accepted range).
    cos_in = np.cos(np.minimum(ranges / r_high_km, np.pi)) + _DOT_MARGIN
    cos_out = np.cos(np.minimum(ranges / r_low_km, np.pi)) - _DOT_MARGIN
    t_n = normals(t_lat, t_lon)
    s_n = normals(s_lat, s_lon)
    step = max(1, chunk_elements // max(1, t_lat.size))
    site_parts, target_parts, dist_parts = [], [], []
    n_exact = 0
    for start in range(0, s_lat.size, step):
        stop = min(start + step, s_lat.size)
        dots = s_n[start:stop] @ t_n.T
        inside = dots >= cos_in[start:stop, None]
        maybe_i, maybe_j = np.nonzero((dots >= cos_out[start:stop, None]) & ~inside)
        del dots
        n_exact += int(maybe_i.size)
        _, _, d_m = inverse(s_lat[maybe_i + start], s_lon[maybe_i + start], t_lat[maybe_j], t_lon[maybe_j], geod=g)
        inside[maybe_i, maybe_j] = d_m <= ranges[maybe_i + start] * 1000.0
        pair_i, pair_j = np.nonzero(inside)  # row-major: sorted by site, then target
        del inside
        pair_i += start
        if distances:
            d_km = inverse(s_lat[pair_i], s_lon[pair_i], t_lat[pair_j], t_lon[pair_j], geod=g)[2] / 1000.0
        else:
            d_km = np.full(pair_i.size, np.nan)
        site_parts.append(pair_i)
        target_parts.append(pair_j)
        dist_parts.append(d_km)
    if not site_parts:
        empty_i = np.zeros(0, np.int64)
        return PairSet(empty_i, empty_i.copy(), np.zeros(0), 0)
    return PairSet(np.concatenate(site_parts).astype(np.int64), np.concatenate(target_parts).astype(np.int64),
                   np.concatenate(dist_parts), n_exact)
