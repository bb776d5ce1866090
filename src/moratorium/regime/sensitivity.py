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
    reading: str
    value: str
    status: str
    default_status: str
    seq: int
    date: str

    def to_json(self) -> dict[str, Any]:
        return {"reading": self.reading, "value": self.value, "status": self.status,
                "default_status": self.default_status, "seq": self.seq, "date": self.date}


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


def _status_series(steps: Sequence[TimelineStep]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """(party, obligation) -> [(seq, date, status)] after every entry."""
    current: dict[tuple[str, str], str] = {}
    series: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for step in steps:
        for _, new in step.changes:
            current[(new.party, new.obligation)] = new.status
        for key, status in current.items():
            series.setdefault(key, []).append((step.seq, step.date, status))
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
                for (seq, date, status), (_, _, alt_status) in zip(series, alt.get(key, []), strict=False):
                    if status != alt_status:
                        flips.setdefault(key, []).append(Flip(reading=reading.key, value=value, status=alt_status,
                                                              default_status=status, seq=seq, date=date))
                        break
    return Sensitivity(verdicts=tuple(verdicts), flips={k: tuple(v) for k, v in flips.items()}, readings=defaults)
