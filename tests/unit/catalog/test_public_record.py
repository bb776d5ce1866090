"""The corrected public record in the catalogue (issue 10): each pinned fact names its source in the docstring."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from moratorium.catalog import load_catalog
from moratorium.catalog._load import _Claim
from moratorium.errors import InputError

BANNED = ("jvim.com", "prpchannel.com", "fr.truefact.news", "convenientflags.blogspot", "bestcurrentaffairs.com",
          "citydarpan.com", "thefrontierpost.com", "americanmilitarynews.com", "antiwar.com", "sputnik")
PKG = Path(str(resources.files("moratorium")))
DATA_FILES = sorted([*PKG.glob("catalog/data/*.yaml"), *PKG.glob("treaty/data/*.yaml"),
                     *PKG.glob("scenario/data/*.yaml"), *PKG.glob("regime/checklists/*.yaml"),
                     *PKG.glob("assurance/data/*.yaml")])


def test_iskander_m_has_russias_own_figure_and_the_up_to_about_500_claims() -> None:
    """Russia's MoD: Iskander-M strikes targets 'at a distance of up to 500 kilometers' (TASS, 18 Oct 2017,
    http://tass.com/defense/971220); CSIS 'about 500'; MDAA 400-500. Each is kept at the 500 km edge, never a
    figure below it."""
    claims = {c.id: c for c in load_catalog().system("9m723").ranges_km}
    assert claims["ru-mod"].claimant == "RU" and claims["ru-mod"].qualifier == "up-to"
    assert claims["ru-mod"].value == 500 and claims["ru-mod"].source_url == "http://tass.com/defense/971220"
    assert claims["ru-mod"].interval == (0.0, 500.0)
    assert (claims["csis"].qualifier, claims["csis"].value) == ("about", 500)
    assert (claims["mdaa"].qualifier, claims["mdaa"].interval) == ("up-to", (400.0, 500.0))


def test_rs26_carries_its_maximum_tested_range_beyond_5500() -> None:
    """INF Art. VII: a GLBM type's range is its maximum tested range. ITAR-TASS (Gen. S. Karakayev): the RS-26
    flew more than 5,600 km to Kura in its first test (via nocutnews.co.kr). The ~2,000 km Kapustin Yar shot is
    kept but is not the type's range."""
    tested = [c for c in load_catalog().system("rs-26").ranges_km if c.qualifier == "tested"]
    assert max(c.value for c in tested) == 5600 > 5500
    assert {c.id for c in tested} == {"test-plesetsk", "test-kapyar"}


def test_9m729_four_missile_tel_is_attributed_to_russias_own_briefing() -> None:
    """Russian MoD at Patriot Park, 23 Jan 2019: 'The new TEL can also carry four missiles' (The Drive via MDAA,
    24 Jan 2019) - Russia's claim, not a US one."""
    claims = load_catalog().launcher("iskander-tel").can_fire["9m729"]
    russian = [c for c in claims if c.claimant == "RU"]
    assert russian and russian[0].value is True and russian[0].date == "2019-01-23"
    assert "four missiles" in russian[0].source and russian[0].accessed == "2026-12-01"
    assert not [c for c in claims if c.claimant == "US"]


def test_9m729_us_2500_is_sourced_to_reuters_quoting_csis_and_the_1200_km_flight_is_a_bound() -> None:
    """Reuters (31 Oct 2025, via news.liga.net): CSIS puts the 9M729 at up to 2,500 km; a 9M729 launched on
    5 Oct 2025 flew more than 1,200 km (Ukrainian military source). Russia: 480 km (AP on the 23 Jan 2019
    briefing)."""
    system = load_catalog().system("9m729")
    us, flight, ru = system.claim("us"), system.claim("ua-flight"), system.claim("ru-mod")
    assert (us.value, us.qualifier, us.source_date) == (2500, "up-to", "2025-10-31")
    assert "CSIS" in us.source and "antiwar" not in us.source
    assert (flight.value, flight.qualifier, flight.date) == (1200, "more-than", "2025-10-05")
    assert (ru.value, ru.qualifier) == (480, "declared")


def test_sm6_is_not_typed_as_a_pure_interceptor() -> None:
    """INF Art. VII exempts only missiles 'developed and tested solely to intercept'; SM-6 strikes land and sea
    targets out to about 450 km (Naval News, Jan 2025, Mk 70 PDS)."""
    sm6 = load_catalog().system("sm-6")
    assert sm6.type not in ("interceptor", "sam")
    assert sm6.exempt is None
    assert sm6.claim("navalnews").value == 450


def test_mk70_keeps_russias_inf_claim_beside_the_denial_as_for_aegis_ashore() -> None:
    """Putin, 28 Jun 2024: US INF-range systems 'brought to Europe for exercises, to Denmark' (AP via AJC);
    Danish MoD: no intermediate-range missiles deployed in Denmark (24tv.ua, 29 Jun 2024). The Bornholm
    launcher of Sep 2023 was a Mk 70, a containerised Mk 41 (Naval Technology; Naval News)."""
    cat = load_catalog()
    mk70 = cat.launcher("mk70")
    tomahawk = {c.claimant: c.value for c in mk70.can_fire["tomahawk"]}
    assert tomahawk == {"RU": True, "DK": False}
    assert mk70.status_depends_on_payload and "containerised Mk 41" in mk70.name
    aegis = {c.claimant: c.value for c in cat.launcher("mk41-aegis-ashore").can_fire["tomahawk"]}
    assert aegis == {"US": False, "RU": True}


def test_typhon_sm6_shot_in_australia_is_dated_as_usni_dates_it() -> None:
    """USNI News (G. Arthur): the Army fired an SM-6 from Typhon at a sea target in Talisman Sabre, 16 Jul 2025."""
    claim = load_catalog().launcher("typhon").can_fire["sm-6"][0]
    assert claim.date == "2025-07-16" and "USNI" in claim.source


def test_oreshnik_us_figure_is_a_class_bound_not_a_ring() -> None:
    """Pentagon (S. Singh, 22 Nov 2024): 'an experimental intermediate-range ballistic missile' - a class; stored
    as a more-than bound, never a ring of exactly 3,000 km."""
    us = load_catalog().system("oreshnik").claim("us")
    assert us.qualifier == "more-than" and "class" in (us.note or "")


def test_df27_assessed_interval_straddles_the_5500_edge() -> None:
    """US DoD, China Military Power Report 2025: DF-27 range 5,000-8,000 km (as reported, Dec 2025)."""
    claim = load_catalog().system("df-27").claim("us-dod")
    assert claim.interval == (5000.0, 8000.0) and claim.interval[0] < 5500 < claim.interval[1]
    assert claim.qualifier == "assessed"


@pytest.mark.parametrize("system", ["zircon", "p-800", "kalibr-ground", "df-27", "hwasal-1", "hwasal-2",
                                    "type-12-upgraded", "hyunmoo-3", "hyunmoo-4", "elsa", "prsm-later"])
def test_missing_systems_are_in_the_catalogue(system: str) -> None:
    """Issue 10's missing systems, each with at least one sourced range claim."""
    assert all(c.source for c in load_catalog().system(system).ranges_km)


@pytest.mark.parametrize(("site", "country"), [("asipovichy", "BLR"), ("baltiysk-bastion", "RUS"),
                                               ("crimea-bastion", "UKR"), ("san-nicolas", "USA")])
def test_missing_sites_are_in_the_catalogue(site: str, country: str) -> None:
    """Belarus Iskander brigade (TASS, 25 Aug 2023, Osipovichi); Bastion sites in Kaliningrad and Crimea (Crimea
    recorded de jure as Ukraine, UA-43); San Nicolas Island (DoD, 19 Aug 2019)."""
    assert load_catalog().site(site).country == country


def test_redzikowo_was_not_operational_before_november_2024() -> None:
    """Redzikowo opened on 13 Nov 2024 (The Defense Post, 21 Nov 2024): the 2021 counterfactual cannot visit it."""
    assert "not operational before" in load_catalog().site("redzikowo").role
    from moratorium.scenario import load_scenario

    scenario = load_scenario("inspections-2021")
    assert all("redzikowo" not in str(step.entry.body) for step in scenario.steps)


def test_flight_time_speeds_are_sourced_claims() -> None:
    """Speeds read by flight profiles are claims with sources (Interfax-Ukraine, 9 Jan 2026: Oreshnik at about
    13,000 km/h; Reuters via Cyprus Mail: Zircon at nine times the speed of sound, Russia says)."""
    cat = load_catalog()
    for key in ("oreshnik", "zircon", "tomahawk", "9m729"):
        assert cat.system(key).speeds_kmh and all(c.source for c in cat.system(key).speeds_kmh)
    assert cat.system("oreshnik").speeds_kmh[1].source_url == "https://en.interfax.com.ua/news/general/1134959.html"


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _weak_uses(node: Any, low: bool = False) -> list[str]:
    """Banned-domain strings not covered by a `confidence: low` on an enclosing mapping or in their own text."""
    found: list[str] = []
    if isinstance(node, dict):
        low = low or node.get("confidence") == "low"
        for value in node.values():
            found += _weak_uses(value, low)
    elif isinstance(node, list):
        for value in node:
            found += _weak_uses(value, low)
    elif isinstance(node, str) and not low and "low confidence" not in node:
        found += [node for b in BANNED if b in node.lower()]
    return found


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_data_file_cites_a_banned_weak_domain_without_confidence_low(path: Path) -> None:
    """Content farms, aggregators and state outlets named in issue 10 stay only where marked `confidence: low`."""
    assert _weak_uses(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_data_files_cite_nothing_outside_the_repo(path: Path) -> None:
    """Data files cite only sources they ship or name in full: no pointers to research notes."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"reference/|domain\.md|catalog\.md", text)


def _source_mappings(node: Any, key: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if key in ("source", "sources") and "title" in node:
            out.append(node)
        for k, v in node.items():
            out += _source_mappings(v, k)
    elif isinstance(node, list):
        for v in node:
            out += _source_mappings(v, key)
    return out


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_source_mapping_has_accessed(path: Path) -> None:
    """Every source given as a mapping {title, url, ...} carries `accessed`, the day it was checked."""
    mappings = _source_mappings(yaml.safe_load(path.read_text(encoding="utf-8")))
    missing = [m["title"] for m in mappings if not m.get("accessed")]
    assert missing == []


def test_catalogue_source_mappings_are_read_with_their_fields() -> None:
    """A source mapping becomes Claim.source (the title), source_url, source_date and accessed."""
    claim = load_catalog().system("9m729").claim("ru-mod")
    assert claim.source.startswith("Russian MoD briefing at Patriot Park")
    assert (claim.source_url, claim.source_date, claim.accessed) == ("https://hamodia.com/?p=199278", "2019-01-23",
                                                                    "2026-12-01")
    weak = load_catalog().system("9m729").claim("ru-patrushev")
    assert weak.confidence == "low" and weak.source_url is None


@pytest.mark.parametrize(("interval", "message"), [([600, 500], "interval low 600 is above high 500"),
                                                   ([-1, 500], "interval ends must be >= 0")])
def test_bad_intervals_are_refused(interval: list[float], message: str) -> None:
    """An interval must have low <= high and both ends >= 0."""
    with pytest.raises(ValueError, match=message):
        _Claim.model_validate({"id": "x", "value": 500, "claimant": "RU", "source": "s", "date": "2020",
                               "interval": interval})


def test_bad_interval_in_a_file_names_file_and_line(tmp_path: Path) -> None:
    """A refused interval is reported as FILE:LINE: field: message."""
    from moratorium._yamlfile import load_yaml, validate
    from moratorium.catalog._load import _Systems

    text = ("systems:\n  - id: s\n    name: S\n    owner: RUS\n    type: cruise\n    basing: [ground]\n"
            "    ranges_km:\n      - {id: a, value: 1, claimant: RU, source: t, date: 2020,\n"
            "         interval: [9, 1]}\n")
    data, lines = load_yaml("x.yaml", text=text)
    with pytest.raises(InputError) as err:
        validate(_Systems, data, file="x.yaml", lines=lines)
    assert str(err.value).startswith("x.yaml:9: systems[0].ranges_km[0].interval")


def test_source_mapping_needs_a_title_and_a_day_for_accessed() -> None:
    """`title` is required; `accessed` is a full date."""
    base = {"id": "x", "value": 1, "claimant": "RU", "date": "2020"}
    with pytest.raises(ValueError):
        _Claim.model_validate({**base, "source": {"url": "https://example.org"}})
    with pytest.raises(ValueError):
        _Claim.model_validate({**base, "source": {"title": "t", "accessed": "2026-12"}})
