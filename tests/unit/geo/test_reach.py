"""Reach, reverse reach and reach diff."""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic

from moratorium.errors import InputError, NotFoundError
from moratorium.geo.reach import (
    ReachHit,
    reach,
    reach_diff,
    resolve_ranges,
    resolve_site,
    resolve_target,
    reverse_reach,
)

KEYS = ["name", "country", "lat", "lon", "population", "is_capital", "distance_km", "flight_time_min"]


def test_kamyshlov_reaches_baltic_capitals_only_under_the_us_estimate() -> None:
    site = resolve_site("kamyshlov")
    [us] = resolve_ranges(system="9m729", claims=("us",))
    [ru] = resolve_ranges(system="9m729", claims=("ru-mod",))
    names_us = {h.name for h in reach(site, us).hits}
    assert {"Riga", "Vilnius", "Tallinn", "Moscow"} <= names_us
    assert reach(site, ru).hits == ()


def test_records_are_sorted_exact_and_keyed() -> None:
    site = resolve_site("56.85,62.71")
    [choice] = resolve_ranges(system="9m729", claims=("us",))
    result = reach(site, choice, targets="cities", min_population=200_000)
    records = result.as_records()
    assert records and list(records[0]) == KEYS
    assert [r["distance_km"] for r in records] == sorted(r["distance_km"] for r in records)
    for r in records[:: max(1, len(records) // 25)]:
        s12_km = Geodesic.WGS84.Inverse(56.85, 62.71, r["lat"], r["lon"])["s12"] / 1000.0
        assert abs(r["distance_km"] - s12_km) <= 0.0005  # exact to the metre after rounding to 3 decimals
        assert r["distance_km"] <= 2500.0 and r["population"] >= 200_000
        assert r["flight_time_min"] is not None
    assert result.population == sum(r["population"] for r in records)


def test_range_only_has_no_flight_time() -> None:
    result = reach(resolve_site("54.63,21.81"), resolve_ranges(range_km=300.0)[0])
    assert result.hits and all(h.flight_time_min is None for h in result.hits)
    assert {"Vilnius", "Riga", "Warsaw"} <= {h.name for h in result.hits}


def test_default_claim_is_the_longest_and_all_claims_sort() -> None:
    [longest] = resolve_ranges(system="9m729")
    assert longest.range_km == 2500.0 and longest.claim == "us"
    all_claims = resolve_ranges(system="9m729", all_claims=True)
    assert [c.range_km for c in all_claims] == sorted(c.range_km for c in all_claims)


def test_diff_counts_gains_and_losses() -> None:
    site = resolve_site("kamyshlov")
    a = reach(site, resolve_ranges(range_km=1600.0)[0])
    b = reach(site, resolve_ranges(range_km=2300.0)[0])
    d = reach_diff(a, b)
    assert not d.lost and d.gained
    assert d.population_gained == b.population - a.population
    back = reach_diff(b, a)
    assert back.lost == d.gained and back.population_lost == d.population_gained


def test_reverse_reach_lists_catalogue_sites() -> None:
    result = reverse_reach(resolve_target("Riga"), 2500.0)
    ids = [s.id for s in result.sites]
    assert "kamyshlov" in ids and "chernyakhovsk" in ids and "jblm" not in ids
    assert [s.distance_km for s in result.sites] == sorted(s.distance_km for s in result.sites)
    assert result.as_dict()["area"]["type"] == "Polygon"


def test_bad_input() -> None:
    with pytest.raises(NotFoundError):
        resolve_site("nowhere")
    with pytest.raises(InputError):
        resolve_site("91,0")
    with pytest.raises(NotFoundError):
        resolve_ranges(system="9m729", claims=("nobody",))
    with pytest.raises(NotFoundError):
        resolve_ranges(system="no-such-missile")
    with pytest.raises(InputError):
        resolve_ranges(range_km=-3.0)
    with pytest.raises(InputError):
        resolve_ranges(range_km=1000.0, system="9m729")
    with pytest.raises(InputError):
        resolve_ranges()


def test_dataframe() -> None:
    pytest.importorskip("pandas")
    result = reach(resolve_site("kamyshlov"), resolve_ranges(range_km=2000.0)[0])
    frame = result.to_dataframe()
    assert list(frame.columns) == KEYS == list(ReachHit.__dataclass_fields__)
    assert len(frame) == len(result.hits)
