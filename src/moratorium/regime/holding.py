"""A holding: items of a party at a place, as an entry reports them (what replay and inspections both record).

Its own module so that ``moratorium.regime.inspections`` can record inspection findings without importing
``moratorium.regime.state`` (which imports it): the regime modules import each other in one direction only.
"""

from __future__ import annotations

from dataclasses import dataclass

from moratorium.treaty.zones import Place

__all__ = ["Holding"]


@dataclass(frozen=True)
class Holding:
    """Items of ``party`` at ``place`` as some entry reports them.

    ``established`` holdings come from the party's own entries (deployments, combat launches) or from inspection
    findings; the rest are allegations (observations by another party).
    """

    seq: int
    effective: str
    party: str
    place: Place
    system: str | None
    launcher: str | None
    count: int
    established: bool
    source_kind: str
    operator: str | None = None
    observer: str | None = None
    source: str | None = None
    confidence: str | None = None
