"""The one date/time type of the product: ISO 8601 calendar dates at month or day precision, and times.

Every date that enters moratorium -- an entry's ``effective`` and ``recorded``, an inspection's arrival, a treaty's
or a scenario's date -- is text in one of these forms (ISO 8601-1:2019 §5.2.2 calendar dates, §5.3 times of
day, §5.3.4 UTC offsets; RFC 3339 §5.6 for the time profile):

``YYYY-MM``                         a month ("2024-04": the public record is often no more precise)
``YYYY-MM-DD``                      a day
``YYYY-MM-DDThh:mm[:ss[.f]][Z|±hh:mm]``  a time; without an offset it is UTC

``parse`` checks the full calendar (no 30 February, no month 13, hours 00-23, offsets below 24 h) and gives a
``When``: the text, its precision and the half-open UTC interval ``[start, end)`` it denotes (a time is the
empty interval at its instant). Comparisons are between those intervals, so offsets are compared as instants
(``08:00Z`` is after ``10:00+03:00``) and a coarse date is never before a finer one it contains (``2024-04`` is
not before ``2024-04-11``). Dates without an offset are UTC days and months.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from moratorium.errors import InputError

__all__ = ["PATTERN", "Precision", "When", "earlier", "is_valid", "parse", "sort_key"]

Precision = Literal["month", "day", "time"]

PATTERN = r"^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$"
"""The shape of every accepted date (the calendar is checked by ``parse``); JSON-schema friendly."""

_SHAPE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<z>Z|[+-]\d{2}:\d{2})?)?)?$")
_RANK: dict[Precision, int] = {"month": 0, "day": 1, "time": 2}


@dataclass(frozen=True)
class When:
    """A parsed date or time.

    Attributes
    ----------
    text: the ISO 8601 text as written (signed entries keep it byte for byte).
    precision: ``month``, ``day`` or ``time``.
    start: the first instant it denotes (aware, UTC).
    end: the instant just after it (``start`` for a time).
    """

    text: str
    precision: Precision
    start: dt.datetime
    end: dt.datetime

    def before(self, other: When) -> bool:
        """Strictly before ``other``: every instant of ``self`` precedes every instant of ``other``."""
        if self.precision == "time":
            return self.start < other.start
        return self.end <= other.start

    def finer(self, other: When) -> bool:
        """More precise than ``other`` (a day is finer than a month, a time finer than a day)."""
        return _RANK[self.precision] > _RANK[other.precision]

    @property
    def date(self) -> dt.date:
        """The UTC calendar day of ``start`` (the first day of a month)."""
        return self.start.date()


def _field_error(text: object, why: str, **where: str | int | None) -> InputError:
    return InputError(f"not an ISO 8601 date or time ({why}): {text!r}", **where)  # type: ignore[arg-type]


@lru_cache(maxsize=65536)
def _parse(text: str) -> When | str:
    """``When``, or the reason ``text`` is not a valid date (cached: logs repeat their dates)."""
    m = _SHAPE.match(text)
    if m is None:
        return "expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm]"
    year, month = int(m["y"]), int(m["m"])
    if year < 1:
        return "year 0000"
    if not 1 <= month <= 12:
        return f"month {m['m']}"
    if m["d"] is None:
        start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=dt.UTC) if year < 9999 or month < 12 \
            else dt.datetime.max.replace(tzinfo=dt.UTC)
        return When(text, "month", start, end)
    try:
        day = dt.date(year, month, int(m["d"]))
    except ValueError:
        return f"day {m['d']} of {year}-{m['m']}"
    if m["H"] is None:
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        try:
            end = start + dt.timedelta(days=1)
        except OverflowError:
            end = dt.datetime.max.replace(tzinfo=dt.UTC)
        return When(text, "day", start, end)
    hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return f"time of day {m['H']}:{m['M']}:{m['S'] or '00'}"
    micro = int((m["f"] or "0").ljust(6, "0")[:6])
    tz = dt.UTC
    if m["z"] not in (None, "Z"):
        z = m["z"]
        oh, om = int(z[1:3]), int(z[4:6])
        if oh > 23 or om > 59:
            return f"UTC offset {z}"
        delta = dt.timedelta(hours=oh, minutes=om)
        tz = dt.timezone(-delta if z[0] == "-" else delta)
    try:
        instant = dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tz).astimezone(dt.UTC)
    except OverflowError:
        return "outside the representable range"
    return When(text, "time", instant, instant)


def parse(text: object, *, field: str | None = None, seq: int | None = None, file: str | None = None,
          line: int | None = None, finest: Precision = "time", coarsest: Precision = "month") -> When:
    """Parse ``text``; ``InputError`` (with the location given) if it is not a valid date of an allowed precision.

    ``coarsest`` and ``finest`` bound the precision: an inspection's times need ``coarsest="day"``.
    """
    if not isinstance(text, str):
        raise _field_error(text, "not text", field=field, seq=seq, file=file, line=line)
    got = _parse(text)
    if isinstance(got, str):
        raise _field_error(text, got, field=field, seq=seq, file=file, line=line)
    if _RANK[got.precision] < _RANK[coarsest] or _RANK[got.precision] > _RANK[finest]:
        raise InputError(f"a {got.precision} is not allowed here (from {coarsest} to {finest} precision): {text!r}",
                         field=field, seq=seq, file=file, line=line)
    return got


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# Dates and UTC times that are valid whatever the month and year (days 01-28, years 1000-8999): one C-level
# match answers for nearly every entry's dates, where the audit checks two an entry (most of them distinct times).
_COMMON = re.compile(r"[1-8]\d{3}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|1\d|2[0-8])"
                     r"(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?Z)?)?").fullmatch


def is_valid(text: object) -> bool:
    """``text`` is a valid date or time of any precision: the same answer as ``parse`` without building datetimes
    (the ledger's audit checks two dates an entry, most of them distinct times)."""
    return type(text) is str and (_COMMON(text) is not None or _is_valid(text))


@lru_cache(maxsize=4096)
def _is_valid(text: str) -> bool:
    m = _SHAPE.match(text)
    if m is None:
        return False
    year, month, day, hour, minute, second, _fraction, zone = m.groups()
    if year in ("0000", "0001", "9999"):  # the ends of the representable range: let parse decide
        return not isinstance(_parse(text), str)
    mon = int(month)
    if not 1 <= mon <= 12:
        return False
    if day is None:
        return True
    d = int(day)
    if d < 1 or (d > _DAYS_IN_MONTH[mon - 1] and not (mon == 2 and d == 29 and calendar.isleap(int(year)))):
        return False
    if hour is None:
        return True
    if int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59):
        return False
    return zone is None or zone == "Z" or (int(zone[1:3]) <= 23 and int(zone[4:6]) <= 59)


def earlier(a: str | When, b: str | When) -> bool:
    """``a`` is strictly before ``b`` (see ``When.before``); ``InputError`` if either is not a valid date."""
    wa = a if isinstance(a, When) else parse(a)
    wb = b if isinstance(b, When) else parse(b)
    return wa.before(wb)


def period(text: str) -> When:
    """``parse`` for the bounds of treaty periods and scenario spans, which may also be a bare year (``2026``: from
    1 January to the end of 31 December); ``InputError`` if it is not a valid date."""
    if len(text) == 4 and text.isdigit() and text != "0000":
        year = int(text)
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) if year < 9999 else dt.datetime.max.replace(tzinfo=dt.UTC)
        return When(text, "month", start, end)
    return parse(text)


def sort_key(text: str) -> tuple[dt.datetime, int, str]:
    """A total order consistent with ``earlier``: by first instant, then coarser first, then the text.

    Sorting by the first instant never puts an entry strictly before one sorted ahead of it, so a merge in this
    order replays without date-order refusals. Invalid text sorts first (its entry is refused by replay).
    """
    got = _parse(text) if isinstance(text, str) else "not text"
    if isinstance(got, str):
        return (dt.datetime.min.replace(tzinfo=dt.UTC), -1, str(text))
    return (got.start, _RANK[got.precision], text)
