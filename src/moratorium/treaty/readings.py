"""Readings: the interpretive choices a treaty text leaves open, as named switches with a default.

A treaty file declares which readings it admits (``readings:``), the default of each and the alternatives; every
verdict names the readings it was computed under, and ``moratorium sensitivity`` evaluates every admitted
alternative. The engine knows what each key means (below); a treaty file cannot invent new keys.

- ``trigger``: ``until`` — a reciprocity condition, once met, ends the pledge for good ("until U.S.-manufactured
  missiles ... appear", read literally); ``while`` — the pledge is suspended while the condition holds and
  resumes when it no longer does.
- ``launcher_counts``: ``missile-present`` — a dual-capable launcher (Aegis Ashore Mk-41, Typhon) meets a
  condition only when a missile of the classes is reported with it; ``launcher`` — the launcher alone does, if
  it can fire such a missile (Russia's reading of the Mk-41 ashore).
- ``combat_use_is_deployment``: whether a combat launch from a site records a standing deployment there
  (``true``) or is an event only (``false``).
- ``european_russia``: how European Russia is drawn (``federal-districts``, ``urals-line``, ``attu``,
  ``continental``; see ``moratorium.treaty.zones``).
- ``asia_pacific_russia``: which parts of Russia a zone drawn over "Asian Russia" covers: ``far-east`` (the
  Far Eastern Federal District), ``asian`` (everything east of the European line, the Urals garrisons included),
  ``none``.
- ``territory``: ``de-jure`` (Crimea and Sevastopol are Ukraine's) or ``de-facto`` (they count as Russian).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from moratorium.errors import InputError

if TYPE_CHECKING:
    from moratorium.treaty._model import Treaty

__all__ = ["KNOWN", "Reading", "Readings", "apply_readings", "parse_assignments", "resolve"]

KNOWN: dict[str, tuple[str, ...]] = {
    "trigger": ("until", "while"),
    "launcher_counts": ("missile-present", "launcher"),
    "combat_use_is_deployment": ("false", "true"),
    "european_russia": ("federal-districts", "urals-line", "attu", "continental"),
    "asia_pacific_russia": ("far-east", "asian", "none"),
    "territory": ("de-jure", "de-facto"),
}
"""Every reading key the engine understands, with every value it can apply."""

ENGINE_DEFAULTS: dict[str, str] = {
    "trigger": "until",
    "launcher_counts": "missile-present",
    "combat_use_is_deployment": "false",
    "european_russia": "federal-districts",
    "asia_pacific_russia": "far-east",
    "territory": "de-jure",
}
"""What the engine applies where a treaty declares no reading for a key (the literal reading of each)."""


@dataclass(frozen=True)
class Reading:
    """One reading a treaty admits: its key, default and admitted values (default first)."""

    key: str
    default: str
    admits: tuple[str, ...]
    description: str | None = None


Readings = Mapping[str, str]
"""Reading key -> value, as applied to one evaluation."""


def resolve(treaty: Treaty, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The readings of one evaluation: the treaty's defaults with ``overrides`` applied.

    Raises ``InputError`` naming the key for an unknown reading or a value the treaty does not admit.
    """
    declared = {r.key: r for r in treaty.readings}
    out = dict(ENGINE_DEFAULTS, european_russia=treaty.european_russia, territory=treaty.territorial_view)
    out.update({k: r.default for k, r in declared.items()})
    for key, value in (overrides or {}).items():
        if key not in KNOWN:
            raise InputError(f"unknown reading {key!r}; known: {', '.join(KNOWN)}", field="reading")
        admitted = declared[key].admits if key in declared else (out[key],)
        if value not in admitted:
            raise InputError(f"{treaty.id} admits {key}={'|'.join(admitted)}, not {value!r}",
                             field=f"reading.{key}")
        out[key] = value
    return out


def parse_assignments(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["trigger=while", ...]`` -> ``{"trigger": "while"}``; ``InputError`` for a malformed pair."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"a reading is KEY=VALUE, not {pair!r}", field="reading")
        out[key.strip()] = value.strip()
    return out


def apply_readings(treaty: Treaty, readings: Readings) -> Treaty:
    """The treaty as the zone readings draw it: European Russia's definition, the territorial view, and which
    part of Russia a zone over Asian Russia covers (``russia: asian`` becomes ``far-east``, ``asian`` or none)."""
    asia = readings.get("asia_pacific_russia", ENGINE_DEFAULTS["asia_pacific_russia"])
    zones = tuple(
        replace(z, russia=None if asia == "none" else asia) if z.russia in ("asian", "far-east") else z
        for z in treaty.zones)
    return replace(treaty, zones=zones,
                   european_russia=readings.get("european_russia", treaty.european_russia),
                   territorial_view=readings.get("territory", treaty.territorial_view))
