"""Benchmark: exact in-range (site, target) pairs, brute force vs moratorium's proven-bound method.

Builds 1,000 sites x 50,000 targets (uniform on the sphere, fixed seed) with ranges from 500 to 5,500 km and
computes the pairs within range two ways in the same run:

1. brute force: ``Geod.inv`` (WGS84) over every pair, in chunks;
2. ``moratorium.geo.pairs.pairs_within``: a spherical prefilter on surface normals whose bound
   ``a(1 - e^2) sigma <= s <= a / sqrt(1 - e^2) sigma`` is proven (see that module's docstring), then
   ``Geod.inv`` only for pairs in the undecided band.

It asserts the two pair sets are identical, checks peak memory (tracemalloc for numpy buffers, plus the
process's peak RSS) stays under 1 GiB, and prints ``speedup_vs_bruteforce=X`` as its last line.
``--quick`` shrinks the problem (100 x 10,000) for smoke runs.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from moratorium.geo.geodesy import wgs84
from moratorium.geo.pairs import pairs_within

__all__ = ["brute_force", "main"]

GIB = 1024**3


def _uniform_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    return lat, lon


def brute_force(s_lat: np.ndarray, s_lon: np.ndarray, ranges_km: np.ndarray, t_lat: np.ndarray,
                t_lon: np.ndarray, *, chunk_sites: int = 20) -> np.ndarray:
    """Every pair through ``Geod.inv``, chunked over sites to bound memory; returns sorted pair keys
    ``site * n_targets + target`` (int64)."""
    geod = wgs84()
    keys = []
    for start in range(0, s_lat.size, chunk_sites):
        stop = min(start + chunk_sites, s_lat.size)
        n = stop - start
        la1 = np.repeat(s_lat[start:stop], t_lat.size)
        lo1 = np.repeat(s_lon[start:stop], t_lat.size)
        la2 = np.tile(t_lat, n)
        lo2 = np.tile(t_lon, n)
        _, _, d_m = geod.inv(lo1, la1, lo2, la2)
        inside = np.asarray(d_m) <= np.repeat(ranges_km[start:stop], t_lat.size) * 1000.0
        keys.append(np.nonzero(inside)[0].astype(np.int64) + start * t_lat.size)
    return np.sort(np.concatenate(keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sites x 10,000 targets")
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--targets", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20201026)
    args = parser.parse_args()
    n_sites, n_targets = (100, 10_000) if args.quick else (args.sites, args.targets)
    rng = np.random.default_rng(args.seed)
    s_lat, s_lon = _uniform_points(rng, n_sites)
    t_lat, t_lon = _uniform_points(rng, n_targets)
    ranges_km = rng.uniform(500.0, 5500.0, n_sites)
    print(f"sites={n_sites} targets={n_targets} pairs={n_sites * n_targets:,} ranges=500..5500 km")

    wgs84().inv(0.0, 0.0, 1.0, 1.0)  # load pyproj before timing either method
    tracemalloc.start()
    t0 = time.perf_counter()
    fast = pairs_within(s_lat, s_lon, ranges_km, t_lat, t_lon, distances=False)
    t_fast = time.perf_counter() - t0
    _, peak_fast = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    print(f"method: {t_fast:.2f} s, {len(fast):,} pairs, {fast.n_exact:,} decided by Geod.inv "
          f"({fast.n_exact / (n_sites * n_targets):.3%} of all pairs), traced peak {peak_fast / 2**20:.0f} MiB")

    t0 = time.perf_counter()
    brute = brute_force(s_lat, s_lon, ranges_km, t_lat, t_lon)
    t_brute = time.perf_counter() - t0
    _, peak_brute = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"brute force: {t_brute:.2f} s, {len(brute):,} pairs, traced peak {peak_brute / 2**20:.0f} MiB")

    fast_keys = np.sort(fast.site_index * n_targets + fast.target_index)
    if not np.array_equal(fast_keys, brute):
        only = np.setxor1d(fast_keys, brute).size
        raise AssertionError(f"pair sets differ: {only} pairs in one set only")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"identical pair sets; peak RSS {rss / 2**20:.0f} MiB")
    assert max(peak_fast, peak_brute) < GIB and rss < GIB, "peak memory over 1 GiB"
    print(f"speedup_vs_bruteforce={t_brute / t_fast:.1f}")


if __name__ == "__main__":
    main()
