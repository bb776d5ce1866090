"""Flight-time estimates."""

from __future__ import annotations

import itertools
import math

import pytest

from moratorium.errors import InputError
from moratorium.geo.flight import ASSUMED_CRUISE_SPEED_KMH, GM_EARTH_M3_S2, ballistic_time_s, flight_time_min
from moratorium.geo.geodesy import MEAN_EARTH_RADIUS_KM


def test_ballistic_limits() -> None:
    assert ballistic_time_s(0.0) == 0.0
    r_m = MEAN_EARTH_RADIUS_KM * 1000.0
    half_circular_period_s = math.pi * math.sqrt(r_m**3 / GM_EARTH_M3_S2)
    assert ballistic_time_s(math.pi * MEAN_EARTH_RADIUS_KM) == pytest.approx(half_circular_period_s, rel=1e-9)


def test_ballistic_is_increasing_and_plausible() -> None:
    times = [ballistic_time_s(d) for d in range(100, 20000, 100)]
    assert all(b > a for a, b in itertools.pairwise(times))
    assert 10.5 < flight_time_min(2000.0, system_type="ballistic") < 12.5
    assert 20.0 < flight_time_min(5500.0, system_type="ballistic") < 24.0


def test_speed_model() -> None:
    assert flight_time_min(1000.0, system_type="cruise", speed_kmh=800.0) == pytest.approx(75.0)
    assert flight_time_min(880.0, system_type="cruise") == pytest.approx(60.0 * 880.0 / ASSUMED_CRUISE_SPEED_KMH)
    assert flight_time_min(2000.0, system_type="glide") == flight_time_min(2000.0, system_type="ballistic")
    assert flight_time_min(600.0, system_type="glide", speed_kmh=6000.0) == pytest.approx(6.0)


@pytest.mark.parametrize(("kwargs"), [
    {"distance_km": -1.0, "system_type": "ballistic"},
    {"distance_km": 100.0, "system_type": "rocket"},
    {"distance_km": 100.0, "system_type": "sam"},
    {"distance_km": 100.0, "system_type": "cruise", "speed_kmh": 0.0},
])
def test_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        flight_time_min(**kwargs)  # type: ignore[arg-type]
