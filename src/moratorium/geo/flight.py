"""Flight-time estimates, with their assumptions stated.

These are first-order figures for comparing deployments, not trajectory simulations:

- **cruise** (and any system with a speed claim, e.g. a glide vehicle's average speed): time = distance / speed,
  flying the geodesic at constant speed; no climb, no routing around defences, no wind. A cruise missile with no
  speed claim is assumed to fly at :data:`ASSUMED_CRUISE_SPEED_KMH` (subsonic, about Mach 0.7 at sea level).
- **ballistic** (and glide vehicles without a speed claim, whose boost phase is ballistic): the minimum-energy
  Keplerian trajectory between two points on a spherical, non-rotating Earth with no atmosphere, burnout and
  re-entry at the surface (see :func:`ballistic_time_s`). Real flight times differ by a minute or two: the boost
  phase (1-3 min) adds time, depressed or lofted trajectories shorten or lengthen it, and Earth's rotation shifts
  it by up to a few per cent.
"""

from __future__ import annotations

import math

from moratorium.errors import InputError
from moratorium.geo.geodesy import MEAN_EARTH_RADIUS_KM

__all__ = ["ASSUMED_CRUISE_SPEED_KMH", "GM_EARTH_M3_S2", "ballistic_time_s", "flight_time_min"]

GM_EARTH_M3_S2 = 3.986004418e14
"""Earth's gravitational parameter GM (WGS84 / IERS 2010), m^3 s^-2."""

ASSUMED_CRUISE_SPEED_KMH = 880.0
"""Speed assumed for a cruise missile with no speed claim, km/h: the subsonic ~550 mph of the US Navy's Tomahawk
fact file, typical of land-attack cruise missiles (the 9M729's speed is not public)."""

_SPEED_MODEL_TYPES = frozenset({"cruise", "glide", "interceptor", "sam"})
_BALLISTIC_TYPES = frozenset({"ballistic", "glide"})


def ballistic_time_s(distance_km: float, *, radius_km: float = MEAN_EARTH_RADIUS_KM) -> float:
    """Time of flight (s) of the minimum-energy ballistic trajectory over ``distance_km`` of surface.

    Model: a point mass on a Keplerian ellipse with a focus at the centre of a sphere of radius ``r``
    (``radius_km``), leaving and returning to the surface; the range angle is ``psi = distance / r``. The
    minimum-energy ellipse has its second focus on the chord joining the end points (Bate, Mueller & White,
    *Fundamentals of Astrodynamics*, Dover 1971, section 6.2; flight-path angle ``gamma = (pi - psi) / 4``), so
    with ``theta = psi / 2``::

        a = r (1 + sin theta) / 2                  (semi-major axis: 2r + chord = 4a)
        e = cos theta / (1 + sin theta)            (focal distance r cos theta = 2 a e)
        cos E0 = (1 - r / a) / e                   (eccentric anomaly at launch, r = a (1 - e cos E))
        t = 2 sqrt(a^3 / GM) (pi - E0 + e sin E0)  (Kepler's equation, launch to apogee and back)

    Checks: ``t -> 0`` as ``psi -> 0``, and for antipodal points (``psi = pi``, ``e = 0``) ``t`` is half the
    period of a circular orbit at the surface, about 42 minutes. 2,000 km gives about 11.8 minutes, in line with
    the 10-12 minutes usually quoted for medium-range missiles.
    """
    if not math.isfinite(distance_km) or distance_km < 0.0:
        raise InputError(f"flight time: distance {distance_km!r} km is not a non-negative number")
    r_m = radius_km * 1000.0
    theta = min(distance_km / radius_km, math.pi) / 2.0
    if theta == 0.0:
        return 0.0
    a_m = r_m * (1.0 + math.sin(theta)) / 2.0
    e = math.cos(theta) / (1.0 + math.sin(theta))
    if e < 1e-12:  # antipodal: circular orbit, launch at E0 = pi/2 by symmetry
        e0 = math.pi / 2.0
    else:
        e0 = math.acos(max(-1.0, min(1.0, (1.0 - r_m / a_m) / e)))
    return 2.0 * math.sqrt(a_m**3 / GM_EARTH_M3_S2) * (math.pi - e0 + e * math.sin(e0))


def flight_time_min(distance_km: float, *, system_type: str, speed_kmh: float | None = None) -> float:
    """Estimated flight time in minutes over ``distance_km`` (geodesic ground distance).

    Parameters
    ----------
    distance_km
        Ground distance, km.
    system_type
        ``"ballistic"``, ``"cruise"``, ``"glide"``, ``"interceptor"`` or ``"sam"`` (the catalogue's types).
    speed_kmh
        Average speed, km/h. Required for interceptors and SAMs; cruise missiles default to
        :data:`ASSUMED_CRUISE_SPEED_KMH`; for glide vehicles it is used when given, else the ballistic estimate
        applies; ignored for ballistic missiles.

    Raises
    ------
    InputError
        Unknown type, a missing or non-positive speed where one is needed, or a negative distance.
    """
    if not math.isfinite(distance_km) or distance_km < 0.0:
        raise InputError(f"flight time: distance {distance_km!r} km is not a non-negative number")
    if system_type not in _SPEED_MODEL_TYPES | _BALLISTIC_TYPES:
        raise InputError(f"flight time: unknown system type {system_type!r}")
    if system_type == "ballistic" or (system_type == "glide" and speed_kmh is None):
        return ballistic_time_s(distance_km) / 60.0
    if speed_kmh is None and system_type == "cruise":
        speed_kmh = ASSUMED_CRUISE_SPEED_KMH
    if speed_kmh is None:
        raise InputError(f"flight time: a {system_type} estimate needs a speed claim (speed_kmh)")
    if not math.isfinite(speed_kmh) or speed_kmh <= 0.0:
        raise InputError(f"flight time: speed {speed_kmh!r} km/h is not a positive number")
    return distance_km / speed_kmh * 60.0
