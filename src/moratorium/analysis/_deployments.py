"""Deployments on a date: the holdings of the regime state after the scenario's entries up to that date.

A deployment is one kind of item (a system, or a launcher) of one party at one place, as the log establishes it
(the party's own entries, inspection findings) or alleges it (another party's observation). It is mapped to a
party of each compared treaty by the state that operates it: the entry's ``operator``, else the scenario party's
own country; a state party holding that country wins over a bloc with it as a member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moratorium.errors import InputError
from moratorium.regime.state import Holding, RegimeState, replay
from moratorium.scenario import Scenario
from moratorium.treaty import Party, Treaty
from moratorium.treaty.zones import Place

__all__ = ["Deployment", "deployments_at", "resolve_date", "treaty_party"]

_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Deployment:
    """Items of one kind held by ``party`` (a scenario party) at ``place`` on the date of the analysis."""

    id: str
    party: str
    state: str | None
    place: Place
    system: str | None
    launcher: str | None
    count: int
    established: bool
    source_kind: str
    evidence: tuple[int, ...]
    source: str | None = None

    @property
    def site(self) -> str | None:
        return self.place.site

    @property
    def item(self) -> str:
        return self.system or self.launcher or "?"


def _not_after(effective: str, at: str) -> bool:
    n = min(len(effective), len(at))
    return effective[:n] <= at[:n]


def resolve_date(scenario: Scenario, at: str | None) -> str:
    """``at`` checked against the scenario's timeline (default: the date of its last entry)."""
    dates = [s.entry.effective for s in scenario.steps]
    if at is None:
        return dates[-1]
    if not _DATE.match(at):
        raise InputError(f"{at!r} is not a date (YYYY-MM-DD or YYYY-MM)", field="--at")
    first, last = dates[0], dates[-1]
    if not _not_after(first, at) or not _not_after(at, last):
        raise InputError(f"{at} is outside scenario {scenario.id} ({first} to {last})", field="--at")
    return at


def _state_of(scenario: Scenario, party: str, operator: str | None) -> str | None:
    if operator:
        return operator
    p = next((x for x in scenario.treaty.parties if x.id == party), None)
    if p is not None and p.kind == "state" and p.countries:
        return p.countries[0]
    return None


def _current(st: RegimeState) -> list[Holding]:
    """Holdings not superseded: an allegation at a site is set aside by a later conforming inspection there
    (the rule of ``regime.compliance``)."""
    out = []
    for h in st.holdings:
        cleared = h.place.site is not None and st.conforming.get(h.place.site, -1) > h.seq
        if not (cleared and not h.established):
            out.append(h)
    return out


def deployments_at(scenario: Scenario, at: str | None = None) -> tuple[str, RegimeState, list[Deployment]]:
    """The date used, the regime state replayed from the entries up to it, and its deployments."""
    date = resolve_date(scenario, at)
    prefix = [s.signed for s in scenario.steps if _not_after(s.entry.effective, date)]
    st = replay(scenario.treaty, prefix)
    from moratorium.treaty.readings import resolve

    # A combat launch is an event, not a standing deployment, unless the scenario's treaty reads it as one.
    combat_counts = resolve(scenario.treaty)["combat_use_is_deployment"] == "true"
    groups: dict[tuple[str, str, str | None, str | None, bool], list[Holding]] = {}
    for h in _current(st):
        if h.source_kind == "combat-launch" and not combat_counts:
            continue
        where = h.place.site or f"{h.place.lat:g},{h.place.lon:g}"
        key = (h.party, where, h.system, h.launcher, h.established)
        groups.setdefault(key, []).append(h)
    out: list[Deployment] = []
    used: set[str] = set()
    for (party, where, system, launcher, established), holdings in groups.items():
        first = holdings[0]
        ident = f"{where}/{system or launcher}"
        if ident in used:
            ident = f"{ident}/alleged" if not established else f"{ident}/{party}"
        used.add(ident)
        out.append(Deployment(
            id=ident, party=party, state=_state_of(scenario, party, first.operator), place=first.place,
            system=first.system, launcher=first.launcher, count=sum(h.count for h in holdings),
            established=established, source_kind=first.source_kind,
            evidence=tuple(sorted({h.seq for h in holdings})), source=first.source))
    return date, st, out


def treaty_party(treaty: Treaty, dep: Deployment) -> Party | None:
    """The party of ``treaty`` that answers for ``dep``: a state party of its operating state, else a bloc
    with that state as a member, else a party of the same id; None if the treaty does not bind its holder."""
    if dep.state is not None:
        for p in treaty.parties:
            if dep.state in p.countries:
                return p
        for p in treaty.parties:
            if dep.state in p.members:
                return p
    return next((p for p in treaty.parties if p.id == dep.party), None)
