"""The proven prefilter: its bound holds, and the pair sets equal brute force, including pairs placed within a
metre of the ring."""

from __future__ import annotations

import numpy as np

from moratorium.geo.geodesy import distance_km, forward
from moratorium.geo.pairs import normals, pairs_within, sphere_bounds_km


def _points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n)


def test_bound_holds_on_random_pairs() -> None:
    rng = np.random.default_rng(3)
    lat1, lon1 = _points(rng, 20000)
    lat2, lon2 = _points(rng, 20000)
    s_km = distance_km(lat1, lon1, lat2, lon2)
    sigma = np.arccos(np.clip(np.sum(normals(lat1, lon1) * normals(lat2, lon2), axis=1), -1, 1))
    low, high = sphere_bounds_km()
    assert np.all(low * sigma <= s_km * (1 + 1e-12))
    assert np.all(s_km <= high * sigma * (1 + 1e-12))
    assert 6335.0 < low < 6336.0 and 6399.0 < high < 6400.0


def test_pairs_equal_brute_force_with_targets_on_the_boundary() -> None:
    rng = np.random.default_rng(4)
    s_lat, s_lon = _points(rng, 40)
    ranges = rng.uniform(500, 5500, 40)
    t_lat, t_lon = _points(rng, 3000)
    # adversarial targets 1 m inside and 1 m outside each ring
    az = rng.uniform(0, 360, 40)
    in_lat, in_lon = forward(s_lat, s_lon, az, ranges * 1000 - 1.0)
    out_lat, out_lon = forward(s_lat, s_lon, az, ranges * 1000 + 1.0)
    t_lat = np.concatenate([t_lat, in_lat, out_lat])
    t_lon = np.concatenate([t_lon, in_lon, out_lon])
    found = pairs_within(s_lat, s_lon, ranges, t_lat, t_lon, chunk_elements=10_000)
    d_km = distance_km(s_lat[:, None], s_lon[:, None], t_lat[None, :], t_lon[None, :])
    want_i, want_j = np.nonzero(d_km <= ranges[:, None])
    assert set(zip(found.site_index.tolist(), found.target_index.tolist(), strict=True)) == set(
        zip(want_i.tolist(), want_j.tolist(), strict=True))
    assert np.allclose(found.distance_km, d_km[found.site_index, found.target_index], rtol=0, atol=1e-9)
    assert found.n_exact < 0.05 * d_km.size
    n = 3000
    for k in range(40):
        assert (k, n + k) in set(zip(found.site_index.tolist(), found.target_index.tolist(), strict=True))


def test_no_targets_or_sites() -> None:
    assert len(pairs_within([], [], 1000.0, [10.0], [10.0])) == 0
    assert len(pairs_within([10.0], [10.0], 1000.0, [], [])) == 0
