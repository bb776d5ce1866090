"""The shipped GeoNames extract."""

from __future__ import annotations

import pytest

from moratorium.errors import InputError, NotFoundError
from moratorium.geo.targets import find_target, load_targets


def test_extract_has_capitals_and_cities() -> None:
    cities = load_targets("cities")
    capitals = load_targets("capitals")
    assert len(cities) > 30_000
    assert 230 <= len(capitals) <= 250
    assert all(t.is_capital for t in capitals.targets)
    small = [t for t in cities.targets if t.population < 15_000]
    assert small and all(t.is_capital for t in small)  # only capitals are kept below 15,000 people


def test_min_population_filters() -> None:
    big = load_targets("cities", min_population=1_000_000)
    assert 300 < len(big) < 700
    assert min(big.population) >= 1_000_000


def test_find_target_prefers_capitals_and_ignores_accents() -> None:
    paris = find_target("paris")
    assert (paris.country, paris.is_capital) == ("FRA", True)
    assert find_target("Paris/USA").country == "USA"
    assert find_target("Brasilia").country == "BRA"
    vaduz = find_target("Vaduz")
    assert vaduz.population < 15_000 and vaduz.is_capital


def test_bad_queries() -> None:
    with pytest.raises(NotFoundError):
        find_target("Xyzzyville")
    with pytest.raises(InputError):
        load_targets("villages")
    with pytest.raises(InputError):
        load_targets("cities", min_population=-1)
