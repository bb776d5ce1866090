"""Range rings: every ring vertex at the ring's distance (+/- 1 m), valid polygons across the antimeridian and
around the poles."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import shapely
from geographiclib.geodesic import Geodesic

from moratorium.geo.geodesy import distance_km
from moratorium.geo.rings import RangeRing, range_ring

CASES = [
    (56.85, 62.71, 2500.0, None),  # Kamyshlov, ordinary
    (64.7, 177.5, 1500.0, None),  # Anadyr: crosses the antimeridian
    (-15.4, 179.9, 5500.0, None),  # crosses the antimeridian in the south
    (85.0, 10.0, 1500.0, "N"),  # around the North Pole
    (-80.0, 100.0, 2000.0, "S"),  # around the South Pole
    (90.0, 0.0, 1000.0, "N"),  # centred on the pole
    (0.0, 0.0, 9999.0, None),  # the largest range: nearly a hemisphere, touching neither pole
]


def _ring_points(ring: RangeRing) -> Iterator[tuple[float, float]]:
    """All polygon vertices except the two cap corners at latitude +/-90 added to close polar rings."""
    for part in ring.parts:
        for lon, lat in part:
            if abs(lat) != 90.0:
                yield lat, lon


@pytest.mark.parametrize(("lat", "lon", "range_km", "pole"), CASES)
def test_every_vertex_is_at_the_ring_distance(lat: float, lon: float, range_km: float, pole: str | None) -> None:
    ring = range_ring(lat, lon, range_km, n_vertices=180)
    assert ring.pole == pole
    pts = np.array(list(_ring_points(ring)))
    assert len(pts) >= 180
    d_m = distance_km(lat, lon, pts[:, 0], pts[:, 1]) * 1000.0
    assert np.max(np.abs(d_m - range_km * 1000.0)) < 1.0
    # independent check of a sample with geographiclib
    for p_lat, p_lon in pts[::17]:
        s12 = Geodesic.WGS84.Inverse(lat, lon, p_lat, p_lon)["s12"]
        assert abs(s12 - range_km * 1000.0) < 1.0


@pytest.mark.parametrize(("lat", "lon", "range_km", "pole"), CASES)
def test_polygons_are_valid_and_inside_the_map(lat: float, lon: float, range_km: float, pole: str | None) -> None:
    ring = range_ring(lat, lon, range_km)
    geom = ring.geometry()
    assert geom.is_valid
    x0, y0, x1, y1 = geom.bounds
    assert -180.0 <= x0 and x1 <= 180.0 and -90.0 <= y0 and y1 <= 90.0
    # points well inside / outside the ring (by exact distance) fall inside / outside the polygon
    rng = np.random.default_rng(7)
    n = 4000
    p_lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    p_lon = rng.uniform(-180, 180, n)
    d_km = distance_km(lat, lon, p_lat, p_lon)
    inside = shapely.contains_xy(geom, p_lon, p_lat)
    clear = np.abs(d_km - range_km) > 50.0
    assert np.array_equal(inside[clear], d_km[clear] < range_km)


def test_antimeridian_ring_is_split_at_solved_seam_points() -> None:
    ring = range_ring(64.7, 177.5, 1500.0)
    assert len(ring.parts) == 2
    seam = [(lon, lat) for part in ring.parts for lon, lat in part if abs(lon) == 180.0]
    assert len(seam) >= 4
    geo = ring.geojson_geometry()
    assert geo["type"] == "MultiPolygon"


def test_polar_ring_covers_the_pole() -> None:
    geom = range_ring(85.0, 10.0, 1500.0).geometry()
    assert shapely.contains_xy(geom, 0.0, 89.9) and shapely.contains_xy(geom, 179.0, 89.0)
    assert not shapely.contains_xy(geom, 10.0, 60.0)


def test_unwrapped_longitudes_are_continuous() -> None:
    pts = range_ring(64.7, 177.5, 1500.0).unwrapped_lonlat()
    steps = np.abs(np.diff([p[0] for p in pts]))
    assert steps.max() < 10.0
