"""Input checks shared by the assurance modules: every bad number becomes one ``InputError`` naming its field.

The CLI passes its options through :func:`parse_count` and :func:`parse_probability` as strings, so that
``--population 10.5`` or ``--confidence 1`` gives a one-line error and exit code 2, never a traceback.
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from typing import Any

from moratorium.errors import InputError

__all__ = [
    "parse_count",
    "parse_probability",
    "require_count",
    "require_open_probability",
    "require_positive_float",
    "require_probability",
]

_MAX_COUNT = 10**9
"""Populations beyond a billion items are not inspections; refusing them keeps exact arithmetic bounded."""


def require_count(value: Any, field: str, *, minimum: int = 0, maximum: int = _MAX_COUNT) -> int:
    """Return ``value`` as an ``int`` if it is a whole number in ``[minimum, maximum]``, else raise
    ``InputError``.

    ``bool`` is refused (``True`` is an ``int`` to Python, never a count to a person); floats are refused even
    if integral, because a float population is a sign of a unit mix-up upstream.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise InputError(f"must be a whole number, got {value!r}", field=field)
    try:
        number = operator.index(value)
    except TypeError:
        raise InputError(f"must be a whole number, got {value!r}", field=field) from None
    if number < minimum:
        raise InputError(f"must be at least {minimum}, got {number}", field=field)
    if number > maximum:
        raise InputError(f"must be at most {maximum}, got {number}", field=field)
    return number


def parse_count(text: str, field: str, *, minimum: int = 0, maximum: int = _MAX_COUNT) -> int:
    """Parse a command-line count such as ``"100"``; ``"10.5"``, ``"1e3"`` or ``"ten"`` raise
    ``InputError``."""
    stripped = text.strip()
    body = stripped[1:] if stripped[:1] in "+-" else stripped
    if not body.isascii() or not body.isdigit() or len(body) > 12:
        raise InputError(f"must be a whole number, got {text!r}", field=field)
    return require_count(int(stripped), field, minimum=minimum, maximum=maximum)


def _show(value: Any) -> str:
    """How a value reads in an error message: ``1/3`` rather than ``Fraction(1, 3)``."""
    return str(value) if isinstance(value, Fraction) else repr(value)


def _as_fraction(value: Any, field: str) -> Fraction:
    if isinstance(value, bool):
        raise InputError(f"must be a number, got {value!r}", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"must be a finite number, got {value!r}", field=field)
        # The shortest repr is what the person typed: 0.9 means 9/10, not 0.90000000000000002220...
        return Fraction(repr(value))
    raise InputError(f"must be a number, got {value!r}", field=field)


def require_open_probability(value: Any, field: str) -> Fraction:
    """Return ``value`` as an exact ``Fraction`` strictly between 0 and 1, else raise ``InputError``."""
    fraction = _as_fraction(value, field)
    if not 0 < fraction < 1:
        raise InputError(f"must be strictly between 0 and 1, got {_show(value)}", field=field)
    return fraction


def require_probability(value: Any, field: str) -> float:
    """Return ``value`` as a float in ``[0, 1]``, else raise ``InputError``."""
    fraction = _as_fraction(value, field)
    if not 0 <= fraction <= 1:
        raise InputError(f"must be between 0 and 1, got {_show(value)}", field=field)
    return float(fraction)


def require_positive_float(value: Any, field: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float greater than 0 (or at least 0), else raise ``InputError``."""
    number = float(_as_fraction(value, field))
    if number < 0 or (number == 0 and not allow_zero):
        raise InputError(
            f"must be {'at least' if allow_zero else 'greater than'} 0, got {_show(value)}", field=field
        )
    return number


def parse_probability(text: str, field: str, *, open_interval: bool = True) -> Fraction:
    """Parse a command-line probability such as ``"0.9"`` exactly (decimal text becomes an exact fraction)."""
    try:
        fraction = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise InputError(f"must be a number, got {text!r}", field=field) from None
    if open_interval:
        return require_open_probability(fraction, field)
    require_probability(fraction, field)
    return fraction
