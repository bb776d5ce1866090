"""Verdicts: the status of one (party, obligation) at a log prefix, with its evidence and dependencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["STATUSES", "Dependency", "Verdict"]

STATUSES = ("compliant", "violation", "suspended", "unverified", "needs-analysis", "not-in-force")


@dataclass(frozen=True)
class Dependency:
    """What a verdict rests on beyond the log: a range claim, a launcher's capability, a zone definition,
    an observation's source, or a modelling assumption. ``status_if`` is the status the verdict would have if
    the dependency went the other way (None when it would not change)."""

    kind: str
    subject: str
    detail: str
    status_if: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "detail": self.detail, "status_if": self.status_if}


@dataclass(frozen=True)
class Verdict:
    party: str
    obligation: str
    status: str
    evidence: tuple[int, ...] = ()
    depends_on: tuple[Dependency, ...] = field(default=())
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "obligation": self.obligation,
            "status": self.status,
            "evidence": list(self.evidence),
            "depends_on": [d.to_json() for d in self.depends_on],
            "reason": self.reason,
        }
