"""Periods compare as dates, not as text (issue 14, the date type for the whole product): a period "until
2021-03-01" still holds at 10:00 that day, one "until 2021" all year, and a month bound covers its month."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from moratorium.regime.compliance import _in_force
from moratorium.regime.state import RegimeState
from moratorium.treaty import load_treaty
from moratorium.treaty._schema import PeriodModel


@pytest.mark.parametrize(("now", "until", "in_force"), [
    ("2021-03-01T10:00:00Z", "2021-03-01", True),   # the text "2021-03-01T10..." sorts after "2021-03-01"
    ("2021-03-02", "2021-03-01", False),
    ("2021-12-31T23:59:59Z", "2021", True),          # a bare year lasts to its end
    ("2022-01-01", "2021", False),
    ("2021-03-31", "2021-03", True),                 # "2021-03-31" > "2021-03" as text
    ("2021-03-01T23:30:00-02:00", "2021-03-01", False),  # an instant of 2 March, UTC
])
def test_period_until_is_a_date(now: str, until: str, in_force: bool) -> None:
    treaty = load_treaty("inf-1987")
    ob = dataclasses.replace(treaty.obligations[0], period_from=None, period_until=until, conditional_on=())
    st = RegimeState(treaty=treaty, now=now, adopted={ob.party: 0})
    assert _in_force(treaty, ob, st)[0] is in_force


@pytest.mark.parametrize(("now", "start", "in_force"), [
    ("2021-02-28T23:59:59Z", "2021-03", False),
    ("2021-03-01T00:00:00Z", "2021-03", True),
    ("2020-12-31", "2021", False),
    ("2021-06", "2021", True),
])
def test_period_start_is_a_date(now: str, start: str, in_force: bool) -> None:
    treaty = load_treaty("inf-1987")
    ob = dataclasses.replace(treaty.obligations[0], period_from=start, period_until=None, conditional_on=())
    st = RegimeState(treaty=treaty, now=now, adopted={ob.party: 0})
    assert _in_force(treaty, ob, st)[0] is in_force


def test_treaty_period_bounds_compare_as_dates() -> None:
    PeriodModel.model_validate({"from": "2021-03-15", "until": "2021-03"})  # March holds the 15th
    PeriodModel.model_validate({"from": "2021-06-01", "until": "2021"})
    with pytest.raises(ValidationError, match="before it starts"):
        PeriodModel.model_validate({"from": "2021-03-15", "until": "2021-03-14"})
    with pytest.raises(ValidationError, match="before it starts"):
        PeriodModel.model_validate({"from": "2022", "until": "2021-12"})
