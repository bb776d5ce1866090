"""Planned inspections in a scenario, played out honestly against a covert ground truth.

A scenario may list ``inspections`` (who inspects which site, when, how many units are drawn) and ``covert``
actions (what a party hides, where, in which units, from when until when). The runner turns each planned inspection
into the entries the parties would write: the request, both nonce commitments and reveals (nonces derived from the
scenario seed), the report and the host's countersignature. The report's findings are not written by the scenario
author: they follow from the jointly random draw — re-derived from the log exactly as ``regime.inspections`` does —
and the ground truth: a drawn unit holding a covert item is an anomaly, every other drawn unit conforms. So whether
the covert violation is caught is decided by the draw, and the scenario reports it beside the probability the
regime gave of catching it (exact hypergeometric, ``moratorium.assurance.detection``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from moratorium import dates
from moratorium._yamlfile import date_text
from moratorium.ledger.entry import Entry

__all__ = ["CovertAction", "CovertOutcome", "PlannedInspection", "inspection_entries", "outcome"]

_DATE = r"^\d{4}-\d{2}-\d{2}$"


class PlannedInspection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    by: str
    type: str
    inspected: str
    site: str
    date: str = Field(pattern=_DATE)
    sample: int = Field(default=2, ge=1, le=10_000)

    _d = field_validator("date", mode="before")(date_text)


class CovertAction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    party: str
    site: str
    system: str
    units: list[str] = Field(min_length=1)
    start: str = Field(alias="from", pattern=_DATE)
    until: str = Field(pattern=_DATE)
    note: str | None = None

    _d = field_validator("start", "until", mode="before")(date_text)

    @model_validator(mode="after")
    def _order(self) -> CovertAction:
        if dates.earlier(self.until, self.start):
            raise ValueError(f"a covert action ends ({self.until}) before it starts ({self.start})")
        return self


def _nonce(seed: str, party: str, inspection: str) -> bytes:
    return hashlib.sha256(f"moratorium scenario nonce\n{seed}\n{party}\n{inspection}".encode()).digest()


def inspection_entries(plan: PlannedInspection, *, seed: str, stage: str, drawn: tuple[str, ...] = (),
                       covert: list[CovertAction] = (), unit_check: str = "") -> list[Entry]:  # type: ignore[assignment]
    """The entries of one stage (``request``, ``commit``, ``reveal``, ``report``) of a planned inspection."""
    from moratorium.regime import selection

    day = plan.date
    parties = (plan.by, plan.inspected)
    if stage == "request":
        return [Entry(author=plan.by, kind="inspection-request", effective=f"{day}T08:00:00Z",
                      recorded=f"{day}T08:00:00Z",
                      body={"id": plan.id, "type": plan.type, "inspected": plan.inspected, "site": plan.site,
                            "sample": plan.sample, "title": f"{plan.by} requests {plan.type} at {plan.site}"})]
    if stage == "commit":
        return [Entry(author=p, kind="nonce-commitment", effective=f"{day}T08:30:00Z", recorded=f"{day}T08:30:00Z",
                      body={"inspection": plan.id, "commitment": selection.commit(
                          party=p, nonce=_nonce(seed, p, plan.id), context=plan.id).hex()}) for p in parties]
    if stage == "reveal":
        return [Entry(author=p, kind="nonce-reveal", effective=f"{day}T09:00:00Z", recorded=f"{day}T09:00:00Z",
                      body={"inspection": plan.id, "nonce": _nonce(seed, p, plan.id).hex()}) for p in parties]
    findings: list[dict[str, Any]] = []
    for unit in drawn:
        hidden = [c for c in covert if c.site == plan.site and unit in c.units and c.start <= day < c.until]
        if hidden:
            findings.append({"item": unit_check, "unit": unit, "category": "anomaly", "system": hidden[0].system,
                             "detail": f"{unit} holds a {hidden[0].system}"})
        else:
            findings.append({"item": unit_check, "unit": unit, "category": "conforming"})
    worst = "anomaly" if any(f["category"] == "anomaly" for f in findings) else "conforming"
    return [Entry(author=plan.by, kind="inspection-report", effective=f"{day}T21:00:00Z", recorded=f"{day}T21:00:00Z",
                  body={"inspection": plan.id, "arrived": f"{day}T10:00:00Z", "departed": f"{day}T20:00:00Z",
                        "units": list(drawn), "findings": findings,
                        "title": f"{plan.by} reports on {plan.id} at {plan.site}: {worst}"})]


@dataclass(frozen=True)
class CovertOutcome:
    """What became of one covert action: the visits while it was in place, and the odds they had."""

    party: str
    site: str
    system: str
    units: tuple[str, ...]
    start: str
    until: str
    visits: tuple[tuple[str, tuple[str, ...]], ...]
    caught_by: str | None
    detection_probability: float

    def to_json(self) -> dict[str, Any]:
        return {"party": self.party, "site": self.site, "system": self.system, "units": list(self.units),
                "from": self.start, "until": self.until,
                "visits": [{"inspection": i, "drawn": list(d)} for i, d in self.visits],
                "caught": self.caught_by is not None, "caught_by": self.caught_by,
                "detection_probability": self.detection_probability}


def outcome(action: CovertAction, plans: list[PlannedInspection], draws: dict[str, tuple[str, ...]],
            unit_counts: dict[str, int]) -> CovertOutcome:
    """Whether ``action`` was caught, and the exact probability that the visits in its window would catch it."""
    from moratorium.assurance.detection import non_detection_probability_exact

    visits = [(p.id, draws.get(p.id, ())) for p in plans
              if p.site == action.site and action.start <= p.date < action.until]
    caught = next((i for i, d in visits if set(d) & set(action.units)), None)
    missed = 1.0
    for plan_id, drawn in visits:
        missed *= float(non_detection_probability_exact(unit_counts[plan_id], len(action.units), len(drawn)))
    return CovertOutcome(party=action.party, site=action.site, system=action.system, units=tuple(action.units),
                         start=action.start, until=action.until, visits=tuple(visits), caught_by=caught,
                         detection_probability=1.0 - missed)
