"""Pins the verdict timeline of the shipped history scenario under ru-2020-offer and its default readings.

Pinned by (date, party, obligation, from, to, perspectives), not by sequence number, so adding public events
elsewhere in the record does not move the pins.
"""

from __future__ import annotations

import pytest

from moratorium.regime.compliance import timeline
from moratorium.scenario import load_scenario
from moratorium.scenario.run import run_scenario

RU_C_NATO_V = {"RU": "compliant", "NATO": "violation"}


@pytest.fixture(scope="module")
def result():
    return run_scenario(load_scenario("history-2019-2026"))


def _changes(result) -> list[tuple[str, str, str | None, str, dict[str, str]]]:
    return [(s.date, new.obligation, old.status if old else None, new.status, dict(new.perspectives))
            for s in result.steps for old, new in s.changes if old is not None]


def test_the_9m729_pledge_is_not_in_force_because_nato_never_reciprocated(result) -> None:
    # "only provided that NATO countries take reciprocal steps" (Putin, 26 Oct 2020): conditional_on
    assert all(o != "ru-no-9m729-european-russia" for _, o, *_ in _changes(result))
    final = {v.obligation: v for v in result.verdicts}
    assert final["ru-no-9m729-european-russia"].status == "not-in-force"
    offer = next(s for s in result.steps if s.kind == "treaty-adoption" and s.author == "RU")
    pledge = next(new for _, new in offer.changes) if offer.changes else None
    assert pledge is not None
    verdicts = {v.obligation: v for v in timeline(result.scenario.treaty,
                                                  result.entries[:offer.seq + 1])[1]}
    assert "NATO" in verdicts["ru-no-9m729-european-russia"].reason


def test_faz_battalions_make_the_european_pledge_disputed_not_unverified(result) -> None:
    changes = _changes(result)
    assert ("2020-10-26", "ru-moratorium-europe", "not-in-force", "disputed", RU_C_NATO_V) in changes
    europe = next(new for s in result.steps for _, new in s.changes if new.status == "disputed")
    assert europe.basis == "declared"  # Russia's compliant view rests on its declarations
    kinds = {(d.kind, d.subject, d.status_if) for d in europe.depends_on}
    assert ("range-claim", "9m729", None) in {(k, s, None) for k, s, _ in kinds}


def test_typhon_in_luzon_suspends_the_asia_pledge_and_kamyshlov_is_not_asia_pacific(result) -> None:
    changes = _changes(result)
    assert ("2020-10-26", "ru-moratorium-asia", "not-in-force", "compliant",
            {"RU": "compliant", "NATO": "compliant"}) in changes
    assert ("2024-04", "ru-moratorium-asia", "compliant", "suspended",
            {"RU": "suspended", "NATO": "suspended"}) in changes


def test_the_oreshnik_combat_launch_is_an_event_not_a_deployment_by_default(result) -> None:
    assert not any(d.startswith("2024-11") for d, *_ in _changes(result))
    alt = run_scenario(result.scenario, readings={"combat_use_is_deployment": "true"})
    flips = [(s.date, new.obligation, new.status, dict(new.perspectives)) for s in alt.steps
             for _, new in s.changes]
    assert ("2024-11-21", "ru-moratorium-europe", "violation", {"RU": "violation", "NATO": "violation"}) in flips


def test_withdrawal_ends_it_all_and_replay_is_deterministic(result) -> None:
    assert {(v.obligation, v.status) for v in result.verdicts} == {
        ("ru-no-9m729-european-russia", "not-in-force"), ("ru-moratorium-europe", "not-in-force"),
        ("ru-moratorium-asia", "not-in-force"), ("nato-reciprocal-europe", "not-in-force")}
    again, verdicts = timeline(result.scenario.treaty, result.entries)
    assert [v.to_json() for v in verdicts] == [v.to_json() for v in result.verdicts]
    assert [s.to_json() for s in again] == [s.to_json() for s in result.steps]


def test_assume_adopted_nato_brings_the_9m729_pledge_into_force(result) -> None:
    alt = run_scenario(result.scenario, assume_adopted=("NATO",))
    changes = [(s.date, new.obligation, new.status, dict(new.perspectives)) for s in alt.steps
               for old, new in s.changes if old is not None]
    assert ("2020-10-26", "ru-no-9m729-european-russia", "disputed", RU_C_NATO_V) in changes


def test_every_adoption_pins_the_treaty_hash(result) -> None:
    adoptions = [s.entry for s in result.scenario.steps if s.entry.kind == "treaty-adoption"]
    assert adoptions and all(e.body["treaty_sha256"] == result.scenario.treaty.sha256 for e in adoptions)
