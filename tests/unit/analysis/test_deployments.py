"""Deployments on a date and the party of each compared treaty that answers for them."""

from __future__ import annotations

import pytest

from moratorium.analysis._deployments import deployments_at, resolve_date, treaty_party
from moratorium.errors import InputError
from moratorium.scenario import load_scenario
from moratorium.treaty import load_treaty


def test_holdings_after_the_prefix() -> None:
    scenario = load_scenario("history-2019-2026")
    date, state, deps = deployments_at(scenario, "2023-09")
    ids = {d.id for d in deps}
    # Bornholm's SM-6 came and went in 2023-09: both entries are in the prefix, so it is gone.
    assert "bornholm/sm-6" not in ids
    assert {"deveselu/mk41-aegis-ashore", "kapustin-yar/9m729"} <= ids
    assert date == "2023-09" and state.size == sum(
        1 for st in scenario.steps if st.entry.effective[:7] <= "2023-09")
    alleged = next(d for d in deps if d.id == "shuya/9m729")
    assert not alleged.established and alleged.source_kind == "observation" and alleged.state == "RUS"


def test_party_mapping_by_operating_state() -> None:
    scenario = load_scenario("history-2019-2026")
    _, _, deps = deployments_at(scenario)
    laoag = next(d for d in deps if d.id == "laoag/tomahawk")
    assert laoag.party == "NATO" and laoag.state == "USA"
    party = treaty_party(load_treaty("inf-1987"), laoag)
    assert party is not None and party.id == "US"  # the state party wins over a bloc
    party = treaty_party(load_treaty("us-2022-nonpaper"), laoag)
    assert party is not None and party.id == "NATO"  # a bloc with the US as a member
    krichev = next(d for d in deps if d.id == "krichev/oreshnik")
    party = treaty_party(load_treaty("asia-pacific-trilateral"), krichev)
    assert party is not None and party.id == "RU"


# default: the date of the record's last entry (Trump's refusal to extend New START, 5 Feb 2026)
@pytest.mark.parametrize(("at", "expected"), [(None, "2026-02-05"), ("2016-05-12", "2016-05-12"),
                                              ("2025-12-31", "2025-12-31")])
def test_resolve_date(at: str | None, expected: str) -> None:
    assert resolve_date(load_scenario("history-2019-2026"), at) == expected


@pytest.mark.parametrize("at", ["2016-05-11", "2026-03", "2025-13-01x", "soon"])
def test_dates_outside_or_malformed(at: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_date(load_scenario("history-2019-2026"), at)
    assert info.value.field == "--at"
