"""Which readings flip a verdict: every admitted reading of a treaty evaluated against the same log.

For each reading the treaty admits and each alternative value, the whole verdict timeline is recomputed with that
one reading changed. A verdict *flips* under a reading when its status at some point of the timeline differs from
its status under the defaults; the flip is reported at the first such point, with the status there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from moratorium.catalog import Catalog
from moratorium.ledger.entry import SignedEntry
from moratorium.regime.compliance import ReachAnalysis, TimelineStep, timeline
from moratorium.regime.verdict import Verdict
from moratorium.treaty import Treaty
from moratorium.treaty.readings import resolve

__all__ = ["Flip", "Sensitivity", "sensitivity"]


@dataclass(frozen=True)
class Flip:
    """Under ``reading=value`` the verdict is ``status`` (each party's view in ``perspectives``) where the
    defaults give ``default_status``, first after entry ``seq``."""

    reading: str
    value: str
    status: str
    default_status: str
    seq: int
    date: str
    perspectives: tuple[tuple[str, str], ...] = ()
    default_perspectives: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"reading": self.reading, "value": self.value, "status": self.status,
                "perspectives": dict(self.perspectives), "default_status": self.default_status,
                "default_perspectives": dict(self.default_perspectives), "seq": self.seq, "date": self.date}


@dataclass(frozen=True)
class Sensitivity:
    verdicts: tuple[Verdict, ...]
    flips: dict[tuple[str, str], tuple[Flip, ...]]
    readings: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"readings": self.readings,
                "verdicts": [{"party": v.party, "obligation": v.obligation, "status": v.status,
                              "flips": [f.to_json() for f in self.flips.get((v.party, v.obligation), ())]}
                             for v in self.verdicts]}


_State = tuple[str, tuple[tuple[str, str], ...]]


def _status_series(steps: Sequence[TimelineStep]) -> dict[tuple[str, str], list[tuple[int, str, _State]]]:
    """(party, obligation) -> [(seq, date, (status, perspectives))] after every entry."""
    current: dict[tuple[str, str], _State] = {}
    series: dict[tuple[str, str], list[tuple[int, str, _State]]] = {}
    for step in steps:
        for _, new in step.changes:
            current[(new.party, new.obligation)] = (new.status, tuple(new.perspectives.items()))
        for key, state in current.items():
            series.setdefault(key, []).append((step.seq, step.date, state))
    return series


def sensitivity(treaty: Treaty, entries: Sequence[SignedEntry], *, catalog: Catalog | None = None,
                reach: ReachAnalysis | None = None, assume_adopted: Collection[str] = ()) -> Sensitivity:
    """Evaluate every admitted alternative reading and report, per verdict, the readings that flip it."""
    defaults = resolve(treaty)
    base_steps, verdicts = timeline(treaty, entries, catalog=catalog, reach=reach, assume_adopted=assume_adopted)
    base = _status_series(base_steps)
    flips: dict[tuple[str, str], list[Flip]] = {}
    for reading in treaty.readings:
        for value in reading.admits:
            if value == defaults[reading.key]:
                continue
            steps, _ = timeline(treaty, entries, catalog=catalog, reach=reach, readings={reading.key: value},
                                assume_adopted=assume_adopted)
            alt = _status_series(steps)
            for key, series in base.items():
                for (seq, date, state), (_, _, alt_state) in zip(series, alt.get(key, []), strict=False):
                    if state != alt_state:
                        flips.setdefault(key, []).append(Flip(
                            reading=reading.key, value=value, status=alt_state[0], default_status=state[0],
                            seq=seq, date=date, perspectives=alt_state[1], default_perspectives=state[1]))
                        break
    return Sensitivity(verdicts=tuple(verdicts), flips={k: tuple(v) for k, v in flips.items()}, readings=defaults)
