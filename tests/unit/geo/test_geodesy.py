"""Geodesy against independent references: pure-Python geographiclib and published values."""

from __future__ import annotations

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from moratorium.errors import InputError
from moratorium.geo.geodesy import (
    MAX_RANGE_KM,
    check_lat_lon,
    check_range_km,
    distance_km,
    forward,
    inverse,
    parse_lat_lon,
)


def test_random_global_pairs_match_geographiclib_to_a_millimetre() -> None:
    rng = np.random.default_rng(1)
    n = 2000
    lat1 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lat2 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon1, lon2 = rng.uniform(-180, 180, n), rng.uniform(-180, 180, n)
    got_m = distance_km(lat1, lon1, lat2, lon2) * 1000.0
    want_m = np.array([Geodesic.WGS84.Inverse(a, b, c, d)["s12"] for a, b, c, d in zip(lat1, lon1, lat2, lon2,
                                                                                      strict=True)])
    assert np.max(np.abs(got_m - want_m)) < 1e-3


def test_scalar_and_array_paths_agree() -> None:
    one = float(distance_km(55.7558, 37.6173, 52.52, 13.405)[()])
    many = distance_km([55.7558, 0.0], [37.6173, 0.0], [52.52, 0.0], [13.405, 1.0])
    assert many[0] == one


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2", "want_m", "tol_m"),
    [
        # Moscow-Berlin: 1613.998 km by pyproj and geographiclib (../shared/reference/deps.md, section 1)
        (55.7558, 37.6173, 52.52, 13.405, 1_613_998.0, 1.0),
        # Wellington to Salamanca: GeographicLib's documented example, s12 = 19959679.267 m (Karney)
        (-41.32, 174.81, 40.96, -5.50, 19_959_679.267, 0.001),
        # a quarter of the equator: a * pi / 2 with a = 6378137 m
        (0.0, 0.0, 0.0, 90.0, 6_378_137.0 * np.pi / 2, 1e-6),
        # pole to pole: twice the WGS84 quarter meridian 10001965.729 m (NIMA TR8350.2)
        (90.0, 0.0, -90.0, 0.0, 2 * 10_001_965.729, 0.001),
    ],
)
def test_published_reference_distances(lat1: float, lon1: float, lat2: float, lon2: float, want_m: float,
                                       tol_m: float) -> None:
    assert abs(float(inverse(lat1, lon1, lat2, lon2)[2]) - want_m) < tol_m


def test_forward_returns_to_the_inverse_end_point() -> None:
    az1, _, d_m = inverse(55.7558, 37.6173, 52.52, 13.405)
    lat, lon = forward(55.7558, 37.6173, az1, d_m)
    assert abs(float(lat) - 52.52) < 1e-9 and abs(float(lon) - 13.405) < 1e-9


@pytest.mark.parametrize(("lat", "lon"), [(90.01, 0.0), (-91.0, 0.0), (0.0, 180.5), (0.0, -181.0),
                                          (float("nan"), 0.0), (0.0, float("inf"))])
def test_bad_coordinates_are_refused(lat: float, lon: float) -> None:
    with pytest.raises(InputError):
        check_lat_lon(lat, lon)


@pytest.mark.parametrize("range_km", [0.0, -1.0, float("nan"), MAX_RANGE_KM + 1, 1e9])
def test_bad_ranges_are_refused(range_km: float) -> None:
    with pytest.raises(InputError):
        check_range_km(range_km)


def test_parse_lat_lon() -> None:
    assert parse_lat_lon(" -15.4,130.3") == (-15.4, 130.3)
    for bad in ("12", "a,b", "1,2,3", "95,0"):
        with pytest.raises(InputError):
            parse_lat_lon(bad)
