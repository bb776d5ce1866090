"""The corrected treaty files (issue 10): each pinned fact names its source in the docstring."""

from __future__ import annotations

from importlib import resources

import yaml

from moratorium.catalog import load_catalog
from moratorium.treaty import load_treaty
from moratorium.treaty.zones import Place, in_zone


def _raw(treaty_id: str) -> dict:  # type: ignore[type-arg]
    ref = resources.files("moratorium.treaty") / "data" / f"{treaty_id}.yaml"
    return yaml.safe_load(ref.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_inf_elimination_periods_follow_arts_iv_and_v() -> None:
    """INF Art. V.1 / Art. IV.1 and the Elimination Protocol: shorter-range missiles eliminated within 18 months of
    entry into force (1 Jun 1988 -> 1 Dec 1989), intermediate-range within three years (-> 1 Jun 1991)
    (Harahan, On-Site Inspections Under the INF Treaty, ch. 6a, https://fas.org/nuke/control/inf/infbook/ch6a.html)."""
    treaty = load_treaty("inf-1987")
    assert treaty.in_force_from == "1988-06-01"
    periods = {o.id: (set(o.item_classes), o.period_from) for o in treaty.obligations if o.activity == "possess"}
    for party in ("us", "ru"):
        assert periods[f"{party}-eliminate-shorter"] == ({"glbm-shorter", "glcm-shorter"}, "1989-12-01")
        assert periods[f"{party}-eliminate"] == ({"glbm-intermediate", "glcm-intermediate"}, "1991-06-01")


def test_inf_models_its_notification_duties_with_deadlines() -> None:
    """INF Art. IX.3: updated MOU data no later than 30 days after entry into force (Russian text of Art. IX,
    rulit.me); Art. IX.4-5: six-monthly updates and advance / after-the-fact notifications."""
    notes = {n.event: n.deadline_h for n in load_treaty("inf-1987").notifications}
    assert notes["mou-initial-update"] == 720
    assert notes["mou-periodic-update"] == 720
    assert notes["elimination"] == 48
    assert all(notes[e] < 0 for e in ("elimination-facility", "deployment", "elimination-start", "transit"))


def test_new_start_inspections_are_ten_type_one_and_eight_type_two() -> None:
    """US State Dept fact sheet 'New START Treaty Implementation Update', 17 May 2012: 'Each side is allowed to
    conduct ten Type One inspections and eight Type Two inspections annually'
    (https://2009-2017.state.gov/t/avc/rls/183335.htm)."""
    inspections = load_treaty("new-start-freeze").verification.inspections
    rights = {r.type: sum(q.per_year for q in r.quota) for r in inspections}
    assert rights == {"type-one": 10, "type-two": 8}


def test_new_start_freeze_covered_whole_arsenals_was_never_agreed_and_the_treaty_expired() -> None:
    """Russian MFA, 20 Oct 2020 (Interfax): freeze 'the sides' existing arsenals of nuclear warheads', on condition
    the US adds no demands; Blinken, 3 Feb 2021: extended five years to 5 Feb 2026; TASS, 5 Feb 2026: expired."""
    treaty = load_treaty("new-start-freeze")
    freezes = [o for o in treaty.obligations if o.kind == "freeze"]
    assert {o.category for o in freezes} == {"warheads"}
    assert all("never agreed" in o.description for o in freezes)
    assert {o.period_until for o in treaty.obligations if o.kind == "ceiling" and "after-expiry" not in o.id} == {
        "2026-02-04"}
    assert "extended unconditionally" in treaty.summary and "expired on 5 Feb 2026" in treaty.summary
    assert any("state.gov" in (s.url or "") for s in treaty.sources)
    assert not any("toanthua" in (s.url or "") and "State Dept" not in s.title for s in treaty.sources)


def test_ru_2021_draft_models_the_russia_nato_provision_too() -> None:
    """Russian MFA draft Agreement with NATO member states, 17 Dec 2021: no INF-range missiles where they can reach
    the territory of the other Parties (Interfax-Ukraine, 17 Dec 2021)."""
    treaty = load_treaty("ru-2021-draft")
    reach = {o.id: o.reach_of for o in treaty.obligations if o.kind == "reach-ban"}
    assert reach["ru-none-within-reach-of-nato"] == "NATO" and reach["nato-none-within-reach-of-russia"] == "RU"
    assert len(treaty.party("NATO").territory) == 30


def test_ru_2020_offer_nato_had_30_members_and_the_9m729_pledge_is_conditional() -> None:
    """North Macedonia became NATO's 30th member on 27 Mar 2020 (North Macedonia MoD); Finland and Sweden joined in
    2023 and 2024. Putin, 26 Oct 2020: the 9M729 pledge only if NATO takes reciprocal steps (S24, S26)."""
    treaty = load_treaty("ru-2020-offer")
    members = treaty.party("NATO").territory
    assert len(members) == 30 and "MKD" in members and not {"FIN", "SWE"} & set(members)
    nato = next(p for p in _raw("ru-2020-offer")["parties"] if p["id"] == "NATO")
    accessions = [(a["country"], str(a["date"])) for a in nato["accessions"]]
    assert accessions == [("FIN", "2023-04-04"), ("SWE", "2024-03-07")]
    pledge = next(o for o in treaty.obligations if o.id == "ru-no-9m729-european-russia")
    assert "only provided that NATO countries take reciprocal steps" in pledge.description


def test_kamyshlov_is_not_asia_pacific_by_default_but_vladivostok_is() -> None:
    """Kamyshlov lies east of Yekaterinburg in the Urals district (RFE/RL on FAZ, Feb 2019): the default
    Asia-Pacific zone takes Russia's Far Eastern district only."""
    treaty = load_treaty("ru-2020-offer")
    zone = treaty.zone("asia-pacific")
    site = load_catalog().site("kamyshlov")
    kamyshlov = Place(country=site.country, lat=site.lat, lon=site.lon, subject=site.subject, site=site.id)
    vladivostok = Place(country="RUS", lat=43.1, lon=131.9, subject="RU-PRI")
    assert not in_zone(kamyshlov, zone, treaty)
    assert in_zone(vladivostok, zone, treaty)


def test_asia_pacific_trilateral_is_a_what_if_that_chinas_forces_do_not_void_on_day_one() -> None:
    """Proposed by no party; China's MFA (16 Sep 2025, TRT World/Reuters) asked the US and Japan to withdraw
    Typhon. A DF-26 in China breaches nothing; a Typhon in Luzon breaches the US exclusion."""
    treaty = load_treaty("asia-pacific-trilateral")
    assert "proposed by no party" in treaty.name.lower() and "Not a proposal of any party" in treaty.summary
    assert any("Lin Jian" in s.title for s in treaty.sources)
    china = Place(country="CHN", lat=40.0, lon=116.0)
    luzon = Place(country="PHL", lat=18.18, lon=120.53)
    assert not in_zone(china, treaty.zone("third-states-for-cn"), treaty)
    assert in_zone(luzon, treaty.zone("third-states-for-us"), treaty)


def test_every_treaty_source_carries_accessed() -> None:
    """Every treaty source names the day it was checked."""
    folder = resources.files("moratorium.treaty") / "data"
    ids = sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    assert "inf-1987" in ids
    for treaty_id in ids:
        raw = _raw(treaty_id)
        assert all(s.get("accessed") for s in raw["sources"]), treaty_id
