"""Verdicts: the status of one (party, obligation) at a log prefix, with its evidence and dependencies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["STATUSES", "Basis", "Dependency", "Status", "Verdict"]

STATUSES = ("compliant", "violation", "suspended", "disputed", "unverified", "needs-analysis", "not-in-force")
"""``disputed``: the parties' perspectives differ (each is in ``perspectives``); ``unverified``: the record lacks
what would decide it."""

Status = Literal["compliant", "violation", "suspended", "disputed", "unverified", "needs-analysis", "not-in-force"]
Basis = Literal["declared", "inspected", "no-evidence"]


@dataclass(frozen=True)
class Dependency:
    """What a verdict rests on beyond the log: a range claim, a launcher's capability, a zone definition,
    an observation's source, or a modelling assumption. ``status_if`` is the status the verdict would have if
    the dependency went the other way (None when it would not change)."""

    kind: str
    subject: str
    detail: str
    status_if: Status | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "detail": self.detail, "status_if": self.status_if}


@dataclass(frozen=True)
class Verdict:
    """The status of one (party, obligation): joint ``status``, each party's ``perspectives``, the ``basis`` of
    a compliant status, the entries that justify it and what it rests on, and the readings it was computed under."""

    party: str
    obligation: str
    status: Status
    evidence: tuple[int, ...] = ()
    depends_on: tuple[Dependency, ...] = field(default=())
    reason: str = ""
    perspectives: Mapping[str, Status] = field(default_factory=dict)
    basis: Basis | None = None
    readings: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "obligation": self.obligation,
            "status": self.status,
            "evidence": list(self.evidence),
            "depends_on": [d.to_json() for d in self.depends_on],
            "reason": self.reason,
            "perspectives": dict(self.perspectives),
            "basis": self.basis,
            "readings": dict(self.readings),
        }
