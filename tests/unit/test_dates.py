"""``moratorium.dates``: the one date/time type (issue 14, item 1), against hand cases and Python's ISO parser."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moratorium import dates
from moratorium.errors import InputError
from moratorium.ledger.entry import Entry


@pytest.mark.parametrize("text", ["2021-02-30", "2020-13-45", "2020-00", "2020-13", "2019-02-29", "0000-01-01",
                                  "2020-01-01T24:00Z", "2020-01-01T10:60Z", "2020-01-01T10:00:61Z",
                                  "2020-01-01T10:00+24:00", "2020-01-01T10:00+03:60", "2020", "20-01-01",
                                  "2020-01-01T10", "2020-01-01 10:00Z", "2020-01-01T10:00:00.Z", ""])
def test_invalid_calendar_dates_are_refused(text: str) -> None:
    assert not dates.is_valid(text)
    with pytest.raises(InputError, match="not an ISO 8601 date or time"):
        dates.parse(text, field="effective")


def test_entry_dated_feb_30_is_refused() -> None:
    with pytest.raises(InputError, match="effective: not an ISO 8601 date or time"):
        Entry(author="RU", kind="declaration", effective="2021-02-30", recorded="2021-03-01")
    with pytest.raises(InputError, match="recorded"):
        Entry(author="RU", kind="declaration", effective="2021-03-01", recorded="2020-13-45")


@pytest.mark.parametrize("text", ["2024-02", "2024-02-29", "2024-02-29T23:59Z", "2024-02-29T23:59:59.123456789Z",
                                  "2024-02-29T10:00+03:00", "2024-02-29T10:00-12:30", "2024-02-29T10:00"])
def test_valid_dates_parse(text: str) -> None:
    assert dates.is_valid(text)
    assert dates.parse(text).text == text


def test_offsets_compare_as_instants() -> None:
    # 10:00+03:00 is 07:00Z: 08:00Z is after it although the text sorts before it
    assert dates.earlier("2024-04-11T10:00+03:00", "2024-04-11T08:00Z")
    assert not dates.earlier("2024-04-11T08:00Z", "2024-04-11T10:00+03:00")
    assert not dates.earlier("2024-04-11T07:00Z", "2024-04-11T10:00+03:00")  # the same instant
    assert dates.sort_key("2024-04-11T10:00+03:00") < dates.sort_key("2024-04-11T08:00Z")


def test_coarse_dates_are_not_before_what_they_contain() -> None:
    assert not dates.earlier("2024-04", "2024-04-11")
    assert not dates.earlier("2024-04-11", "2024-04")
    assert not dates.earlier("2024-04-11", "2024-04-11T23:59Z")
    assert not dates.earlier("2024-04-11T00:00Z", "2024-04-11")
    assert dates.earlier("2024-04", "2024-05-01")
    assert dates.earlier("2024-04-30", "2024-05")
    assert dates.earlier("2024-04-10T23:59:59.999999Z", "2024-04-11")
    assert dates.earlier("2024-12", "2025-01")


def test_month_precision_refused_where_a_day_is_needed() -> None:
    with pytest.raises(InputError, match="a month is not allowed here"):
        dates.parse("2021-04", coarsest="day", seq=3, field="effective")


_moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1),
                        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=3)),
                                                   dt.timezone(dt.timedelta(hours=-5, minutes=-30))]))


@given(_moments, _moments)
def test_times_agree_with_python_isoformat(a: dt.datetime, b: dt.datetime) -> None:
    """Independent reference: ``datetime.fromisoformat`` of the same text, compared as aware instants."""
    ta, tb = a.isoformat(timespec="microseconds"), b.isoformat(timespec="microseconds")
    assert dates.parse(ta).start == dt.datetime.fromisoformat(ta)
    assert dates.earlier(ta, tb) == (dt.datetime.fromisoformat(ta) < dt.datetime.fromisoformat(tb))


@given(st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32))
def test_calendar_agrees_with_python_date(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        dt.date(year, month, day)
        ok = True
    except ValueError:
        ok = False
    assert dates.is_valid(text) == ok


_texts = st.from_regex(r"\A(0000|0001|9999|19[0-9]{2}|20[0-9]{2})-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}"
                       r"(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?\Z")


@given(_texts)
def test_is_valid_agrees_with_parse(text: str) -> None:
    """The audit's cheap check and the full parse never disagree (the fast path may not accept more)."""
    try:
        dates.parse(text)
        ok = True
    except InputError:
        ok = False
    assert dates.is_valid(text) == ok
    assert dates._is_valid.__wrapped__(text) == ok  # type: ignore[attr-defined]  # the full check, uncached
    if dates._COMMON(text) is not None:  # the one-match shortcut only ever says yes where parse does
        assert ok
