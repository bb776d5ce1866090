"""Distance to a territory: 0 inside, and no farther than any densely sampled boundary point."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from moratorium.errors import InputError, NotFoundError
from moratorium.geo import _data
from moratorium.geo.geodesy import distance_km, forward, inverse
from moratorium.geo.territory import TerritoryDistance


def _dense_min_km(lat: float, lon: float, code: str, step_m: float = 20.0) -> float:
    xy = np.concatenate([shapely.get_coordinates(r) for r in
                         shapely.get_rings(shapely.get_parts(_data.country(code)))])
    d_km = distance_km(lat, lon, xy[:, 1], xy[:, 0])
    best = np.argsort(d_km)[:6]
    samples = [d_km.min()]
    for k in best:
        for j in (k - 1, k):
            if j < 0 or j + 1 >= len(xy):
                continue
            az, _, length = inverse(xy[j, 1], xy[j, 0], xy[j + 1, 1], xy[j + 1, 0])
            s = np.arange(0.0, float(length) + step_m, step_m)
            q_lat, q_lon = forward(xy[j, 1], xy[j, 0], float(az), np.minimum(s, float(length)))
            samples.append(distance_km(lat, lon, q_lat, q_lon).min())
    return float(min(samples))


@pytest.mark.parametrize(("lat", "lon", "code"), [
    (56.85, 62.71, "LVA"),  # Kamyshlov to Latvia
    (54.63, 21.81, "POL"),  # Chernyakhovsk to Poland
    (53.71, 31.71, "LTU"),
    (43.74, 44.65, "GEO"),
])
def test_matches_dense_sampling(lat: float, lon: float, code: str) -> None:
    got = TerritoryDistance().min_distance_km(lat, lon, [code])
    dense = _dense_min_km(lat, lon, code)
    assert got <= dense + 1e-6  # never farther than a boundary point
    assert got > dense - 0.001  # and no closer than the 20 m sampling allows


def test_inside_is_zero_and_unions_take_the_nearest() -> None:
    td = TerritoryDistance()
    assert td.min_distance_km(52.52, 13.40, ["DEU"]) == 0.0
    both = td.min_distance_km(56.85, 62.71, ["LVA", "EST"])
    assert both == min(td.min_distance_km(56.85, 62.71, ["LVA"]), td.min_distance_km(56.85, 62.71, ["EST"]))
    assert td.min_distance_km(54.63, 21.81, [], subjects=["RU-KGD"]) == 0.0


def test_bad_input() -> None:
    td = TerritoryDistance()
    with pytest.raises(NotFoundError):
        td.min_distance_km(0.0, 0.0, ["XXX"])
    with pytest.raises(InputError):
        td.min_distance_km(100.0, 0.0, ["DEU"])
    with pytest.raises(InputError):
        td.min_distance_km(0.0, 0.0, [])
