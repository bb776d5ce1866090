"""``moratorium compare`` on the history scenario at its end: what INF 1987, the 2020 offer, the 2021 draft and
the 2022 non-paper would ban, the capitals they take out of reach (checked against geographiclib), the 2020
offer's verification coverage, and the warning left (checked against an independently integrated flight)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from geographiclib.geodesic import Geodesic

from moratorium.analysis.compare import Comparison, compare
from moratorium.catalog import load_catalog
from moratorium.errors import InputError
from moratorium.geo.flight import GM_EARTH_M3_S2, minimum_energy_angle_rad
from moratorium.geo.geodesy import MEAN_EARTH_RADIUS_KM
from moratorium.geo.targets import load_targets
from moratorium.scenario import load_scenario
from moratorium.treaty.classify import counted_range_claims

TREATIES = ["inf-1987", "ru-2020-offer", "ru-2021-draft", "us-2022-nonpaper"]


@pytest.fixture(scope="module")
def result() -> Comparison:
    return compare(TREATIES, load_scenario("history-2019-2026"))


@pytest.fixture(scope="module")
def doc(result: Comparison) -> dict[str, Any]:
    return result.to_json()


def _with(doc: dict[str, Any], treaty: str, status: str) -> set[str]:
    return {d["id"] for d in doc["deployments"] if d["by_treaty"][treaty]["status"] == status}


def test_json_contract(doc: dict[str, Any]) -> None:
    assert [t["id"] for t in doc["treaties"]] == TREATIES
    assert {"treaties", "deployments", "reach", "verification"} <= set(doc)
    for d in doc["deployments"]:
        assert {"id", "party", "site", "system", "by_treaty"} <= set(d)
        assert set(d["by_treaty"]) == set(TREATIES)
        for entry in d["by_treaty"].values():
            assert entry["status"] in {"banned", "permitted", "out-of-scope", "contested"}
            assert isinstance(entry["claims"], list)
    # the record's last entry: Trump's refusal to extend New START and China's refusal to join (5 Feb 2026)
    assert doc["at"] == "2026-02-05"


def test_what_each_treaty_bans(doc: dict[str, Any]) -> None:
    nine_m_729 = {"kapustin-yar/9m729", "shuya/9m729", "mozdok/9m729", "kamyshlov/9m729"}
    # INF bans the Typhon's ground-launched Tomahawk outright, on Luzon and at Iwakuni (still there after Resolute
    # Dragon: Russian MFA, 31 Oct 2025); the 9M729 only on the US and FAZ ranges (480 km by Russia's), and the
    # Oreshnik's one counted claim ("more than 3,000 km", the US's) does not say whether it passes 5,500 km.
    tomahawks = {"laoag/tomahawk", "iwakuni/tomahawk"}
    assert _with(doc, "inf-1987", "banned") == tomahawks
    assert _with(doc, "inf-1987", "contested") == nine_m_729 | {"krichev/oreshnik"}
    # The offer names the 9M729: banned in European Russia whatever its range. Kamyshlov is east of the Urals and
    # outside the Asia-Pacific as the offer is read by default (the Far East).
    assert _with(doc, "ru-2020-offer", "banned") == {"kapustin-yar/9m729", "shuya/9m729", "mozdok/9m729"}
    assert _with(doc, "ru-2020-offer", "contested") == {"krichev/oreshnik"}
    # NATO's reciprocal pledge covers Europe only: the Tomahawks in the Philippines and Japan are permitted (they
    # only trigger the Asia-Pacific reciprocity).
    assert {"kamyshlov/9m729"} | tomahawks <= _with(doc, "ru-2020-offer", "permitted")
    # The drafts ban what is abroad (both Tomahawks are), and at home what reaches the other side: the 9M729s and
    # the Oreshnik turn on the ranges here.
    assert _with(doc, "ru-2021-draft", "banned") == tomahawks
    assert _with(doc, "ru-2021-draft", "contested") == nine_m_729 | {"krichev/oreshnik"}
    # The non-paper bans nothing that is deployed: it adds transparency at Aegis Ashore.
    assert _with(doc, "us-2022-nonpaper", "banned") == set()
    assert _with(doc, "us-2022-nonpaper", "contested") == set()


def test_contested_per_claim(doc: dict[str, Any]) -> None:
    dep = next(d for d in doc["deployments"] if d["id"] == "kapustin-yar/9m729")
    by_claim = {r["claim"]: r["status"] for r in dep["by_treaty"]["inf-1987"]["claims"]}
    assert by_claim == {"ru-mod": "out-of-scope", "ru-patrushev": "out-of-scope", "us": "banned", "us-test": "banned",
                        "faz-nuclear": "banned", "faz-conventional": "banned"}
    oreshnik = next(d for d in doc["deployments"] if d["id"] == "krichev/oreshnik")
    by_claim = {r["claim"]: r["status"] for r in oreshnik["by_treaty"]["inf-1987"]["claims"]}
    assert by_claim == {"ru": "banned", "us": "contested"}  # a bound across the 5,500 km edge decides nothing


def test_reciprocity_triggers_named(doc: dict[str, Any]) -> None:
    deveselu = next(d for d in doc["deployments"] if d["id"] == "deveselu/mk41-aegis-ashore")
    trig = deveselu["by_treaty"]["ru-2020-offer"]["triggers"]
    assert trig == [{"condition": "us-missiles-in-europe", "level": "contested",
                     "suspends": ["ru-moratorium-europe", "ru-no-9m729-european-russia"]}]


def _geographiclib_capitals(lat: float, lon: float, range_km: float, exclude: set[str]) -> set[str]:
    out = set()
    for t in load_targets("capitals").targets:
        if t.country in exclude:
            continue
        if Geodesic.WGS84.Inverse(lat, lon, t.lat, t.lon)["s12"] / 1000.0 <= range_km:
            out.add(f"{t.name}/{t.country}")
    return out


def test_capitals_in_reach_per_claim_match_geographiclib(doc: dict[str, Any]) -> None:
    catalog = load_catalog()
    checked = 0
    for treaty in ("ru-2020-offer", "ru-2021-draft"):
        for row in doc["reach"][treaty]["by_claim"]:
            if row["deployment"] not in {"krichev/oreshnik", "kapustin-yar/9m729", "laoag/tomahawk"}:
                continue
            site = catalog.sites[row["deployment"].split("/")[0]]
            own = {"RUS"} if row["party"] == "RU" else set(
                next(p for p in load_treaty_parties(treaty) if p[0] == row["party"])[1])
            exclude = own | {site.country}
            assert set(row["capitals"]) == _geographiclib_capitals(site.lat, site.lon, row["range_km"], exclude)
            checked += 1
    assert checked >= 10


def load_treaty_parties(treaty_id: str) -> list[tuple[str, tuple[str, ...]]]:
    from moratorium.treaty import load_treaty

    return [(p.id, p.territory) for p in load_treaty(treaty_id).parties]


def test_capitals_removed_under_each_reading(doc: dict[str, Any]) -> None:
    """Removed = held by the side before the bans minus held after, recomputed from geographiclib."""
    from moratorium.analysis._deployments import deployments_at
    from moratorium.regime.claims import view

    _, state, _ = deployments_at(load_scenario("history-2019-2026"))
    catalog = view(load_catalog(), state.claims, None)
    for treaty in TREATIES:
        status = {d["id"]: d["by_treaty"][treaty] for d in doc["deployments"]}
        for reading in ("shortest", "longest"):
            for side, summary in doc["reach"][treaty]["by_reading"][reading].items():
                before: set[str] = set()
                after: set[str] = set()
                for key in summary["claims"]:
                    dep_id, _, via_system = key.partition(" (")
                    dep = next(d for d in doc["deployments"] if d["id"] == dep_id)
                    system = catalog.systems[via_system.rstrip(")") or dep["system"]]
                    counted, _ = counted_range_claims(system)
                    claim = (min if reading == "shortest" else max)(counted, key=lambda c: (c.value, c.id))
                    site = catalog.sites[dep["site"]]
                    own = set(dict(load_treaty_parties(treaty))[side]) | {site.country}
                    caps = _geographiclib_capitals(site.lat, site.lon, claim.value, own)
                    before |= caps
                    per_claim = {r["claim"]: r["status"] for r in status[dep_id]["claims"]}
                    if (status[dep_id]["status"] if via_system else per_claim[claim.id]) != "banned":
                        after |= caps
                assert set(summary["held_before"]) == before
                assert set(summary["held_after"]) == after
                assert set(summary["removed"]) == before - after
    offer = doc["reach"]["ru-2020-offer"]["by_reading"]["longest"]["RU"]
    # the banned 9M729s at 2,500 km reach, beyond the Oreshnik's 3,000 km from Krichev, only the Gulf and Kabul
    assert offer["removed"] == ["Abu Dhabi/ARE", "Doha/QAT", "Kabul/AFG", "Kuwait City/KWT", "Manama/BHR",
                                "Riyadh/SAU"]
    assert doc["reach"]["us-2022-nonpaper"]["by_reading"]["longest"]["RU"]["removed"] == []
    assert doc["reach"]["ru-2020-offer"]["by_reading"]["shortest"]["RU"]["removed"] == []


def test_aegis_ashore_reaches_moscow_only_on_russias_claim(doc: dict[str, Any]) -> None:
    """If the Mk-41 ashore can fire Tomahawk (Russia's claim; the US denies it), Redzikowo holds Moscow."""
    nato = doc["reach"]["ru-2020-offer"]["by_reading"]
    assert "redzikowo/mk41-aegis-ashore (tomahawk)" in nato["longest"]["NATO"]["claims"]
    assert "Moscow/RUS" in nato["longest"]["NATO"]["held_after"]
    assert "Moscow/RUS" not in nato["shortest"]["NATO"]["held_after"]
    moscow = doc["warning"]["ru-2020-offer"]["longest"]["RU"]
    assert [(w["capital"], w["from"], w["profile"], w["capability"]) for w in moscow] == [
        ("Moscow/RUS", "redzikowo/mk41-aegis-ashore", "cruise", "contested")]
    assert moscow[0]["minutes"] == pytest.approx(moscow[0]["distance_km"] / 880.0 * 60.0, abs=0.01)
    assert doc["warning"]["ru-2020-offer"]["shortest"]["RU"] == []


def test_verification_coverage_of_the_2020_offer(doc: dict[str, Any]) -> None:
    """It verifies Kaliningrad (one garrison there) while pledging all of European Russia."""
    cov = {(v["party"], v["zone"]): v for v in doc["verification"]["ru-2020-offer"]}
    ru = cov[("RU", "european-russia")]
    assert ru["known_sites"] == ["baltiysk-bastion", "chernyakhovsk", "kapustin-yar", "mozdok", "shuya"]
    assert ru["covered_sites"] == ["chernyakhovsk"]
    assert ru["known_share"] == 0.2
    assert ru["visits_per_year"] == 2 and ru["inspector_days_per_year"] == 20.0
    # Violator uniform over 5 sites and over the year; 2 visits, uniform in time, all to Chernyakhovsk:
    # P = 1/5 * P(some visit after t0) = 1/5 * (1 - E[t0^2]) = 1/5 * 2/3 = 2/15.
    assert ru["detection_probability_1y"] == pytest.approx(float(Fraction(2, 15)), abs=1e-6)
    europe = cov[("RU", "europe")]
    assert europe["declared_sites"] == ["krichev"] and europe["declared_share"] == 0.0
    nato = cov[("NATO", "europe")]
    assert nato["covered_sites"] == ["deveselu", "redzikowo"] and nato["declared_share"] == 1.0
    nonpaper = doc["verification"]["us-2022-nonpaper"][0]
    assert nonpaper["covered_sites"] == ["deveselu", "redzikowo"] and nonpaper["known_share"] == 1.0


def test_readings_that_change_a_status(doc: dict[str, Any]) -> None:
    readings = next(t for t in doc["treaties"] if t["id"] == "ru-2020-offer")["readings"]
    zone = [r for r in readings if r["reading"] != "claims"]
    # Mozdok lies south of the Kuma-Manych depression: Asia on the continental boundary; Kamyshlov comes under the
    # Asia-Pacific pledge if "Asian Russia" means everything east of the European line.
    assert zone == [{"reading": "european_russia=continental", "deployment": "mozdok/9m729",
                     "from": "banned", "to": "permitted"},
                    {"reading": "asia_pacific_russia=asian", "deployment": "kamyshlov/9m729",
                     "from": "permitted", "to": "contested"}]


def _integrated_flight_min(distance_km: float, gamma: float) -> float:
    """Time of flight by integrating the two-body equations (scipy), with the burnout speed found by root-finding
    on the landing range: independent of the closed forms in ``geo.flight``."""
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    r0 = MEAN_EARTH_RADIUS_KM * 1000.0
    psi = distance_km / MEAN_EARTH_RADIUS_KM

    def fly(v: float) -> tuple[float, float]:
        def rhs(_t: float, y: list[float]) -> list[float]:
            x, z, vx, vz = y
            r3 = (x * x + z * z) ** 1.5
            return [vx, vz, -GM_EARTH_M3_S2 * x / r3, -GM_EARTH_M3_S2 * z / r3]

        def landed(_t: float, y: list[float]) -> float:
            return math.hypot(y[0], y[1]) - r0

        landed.terminal = True  # type: ignore[attr-defined]
        landed.direction = -1  # type: ignore[attr-defined]
        y0 = [0.0, r0, v * math.cos(gamma), v * math.sin(gamma)]
        sol = solve_ivp(rhs, (0.0, 10_000.0), y0, events=landed, rtol=1e-11, atol=1e-6)
        x, z = sol.y_events[0][0][:2]
        return float(sol.t_events[0][0]), math.atan2(x, z)

    v = brentq(lambda v: fly(v)[1] - psi, 500.0, 7_800.0, xtol=1e-9)
    return fly(v)[0] / 60.0


def test_warning_left_matches_an_integrated_flight(doc: dict[str, Any]) -> None:
    """Under the non-paper Krichev's Oreshnik stays: Warsaw's shortest warning is its depressed flight."""
    warsaw = next(w for w in doc["warning"]["us-2022-nonpaper"]["longest"]["NATO"] if w["capital"] == "Warsaw/POL")
    catalog = load_catalog()
    krichev = catalog.sites["krichev"]
    t = next(t for t in load_targets("capitals").targets if t.name == "Warsaw")
    d_km = Geodesic.WGS84.Inverse(krichev.lat, krichev.lon, t.lat, t.lon)["s12"] / 1000.0
    assert warsaw["distance_km"] == pytest.approx(d_km, abs=1e-3)
    assert warsaw["profile"] == "depressed" and warsaw["from"] == "krichev/oreshnik"
    hand = _integrated_flight_min(d_km, 0.5 * minimum_energy_angle_rad(d_km))
    assert warsaw["minutes"] == pytest.approx(hand, abs=0.01)
    # and the minimum-energy flight over the same distance, integrated the same way
    from moratorium.geo.flight import ballistic_time_s

    assert ballistic_time_s(d_km) / 60.0 == pytest.approx(
        _integrated_flight_min(d_km, minimum_energy_angle_rad(d_km)), abs=0.005)
    # The offer leaves the Krichev Oreshnik in place on its one counted claim: Vilnius first, in minutes.
    vilnius = doc["warning"]["ru-2020-offer"]["longest"]["NATO"][0]
    assert (vilnius["capital"], vilnius["from"], vilnius["profile"]) == ("Vilnius/LTU", "krichev/oreshnik",
                                                                         "depressed")
    from moratorium.geo.flight import depressed_time_s

    assert vilnius["minutes"] == pytest.approx(depressed_time_s(vilnius["distance_km"]) / 60.0, abs=0.01)


def test_an_earlier_date_has_fewer_deployments() -> None:
    early = compare(["inf-1987", "ru-2020-offer"], load_scenario("history-2019-2026"), "2020-10-26").to_json()
    ids = {d["id"] for d in early["deployments"]}
    assert "deveselu/mk41-aegis-ashore" in ids and "krichev/oreshnik" not in ids and "laoag/tomahawk" not in ids


@pytest.mark.parametrize(("treaties", "at", "message"), [
    (["inf-1987", "no-such-treaty"], None, "unknown treaty"),
    (["inf-1987"], None, "at least two"),
    (["inf-1987", "ru-2020-offer"], "2015-01-01", "outside scenario"),
    (["inf-1987", "ru-2020-offer"], "2027-01", "outside scenario"),
    (["inf-1987", "ru-2020-offer"], "yesterday", "not a date"),
])
def test_bad_input(treaties: list[str], at: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        compare(treaties, load_scenario("history-2019-2026"), at)


CN_ONLY = """\
id: cn-only
name: A China-only pledge (test)
summary: test
date: 2020-01-01
sources: [{id: T, title: test}]
parties: [{id: CN, name: China, kind: state, countries: [CHN]}]
item_classes:
  - {id: glbm, name: GLBM, types: [ballistic], basing: [ground], range_km: {min: 500, max: 5500}}
zones: [{id: china, name: China, countries: [CHN]}]
obligations:
  - {id: cn-none, party: CN, kind: ban, activity: deploy, zone: china, item_classes: [glbm], description: test}
"""


def test_no_party_in_common(tmp_path: Any) -> None:
    path = tmp_path / "cn-only.yaml"
    path.write_text(CN_ONLY)
    with pytest.raises(InputError, match="no party in common"):
        compare(["inf-1987", str(path)], load_scenario("history-2019-2026"))
