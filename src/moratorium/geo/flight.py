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

:func:`flight_profiles` names the profiles that apply to a system and their assumptions: ``minimum-energy`` and
``depressed`` (:func:`keplerian_time_s` at a flatter burnout angle) for ballistic missiles, ``glide`` (a boost phase,
then an equilibrium glide at a sourced speed: :func:`glide_time_s`) with ``minimum-energy`` as its fast bound, and
``cruise`` at a sourced or assumed speed. ``tests/unit/geo/test_flight.py`` holds them against observed flights
(Hwasong-12 on 15 Sep 2017, Oreshnik on 21 Nov 2024, the AHW on 17 Nov 2011, a KCNA cruise test in Sep 2021).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from moratorium.errors import InputError
from moratorium.geo.geodesy import MEAN_EARTH_RADIUS_KM

__all__ = [
    "ASSUMED_CRUISE_SPEED_KMH",
    "DEPRESSED_ANGLE_FRACTION",
    "GLIDE_BOOST_KM",
    "GLIDE_BOOST_S",
    "GM_EARTH_M3_S2",
    "PROFILES",
    "FlightProfile",
    "ballistic_time_s",
    "cruise_time_s",
    "depressed_time_s",
    "flight_profiles",
    "flight_time_min",
    "glide_time_s",
    "keplerian_time_s",
    "minimum_energy_angle_rad",
]

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


PROFILES = ("minimum-energy", "depressed", "glide", "cruise")
"""The flight profiles :func:`flight_profiles` can name."""

DEPRESSED_ANGLE_FRACTION = 0.5
"""Depressed profile: the burnout flight-path angle as a fraction of the minimum-energy angle. No public source
fixes a "depressed" angle; half the minimum-energy angle is our modelling choice (a parameter everywhere), in the
family of trajectories Gronlund & Wright analyse ("Depressed Trajectory SLBMs", Science & Global Security 3, 1992):
flatter, faster, lower, bought with a higher burnout speed."""

GLIDE_BOOST_S = 120.0
"""Glide profile: duration of the boost phase that lofts the glide vehicle, s (assumption: a two-stage solid
booster burns for about two minutes)."""

GLIDE_BOOST_KM = 150.0
"""Glide profile: ground distance covered during the boost phase, km (assumption)."""


def minimum_energy_angle_rad(distance_km: float, *, radius_km: float = MEAN_EARTH_RADIUS_KM) -> float:
    """Burnout flight-path angle (above the local horizontal) of the minimum-energy trajectory, radians:
    ``gamma = (pi - psi) / 4`` with ``psi = distance / r`` (Bate, Mueller & White, section 6.2)."""
    psi = min(distance_km / radius_km, math.pi)
    return (math.pi - psi) / 4.0


def keplerian_time_s(distance_km: float, *, flight_path_rad: float | None = None,
                     radius_km: float = MEAN_EARTH_RADIUS_KM) -> float:
    """Time of flight (s) of the Keplerian trajectory over ``distance_km`` with burnout flight-path angle
    ``flight_path_rad`` (None: the minimum-energy angle), leaving and returning to the surface of a sphere.

    With ``psi = distance / r`` and ``gamma`` the flight-path angle, the burnout speed parameter
    ``Q = v^2 r / GM`` follows from the free-flight range equation for equal end radii (Bate, Mueller & White,
    eq. 6.2-7, solved for ``Q``)::

        Q = (1 - cos psi) / (cos gamma (cos gamma - cos(gamma + psi)))
        e^2 = 1 + Q (Q - 2) cos^2 gamma,   a = r / (2 - Q)
        cos E0 = (1 - r / a) / e,          t = 2 sqrt(a^3 / GM) (pi - E0 + e sin E0)

    A flatter trajectory (smaller ``gamma``) needs a larger ``Q`` and arrives sooner; ``Q`` must stay below 2
    (an escape trajectory otherwise) and ``gamma`` in ``(0, pi/2 - psi/2)`` for the trajectory to come down.
    """
    if not math.isfinite(distance_km) or distance_km < 0.0:
        raise InputError(f"flight time: distance {distance_km!r} km is not a non-negative number")
    if flight_path_rad is None:
        return ballistic_time_s(distance_km, radius_km=radius_km)
    psi = min(distance_km / radius_km, math.pi)
    if psi == 0.0:
        return 0.0
    gamma = flight_path_rad
    if not (0.0 < gamma < math.pi / 2.0 - psi / 2.0):
        raise InputError(f"flight time: flight-path angle {math.degrees(gamma):g} deg is outside (0, "
                         f"{math.degrees(math.pi / 2.0 - psi / 2.0):g}) deg for {distance_km:g} km")
    cos_g = math.cos(gamma)
    q = (1.0 - math.cos(psi)) / (cos_g * (cos_g - math.cos(gamma + psi)))
    if not 0.0 < q < 2.0:
        raise InputError(f"flight time: no bound trajectory at {math.degrees(gamma):g} deg over {distance_km:g} km")
    r_m = radius_km * 1000.0
    a_m = r_m / (2.0 - q)
    e = math.sqrt(max(0.0, 1.0 + q * (q - 2.0) * cos_g**2))
    if e < 1e-12:
        e0 = math.pi / 2.0
    else:
        e0 = math.acos(max(-1.0, min(1.0, (1.0 - r_m / a_m) / e)))
    return 2.0 * math.sqrt(a_m**3 / GM_EARTH_M3_S2) * (math.pi - e0 + e * math.sin(e0))


def depressed_time_s(distance_km: float, *, angle_fraction: float = DEPRESSED_ANGLE_FRACTION) -> float:
    """Time of flight (s) of a depressed trajectory: the Keplerian flight at ``angle_fraction`` of the
    minimum-energy burnout angle (see :data:`DEPRESSED_ANGLE_FRACTION`). No atmosphere: a real depressed
    trajectory spends longer in the air and loses speed to drag, so this is a lower bound on its time."""
    if not 0.0 < angle_fraction <= 1.0:
        raise InputError(f"flight time: depressed angle fraction {angle_fraction!r} is not in (0, 1]")
    if distance_km <= 0.0:
        return keplerian_time_s(distance_km)
    gamma = angle_fraction * minimum_energy_angle_rad(distance_km)
    return keplerian_time_s(distance_km, flight_path_rad=gamma)


def _speed(speed_kmh: float, what: str) -> float:
    if not math.isfinite(speed_kmh) or speed_kmh <= 0.0:
        raise InputError(f"flight time: {what} speed {speed_kmh!r} km/h is not a positive number")
    return speed_kmh


def glide_time_s(distance_km: float, *, glide_speed_kmh: float, boost_s: float = GLIDE_BOOST_S,
                 boost_km: float = GLIDE_BOOST_KM) -> float:
    """Boost-glide time (s): a boost phase of ``boost_s`` over ``boost_km`` of ground track, then an equilibrium
    glide at the constant ``glide_speed_kmh`` for the rest (shorter flights are pro-rated within the boost).
    A real glide vehicle decelerates: with the speed a sourced *average* the time is first order; with a quoted
    *minimum* ("Mach 5 or greater") it is an upper bound."""
    if not math.isfinite(distance_km) or distance_km < 0.0:
        raise InputError(f"flight time: distance {distance_km!r} km is not a non-negative number")
    speed = _speed(glide_speed_kmh, "glide")
    if boost_km <= 0.0 or boost_s < 0.0:
        raise InputError("flight time: the boost phase needs a positive distance and a non-negative duration")
    if distance_km <= boost_km:
        return boost_s * distance_km / boost_km
    return boost_s + (distance_km - boost_km) / speed * 3600.0


def cruise_time_s(distance_km: float, *, speed_kmh: float = ASSUMED_CRUISE_SPEED_KMH) -> float:
    """Cruise time (s): the geodesic flown at the constant ``speed_kmh`` (no routing, climb or wind)."""
    if not math.isfinite(distance_km) or distance_km < 0.0:
        raise InputError(f"flight time: distance {distance_km!r} km is not a non-negative number")
    return distance_km / _speed(speed_kmh, "cruise") * 3600.0


@dataclass(frozen=True)
class FlightProfile:
    """One flight-time estimate: the profile's name, minutes of flight, and the assumptions it rests on."""

    profile: str
    distance_km: float
    minutes: float
    assumptions: tuple[str, ...]
    speed_kmh: float | None = None
    speed_source: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"profile": self.profile, "distance_km": round(self.distance_km, 3),
                "minutes": round(self.minutes, 2), "speed_kmh": self.speed_kmh, "speed_source": self.speed_source,
                "assumptions": list(self.assumptions)}


_KEPLER = "Keplerian flight over a spherical, non-rotating Earth (R = 6,371 km), no atmosphere"
_NO_BOOST = "burnout at the surface: no boost phase (real flights take 1-3 min longer)"


def flight_profiles(distance_km: float, *, system_type: str, speed_kmh: float | None = None,
                    speed_source: str | None = None) -> list[FlightProfile]:
    """Every profile that applies to a system of ``system_type`` over ``distance_km``, each naming its
    assumptions: ballistic missiles fly minimum-energy and depressed; glide vehicles a boost-glide at their
    sourced speed (when one is known) and, as the fast bound, minimum-energy; cruise missiles fly at their sourced
    speed or :data:`ASSUMED_CRUISE_SPEED_KMH`. Interceptors and air-defence missiles get none."""
    if system_type not in _SPEED_MODEL_TYPES | _BALLISTIC_TYPES:
        raise InputError(f"flight time: unknown system type {system_type!r}")
    out: list[FlightProfile] = []
    if system_type in _BALLISTIC_TYPES:
        out.append(FlightProfile("minimum-energy", distance_km, ballistic_time_s(distance_km) / 60.0,
                                 (f"{_KEPLER}", "minimum-energy ellipse (burnout angle (180 deg - range angle) / 4)",
                                  _NO_BOOST)))
    if system_type == "ballistic":
        out.append(FlightProfile("depressed", distance_km, depressed_time_s(distance_km) / 60.0,
                                 (f"{_KEPLER}: a lower bound for a trajectory that flies in the air",
                                  f"burnout angle {DEPRESSED_ANGLE_FRACTION:g} x the minimum-energy angle "
                                  "(modelling choice; no public figure)", _NO_BOOST)))
    if system_type == "glide" and speed_kmh is not None:
        out.append(FlightProfile("glide", distance_km,
                                 glide_time_s(distance_km, glide_speed_kmh=speed_kmh) / 60.0,
                                 (f"boost phase {GLIDE_BOOST_S:g} s over {GLIDE_BOOST_KM:g} km (assumption)",
                                  f"equilibrium glide at a constant {speed_kmh:,.0f} km/h (sourced speed)",
                                  "no deceleration, no manoeuvres: a quoted minimum speed makes this an upper bound"),
                                 speed_kmh, speed_source))
    if system_type == "cruise":
        assumed = speed_kmh is None
        speed = ASSUMED_CRUISE_SPEED_KMH if speed_kmh is None else speed_kmh
        out.append(FlightProfile("cruise", distance_km, cruise_time_s(distance_km, speed_kmh=speed) / 60.0,
                                 ("the geodesic at constant speed: no routing, climb or wind",
                                  f"{speed:,.0f} km/h " + ("(assumed: no speed claim; Tomahawk's subsonic ~550 mph)"
                                                           if assumed else "(sourced speed)")),
                                 speed, None if assumed else speed_source))
    return out
