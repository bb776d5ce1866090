"""Warning times per claim and flight profile (``moratorium.analysis.warning``)."""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic

from moratorium.analysis.warning import speed_claim, warning
from moratorium.catalog import load_catalog
from moratorium.errors import InputError
from moratorium.geo.flight import ballistic_time_s, cruise_time_s, depressed_time_s


def test_named_targets_every_claim_and_profile() -> None:
    result = warning("krichev", "oreshnik", targets=("Berlin", "Lisbon"))
    catalog = load_catalog()
    krichev = catalog.sites["krichev"]
    rows = {(r.target, r.claim): r for r in result.rows}
    assert set(rows) == {("Berlin", "ru"), ("Berlin", "us"), ("Lisbon", "ru"), ("Lisbon", "us")}
    berlin = rows[("Berlin", "us")]
    d = Geodesic.WGS84.Inverse(krichev.lat, krichev.lon, 52.52437, 13.41053)["s12"] / 1000.0
    assert berlin.distance_km == pytest.approx(d, abs=1.0)
    assert [p.profile for p in berlin.profiles] == ["minimum-energy", "depressed"]
    assert berlin.profiles[0].minutes == pytest.approx(ballistic_time_s(berlin.distance_km) / 60.0)
    assert berlin.shortest is not None and berlin.shortest.profile == "depressed"
    assert berlin.shortest.minutes == pytest.approx(depressed_time_s(berlin.distance_km) / 60.0)
    lisbon_us = rows[("Lisbon", "us")]
    assert lisbon_us.distance_km > 3000.0 and not lisbon_us.in_reach  # "more than 3,000 km" read as 3,000
    assert rows[("Lisbon", "ru")].in_reach


def test_capitals_mode_lists_only_what_is_in_reach() -> None:
    result = warning("laoag", "tomahawk", claims=("cnbc-low",))
    assert result.rows and all(r.in_reach and r.distance_km <= 1290.0 for r in result.rows)
    taipei = next(r for r in result.rows if r.target == "Taipei")
    speed = speed_claim(load_catalog().system("tomahawk"))
    assert speed is not None and speed.value == 880.0
    assert taipei.profiles[0].profile == "cruise"
    assert taipei.profiles[0].minutes == pytest.approx(cruise_time_s(taipei.distance_km, speed_kmh=880.0) / 60.0)


def test_glide_uses_the_sourced_speed() -> None:
    result = warning("grafenwoehr", "dark-eagle", targets=("Moscow",))
    row = result.rows[0]
    glide = next(p for p in row.profiles if p.profile == "glide")
    # the catalogue's one speed claim for the Dark Eagle: "exceeding Mach 5" (Stars and Stripes, Talisman Sabre
    # 2025), taken as about 6,000 km/h (Mach 5 is 5,300-6,100 km/h from altitude to sea level) and a lower bound
    assert glide.speed_kmh == 6000.0 and glide.speed_source and "Mach 5" in glide.speed_source
    assert row.shortest is not None and row.shortest.profile == "minimum-energy"  # the fast bound
    assert result.to_json()["speed_claim"]["qualifier"] == "more-than"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"site": "deveselu", "system": "sm-3"}, "no flight to ground targets"),
    ({"site": "nowhere", "system": "oreshnik"}, "unknown site"),
    ({"site": "krichev", "system": "oreshnik", "claims": ("cia",)}, "no range claim"),
    ({"site": "krichev", "system": "oreshnik", "targets": ("capitals", "Berlin")}, "alone"),
])
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        warning(**kwargs)  # type: ignore[arg-type]
