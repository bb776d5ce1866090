"""9M729 and others classified under each range claim against INF Art. II bands."""

from __future__ import annotations

from moratorium.catalog import load_catalog
from moratorium.treaty import load_treaty
from moratorium.treaty.classify import classify_system


def _rows(system: str, treaty: str) -> dict[str, tuple[str | None, bool]]:
    rows = classify_system(load_catalog().system(system), load_treaty(treaty))
    return {r.claim: (r.item_class, r.limited) for r in rows}


def test_9m729_under_each_claim_inf() -> None:
    assert _rows("9m729", "inf-1987") == {
        "ru-mod": (None, False),  # Russia: 480 km, below the 500 km floor
        "ru-patrushev": (None, False),
        "us": ("glcm-intermediate", True),  # US: up to 2,500 km
        "us-test": ("glcm-intermediate", True),  # longest test 2,070 km
        "faz-nuclear": ("glcm-intermediate", True),
        "faz-conventional": ("glcm-intermediate", True),
        "ua-flight": ("glcm-intermediate", True),  # a flight of more than 1,200 km, 5 Oct 2025 (Reuters)
    }


def test_9m729_is_limited_by_name_under_the_2020_offer() -> None:
    rows = classify_system(load_catalog().system("9m729"), load_treaty("ru-2020-offer"))
    assert all(r.limited for r in rows)
    assert {r.claim: r.item_class for r in rows}["ru-mod"] is None
    assert "named explicitly" in (rows[0].note or "")


def test_bounds_never_cross_band_edges() -> None:
    # 9M728: Russia says below 500 km (a bound), so it is not shorter-range; the press says more than 500
    rows = _rows("9m728", "inf-1987")
    assert rows["ru-mod"] == (None, False)
    assert rows["press"] == ("glcm-shorter", True)


def test_sea_based_systems_are_outside_ground_launched_classes() -> None:
    rows = classify_system(load_catalog().system("kalibr-3m14"), load_treaty("inf-1987"))
    assert {r.item_class for r in rows} == {None}
    assert all(not r.limited for r in rows)
    assert "not ground-launched" in (rows[0].note or "")


def test_ballistic_and_glide_use_glbm_classes() -> None:
    assert set(_rows("oreshnik", "inf-1987").values()) == {("glbm-intermediate", True)}
    assert set(_rows("dark-eagle", "inf-1987").values()) == {("glbm-intermediate", True)}
    assert _rows("prsm-inc1", "inf-1987")["declared"] == (None, False)  # 499 km declared
