"""Geodesy on the WGS84 ellipsoid: distances, azimuths, direct problem, input checks.

Everything goes through ``pyproj.Geod(ellps="WGS84")``, which implements Karney's algorithms (C. F. F. Karney,
"Algorithms for geodesics", J. Geodesy 87, 43-55, 2013): inverse and direct problems accurate to about 15 nm,
vectorised over numpy arrays. The model is a parameter (``geod=``) wherever it matters, so tests and other
ellipsoids can swap it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from moratorium.errors import InputError

if TYPE_CHECKING:
    from pyproj import Geod

__all__ = [
    "MAX_RANGE_KM",
    "MEAN_EARTH_RADIUS_KM",
    "FloatArray",
    "check_lat_lon",
    "check_range_km",
    "distance_km",
    "forward",
    "inverse",
    "parse_lat_lon",
    "wgs84",
]

FloatArray = npt.NDArray[np.float64]

MEAN_EARTH_RADIUS_KM = 6371.0088
"""IUGG mean radius R1 = (2a + b) / 3 of WGS84, in km (Moritz, "Geodetic Reference System 1980")."""

MAX_RANGE_KM = 10_000.0
"""Largest range accepted. Up to here a geodesic disc holds at most one pole, which keeps rings simple polygons
(the distance from any point to the two poles adds up to half a meridian, 10,001.97 km); the INF band ends at
5,500 km."""


@lru_cache(maxsize=1)
def wgs84() -> Geod:
    """The project's model of the Earth: ``pyproj.Geod(ellps="WGS84")``."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def check_lat_lon(lat: float, lon: float, *, what: str = "point") -> None:
    """Raise :class:`InputError` unless ``-90 <= lat <= 90`` and ``-180 <= lon <= 180`` (degrees, finite)."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(f"{what}: coordinates must be finite numbers, got {lat},{lon}")
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{what}: latitude {lat:g} is outside -90..90 degrees")
    if not -180.0 <= lon <= 180.0:
        raise InputError(f"{what}: longitude {lon:g} is outside -180..180 degrees")


def check_range_km(range_km: float, *, what: str = "range") -> float:
    """Return ``range_km`` as float after checking it is positive and at most :data:`MAX_RANGE_KM`."""
    value = float(range_km)
    if not math.isfinite(value) or value <= 0.0:
        raise InputError(f"{what}: {range_km!r} km is not a positive distance")
    if value > MAX_RANGE_KM:
        raise InputError(f"{what}: {value:g} km is beyond the supported maximum of {MAX_RANGE_KM:g} km")
    return value


def parse_lat_lon(text: str, *, what: str = "point") -> tuple[float, float]:
    """Parse ``"LAT,LON"`` (decimal degrees) and check the ranges; raise :class:`InputError` otherwise."""
    parts = text.split(",")
    if len(parts) != 2:
        raise InputError(f"{what}: expected LAT,LON in decimal degrees, got {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"{what}: expected LAT,LON in decimal degrees, got {text!r}") from None
    check_lat_lon(lat, lon, what=what)
    return lat, lon


def _as_arrays(*values: Any) -> list[FloatArray]:
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
    return [np.array(a, dtype=np.float64, order="C") for a in arrays]


def inverse(
    lat1: Any, lon1: Any, lat2: Any, lon2: Any, *, geod: Geod | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Solve the inverse geodesic problem, broadcasting the inputs.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Degrees (scalars or arrays, broadcast together).
    geod
        The ellipsoid; WGS84 by default.

    Returns
    -------
    azimuth1_deg, azimuth2_deg, distance_m
        Forward azimuth at point 1, forward azimuth at point 2 (degrees clockwise from north), and the geodesic
        distance in metres.
    """
    g = geod or wgs84()
    la1, lo1, la2, lo2 = _as_arrays(lat1, lon1, lat2, lon2)
    az1, az2, dist = g.inv(lo1, la1, lo2, la2)
    shape = la1.shape
    return (np.asarray(az1, np.float64).reshape(shape), np.asarray(az2, np.float64).reshape(shape),
            np.asarray(dist, np.float64).reshape(shape))


def distance_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any, *, geod: Geod | None = None) -> FloatArray:
    """Geodesic distance in km between points (degrees), broadcast and vectorised."""
    return inverse(lat1, lon1, lat2, lon2, geod=geod)[2] / 1000.0


def forward(
    lat: Any, lon: Any, azimuth_deg: Any, distance_m: Any, *, geod: Geod | None = None
) -> tuple[FloatArray, FloatArray]:
    """Solve the direct problem: the point ``distance_m`` metres from (lat, lon) along ``azimuth_deg``.

    Returns ``(lat_deg, lon_deg)`` arrays with longitudes in [-180, 180].
    """
    g = geod or wgs84()
    la, lo, az, dist = _as_arrays(lat, lon, azimuth_deg, distance_m)
    lon2, lat2, _ = g.fwd(lo, la, az, dist)
    return np.asarray(lat2, np.float64).reshape(la.shape), np.asarray(lon2, np.float64).reshape(la.shape)
