"""Pins the exact verdict timeline of the shipped history scenario under ru-2020-offer."""

from __future__ import annotations

import pytest

from moratorium.regime.compliance import timeline
from moratorium.scenario import load_scenario
from moratorium.scenario.run import run_scenario

EXPECTED = [
    (0, "RU", "ru-no-9m729-european-russia", None, "not-in-force"),
    (0, "RU", "ru-moratorium-europe", None, "not-in-force"),
    (0, "RU", "ru-moratorium-asia", None, "not-in-force"),
    (0, "NATO", "nato-reciprocal-europe", None, "not-in-force"),
    # the offer: Russia's pledges come into force; the 9M729 sites are NATO's allegation, its range contested.
    # Kamyshlov (Urals) is no longer in the Asia-Pacific zone (Far Eastern district only), so nothing is alleged
    # there: the Asian pledge is compliant (issue 10; was "unverified" on the Kamyshlov observation)
    (12, "RU", "ru-no-9m729-european-russia", "not-in-force", "unverified"),
    (12, "RU", "ru-moratorium-europe", "not-in-force", "unverified"),
    (12, "RU", "ru-moratorium-asia", "not-in-force", "compliant"),
    # Typhon (Tomahawk) in Luzon: US-made INF-range missiles appear in the Asia-Pacific
    (20, "RU", "ru-moratorium-asia", "compliant", "suspended"),
    # Oreshnik fired in combat from Kapustin Yar, announced by Russia itself
    (25, "RU", "ru-moratorium-europe", "unverified", "violation"),
    # Russia ends its moratorium (4 Aug 2025)
    (29, "RU", "ru-no-9m729-european-russia", "unverified", "not-in-force"),
    (29, "RU", "ru-moratorium-europe", "violation", "not-in-force"),
    (29, "RU", "ru-moratorium-asia", "suspended", "not-in-force"),
]


@pytest.fixture(scope="module")
def result():
    return run_scenario(load_scenario("history-2019-2026"))


def test_timeline_of_verdict_changes_is_pinned(result) -> None:
    got = [(s.seq, new.party, new.obligation, old.status if old else None, new.status)
           for s in result.steps for old, new in s.changes]
    assert got == EXPECTED


def test_evidence_points_at_the_entries_that_justify_each_change(result) -> None:
    changes = {(s.seq, new.obligation): new for s in result.steps for _, new in s.changes}
    assert changes[(12, "ru-no-9m729-european-russia")].evidence == (3, 4, 5)  # Kapustin Yar, Shuya, Mozdok
    assert changes[(12, "ru-moratorium-asia")].evidence == (12,)  # nothing alleged in the Far East
    assert changes[(20, "ru-moratorium-asia")].evidence == (20,)
    assert changes[(25, "ru-moratorium-europe")].evidence == (25,)


def test_verdicts_show_their_range_claim_and_dual_capability_dependencies(result) -> None:
    changes = {(s.seq, new.obligation): new for s in result.steps for _, new in s.changes}
    europe = changes[(12, "ru-moratorium-europe")]
    kinds = {(d.kind, d.subject, d.status_if) for d in europe.depends_on}
    # the 9M729's range is contested: under the US claim the allegation would be a violation
    assert ("range-claim", "9m729", "violation") in kinds
    # Aegis Ashore's Mk-41: suspended if it can fire Tomahawk, as Russia claims
    assert ("launcher-capability", "mk41-aegis-ashore:tomahawk", "suspended") in kinds
    violation = changes[(25, "ru-moratorium-europe")]
    assert ("launcher-capability", "mk41-aegis-ashore:tomahawk", "suspended") in {
        (d.kind, d.subject, d.status_if) for d in violation.depends_on}


def test_bornholm_sm6_is_not_inf_range_under_the_consensus_rule(result) -> None:
    assert "Bornholm" in result.steps[17].action
    assert [c for c in result.steps[17].changes] == []


def test_final_verdicts_and_replay_determinism(result) -> None:
    assert {(v.obligation, v.status) for v in result.verdicts} == {
        ("ru-no-9m729-european-russia", "not-in-force"), ("ru-moratorium-europe", "not-in-force"),
        ("ru-moratorium-asia", "not-in-force"), ("nato-reciprocal-europe", "not-in-force")}
    again, verdicts = timeline(result.scenario.treaty, result.entries)
    assert [v.to_json() for v in verdicts] == [v.to_json() for v in result.verdicts]
    assert [s.to_json() for s in again] == [s.to_json() for s in result.steps]
