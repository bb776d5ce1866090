"""Zones: European/Asian Russia under each definition, and the sensitivity report."""

from __future__ import annotations

import pytest
import shapely

from moratorium.errors import InputError, NotFoundError
from moratorium.geo import _data
from moratorium.geo.zones import DEFINITIONS, in_zone, russia_part, sensitivity, which, zone_polygon


def test_kamyshlov_is_asian_under_every_definition() -> None:
    loc = which(56.85, 62.71)
    assert loc.country == "RUS" and loc.subject == "RU-SVE"
    assert set(loc.parts.values()) == {"asian-russia"}


def test_mozdok_depends_on_the_caucasus_boundary() -> None:
    parts = which(43.74, 44.65).parts
    assert parts["urals-line"] == parts["attu"] == parts["federal-districts"] == "european-russia"
    assert parts["continental"] == "asian-russia"


@pytest.mark.parametrize(("lat", "lon", "part"), [
    (55.75, 37.62, "european-russia"),  # Moscow
    (54.71, 20.51, "european-russia"),  # Kaliningrad
    (43.12, 131.9, "asian-russia"),  # Vladivostok
    (65.0, -175.0, "asian-russia"),  # Chukotka east of 180
    (57.99, 56.25, "european-russia"),  # Perm, west of the Urals
])
def test_unambiguous_places(lat: float, lon: float, part: str) -> None:
    assert set(which(lat, lon).parts.values()) == {part}


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_parts_partition_russia(definition: str) -> None:
    eu = russia_part("european-russia", european_russia=definition)
    asia = russia_part("asian-russia", european_russia=definition)
    russia = _data.country("RUS")
    assert eu.intersection(asia).area < 1e-6
    assert abs(eu.area + asia.area - russia.area) / russia.area < 0.01


def test_urals_line_moves_orenburg_south_bank_to_asia() -> None:
    fd = russia_part("asian-russia", european_russia="federal-districts")
    ul = russia_part("asian-russia", european_russia="urals-line")
    # south of the Ural River near Orsk (Orenburg oblast, Volga district): Asian only by the line
    assert not shapely.intersects_xy(fd, 59.0, 51.0) and shapely.intersects_xy(ul, 59.0, 51.0)


def test_zone_polygon_and_membership() -> None:
    zone = zone_polygon(countries=["BLR"], parts=["european-russia"], european_russia="urals-line")
    assert shapely.intersects_xy(zone, 27.56, 53.9)  # Minsk
    assert not shapely.intersects_xy(zone, 62.71, 56.85)  # Kamyshlov
    assert in_zone(53.71, 31.71, countries=["BLR"])
    assert in_zone(43.74, 44.65, parts=["european-russia"], european_russia="urals-line")
    assert not in_zone(43.74, 44.65, parts=["european-russia"], european_russia="continental")
    assert in_zone(54.63, 21.81, subjects=["RU-KGD"])


def test_bad_zone_input() -> None:
    with pytest.raises(InputError):
        zone_polygon()
    with pytest.raises(InputError):
        russia_part("european-russia", european_russia="ural")
    with pytest.raises(NotFoundError):
        zone_polygon(countries=["XXX"])
    with pytest.raises(InputError):
        which(0.0, 200.0)


def test_sea_and_coast() -> None:
    assert which(0.0, -30.0).country is None
    bornholm = which(55.06, 14.76)  # Ronne, on the coast
    assert bornholm.country == "DNK"


def test_sensitivity_report_flags_mozdok_only() -> None:
    rows = {r.site_id: r for r in sensitivity()}
    assert rows["mozdok"].changes
    assert not rows["kamyshlov"].changes and rows["kamyshlov"].parts["urals-line"] == "asian-russia"
    assert "krichev" not in rows  # Belarus
