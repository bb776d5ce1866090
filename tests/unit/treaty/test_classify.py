"""Systems classified under each range claim against INF Art. II bands, claims read as intervals.

References: INF Treaty Art. II(5)-(6) (bands: shorter-range 500-1,000 km, intermediate-range over 1,000 up to
5,500 km), Art. VII(4) (a GLBM's range is the maximum range to which it has been tested; a GLCM's is its range
capability). Text: https://2009-2017.state.gov/t/avc/trty/102360.htm
"""

from __future__ import annotations

import math

import pytest

from moratorium.catalog import Claim, load_catalog
from moratorium.treaty import load_treaty
from moratorium.treaty.classify import (
    LIMITED,
    NOT_LIMITED,
    STRADDLES,
    Interval,
    claim_interval,
    class_bands,
    classify_system,
    interval_status,
)


def _rows(system: str, treaty: str) -> dict[str, tuple[str | None, str]]:
    rows = classify_system(load_catalog().system(system), load_treaty(treaty))
    return {r.claim: (r.item_class, r.status) for r in rows}


def _claim(value: float, qualifier: str | None = None, interval: tuple[float, float] | None = None) -> Claim:
    return Claim(id="x", value=value, claimant="T", source="test", date="2020", qualifier=qualifier,
                 interval=interval)


def _inf_status(claim: Claim, system: str = "9m729") -> str:
    treaty = load_treaty("inf-1987")
    sys_ = load_catalog().system(system)
    bands = class_bands(sys_, {c.id for c in treaty.item_classes}, treaty)
    return interval_status(claim_interval(claim), bands)


def test_9m729_under_each_claim_inf() -> None:
    assert _rows("9m729", "inf-1987") == {
        "ru-mod": (None, NOT_LIMITED),  # Russia: up to 480 km, below the 500 km floor
        "ru-patrushev": (None, NOT_LIMITED),
        "us": ("glcm-intermediate", LIMITED),  # US: up to 2,500 km
        "us-test": ("glcm-intermediate", LIMITED),  # longest test 2,070 km
        "faz-nuclear": ("glcm-intermediate", LIMITED),
        "faz-conventional": ("glcm-intermediate", LIMITED),
        "ua-flight": ("glcm-intermediate", STRADDLES),  # "more than 1,200 km" (5 Oct 2025): a bound, open above
    }


@pytest.mark.parametrize("qualifier", ["up-to", "about"])
def test_up_to_or_about_500_straddles_the_500_km_edge(qualifier: str) -> None:
    assert _inf_status(_claim(500, qualifier)) == STRADDLES


@pytest.mark.parametrize("qualifier", [None, "declared", "up-to", "assessed"])
def test_480_does_not_straddle(qualifier: str | None) -> None:
    assert _inf_status(_claim(480, qualifier)) == NOT_LIMITED


def test_exact_500_is_inside_the_inclusive_floor_and_5500_inside_the_inclusive_ceiling() -> None:
    assert _inf_status(_claim(500)) == LIMITED
    assert _inf_status(_claim(5500)) == LIMITED
    assert _inf_status(_claim(5500.001)) == NOT_LIMITED


def test_more_than_3000_is_a_class_that_straddles_5500_not_a_ring_at_3000() -> None:
    interval = claim_interval(_claim(3000, "more-than"))
    assert interval.low == 3000 and interval.low_open and math.isinf(interval.high)
    assert _inf_status(_claim(3000, "more-than")) == STRADDLES


def test_less_than_500_is_below_the_floor() -> None:
    assert _inf_status(_claim(500, "less-than")) == NOT_LIMITED


def test_explicit_interval_is_used_as_it_stands() -> None:
    assert _inf_status(_claim(0, interval=(400, 600))) == STRADDLES
    assert _inf_status(_claim(0, interval=(600, 5000))) == LIMITED  # spans the 1,000 km class edge, still limited


def test_interval_edges_against_open_band_ends() -> None:
    treaty = load_treaty("inf-1987")
    intermediate = next(c.band for c in treaty.item_classes if c.id == "glcm-intermediate")
    assert not Interval(900, 1000).intersects(intermediate)  # (1000, 5500]: 1,000 itself is shorter-range
    assert Interval(900, 1000.5).intersects(intermediate)
    assert Interval(1000, 2000, low_open=True).within(intermediate)


def test_rs26_glbm_range_is_its_maximum_tested_range() -> None:
    # INF Art. VII(4): one figure per GLBM type, the longest test (5,800 km, Plesetsk-Kura 2012) -> outside INF
    rows = {r.claim: r for r in classify_system(load_catalog().system("rs-26"), load_treaty("inf-1987"))}
    counted = [r for r in rows.values() if r.counted]
    assert len(counted) == 1 and counted[0].range_km == max(r.range_km for r in rows.values() if
                                                             r.qualifier == "tested")
    assert counted[0].status == NOT_LIMITED
    assert all("Art. VII(4)" in (r.note or "") for r in rows.values() if not r.counted)


def test_9m729_is_limited_by_name_under_the_2020_offer() -> None:
    rows = classify_system(load_catalog().system("9m729"), load_treaty("ru-2020-offer"))
    assert all(r.limited and r.status == LIMITED for r in rows)
    assert {r.claim: r.item_class for r in rows}["ru-mod"] is None
    assert "named explicitly" in (rows[0].note or "")


def test_bounds_never_cross_band_edges() -> None:
    # 9M728: Russia says below 500 km (a bound), so it is not shorter-range; "more than 500" straddles 5,500 km
    rows = _rows("9m728", "inf-1987")
    assert rows["ru-mod"] == (None, NOT_LIMITED)
    assert rows["press"] == ("glcm-shorter", STRADDLES)


def test_sea_based_systems_are_outside_ground_launched_classes() -> None:
    rows = classify_system(load_catalog().system("kalibr-3m14"), load_treaty("inf-1987"))
    assert {r.item_class for r in rows} == {None}
    assert all(not r.limited for r in rows)
    assert "not ground-launched" in (rows[0].note or "")


def test_prsm_declared_499_is_not_limited() -> None:
    assert _rows("prsm-inc1", "inf-1987")["declared"] == (None, NOT_LIMITED)
