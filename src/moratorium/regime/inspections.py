"""Inspections in the log: requests checked against the treaty's rights, jointly random draws, reports, findings.

Entry kinds and their rules (every refusal names the rule it breaks):

``inspection-request`` (by the inspecting party) ``{id, type, inspected, site, sample}``
    The treaty grants ``type`` to the author against ``inspected``; both have adopted the treaty; the site is
    known and either listed by the right, of a listed site type, or declared by the host (it holds something
    there by its own entries); the author has quota left in this treaty year (INF: 20/15/10, domain.md §1.4).
``nonce-commitment`` / ``nonce-reveal`` (by either party) ``{inspection, commitment|nonce}`` (hex)
    The commit-reveal of ``moratorium.regime.selection``; the seed also binds the log's RFC 9162 root at the
    request (the parties' shared view), so anyone replaying the log re-derives the draw.
``inspection-report`` (by the inspecting party) ``{inspection, arrived, departed, units, findings, evidence}``
    Arrival within ``notice_h`` of the request and time on site within ``duration_h`` + ``extension_h``;
    ``units`` must be the jointly drawn units; a party that did not reveal its nonce has defaulted, which is an
    ``access-denied`` finding against the host (or voids the inspection if the inspector defaulted).
``inspection-countersign`` (by the host) ``{inspection, report, dissent}``
    The host's signature on the report; a dissent is kept beside it.

Findings feed the compliance engine: ``conforming`` clears earlier allegations at the site, ``anomaly`` with a
system establishes the holding, ``ambiguity`` is an open allegation, ``access-denied`` leaves the host's
obligations covering the site ``unverified``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from moratorium import dates
from moratorium.errors import ConflictError, InputError, NotFoundError
from moratorium.regime.holding import Holding

if TYPE_CHECKING:
    from collections.abc import Iterable

    from moratorium.regime.state import RegimeState, Replayer
    from moratorium.treaty import InspectionRight, Treaty

__all__ = ["KINDS", "InspectionRecord", "QuotaStatus", "apply_inspection_entry", "quota_status", "quota_use",
           "regime_start", "treaty_year"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str | None = None
    sources: list[str] = []


class Request(_Body):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    type: str
    inspected: str
    site: str
    sample: int = Field(default=2, ge=1)


class NonceCommitment(_Body):
    inspection: str
    commitment: str = Field(pattern=r"^[0-9a-f]{64}$")


class NonceReveal(_Body):
    inspection: str
    nonce: str = Field(pattern=r"^[0-9a-f]{64}$")


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    item: str
    category: Literal["conforming", "anomaly", "ambiguity", "access-denied"]
    detail: str = ""
    unit: str | None = None
    system: str | None = None
    count: int = Field(default=1, ge=0)


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Report(_Body):
    inspection: str
    arrived: str
    departed: str
    units: list[str] = []
    findings: list[Finding] = Field(min_length=1)
    evidence: list[Evidence] = []


class Countersign(_Body):
    inspection: str
    report: int = Field(ge=0)
    dissent: str | None = None


KINDS: dict[str, type[_Body]] = {
    "inspection-request": Request,
    "nonce-commitment": NonceCommitment,
    "nonce-reveal": NonceReveal,
    "inspection-report": Report,
    "inspection-countersign": Countersign,
}


@dataclass
class InspectionRecord:
    """What the log says about one inspection."""

    id: str
    type: str
    inspector: str
    inspected: str
    site: str
    request_seq: int
    requested: str
    root_at_request: bytes
    size_at_request: int
    units: tuple[str, ...]
    sample: int
    commitments: dict[str, bytes]
    reveals: dict[str, bytes]
    drawn: tuple[str, ...] | None = None
    defaulted: tuple[str, ...] = ()
    report_seq: int | None = None
    countersigned: int | None = None
    dissent: str | None = None


def _time(value: str, *, seq: int, field: str) -> dt.datetime:
    """An inspection time as a UTC instant (a day means its first instant; a month is refused as too coarse)."""
    return dates.parse(value, seq=seq, field=field, coarsest="day").start


def treaty_year(start: str, at: str) -> int:
    """1-based treaty year of date ``at`` for a regime that started on ``start`` (ISO dates of any precision,
    taken at their first UTC day); ``InputError`` if either is not a valid date."""
    s, a = dates.parse(start, field="start").date, dates.parse(at, field="at").date
    years = a.year - s.year - ((a.month, a.day) < (s.month, s.day))
    return years + 1


def regime_start(treaty: Treaty, state: RegimeState, parties: Iterable[str]) -> str | None:
    """When inspection rights between ``parties`` start counting treaty years: the latest of their adoptions,
    and not before the treaty's ``in_force_from``; None if one of them has not adopted the treaty."""
    seqs = [state.adopted.get(p) for p in parties]
    if any(s is None for s in seqs):
        return None
    candidates = [state.records[s].effective for s in seqs if s is not None]
    if treaty.in_force_from:
        candidates.append(treaty.in_force_from)
    return max(candidates, key=dates.sort_key) if candidates else None


def quota_use(right: InspectionRight, state: RegimeState, inspector: str, *, start: str,
              at: str) -> tuple[int, int | None, int]:
    """``(treaty year of at, quota of that year or None, inspections of right.type by inspector in it)``."""
    year = treaty_year(start, at)
    used = sum(1 for r in state.inspections.values()
               if r.type == right.type and r.inspector == inspector and treaty_year(start, r.requested) == year)
    return year, right.quota_for_year(year), used


def quota_status(treaty: Treaty, state: RegimeState) -> list[QuotaStatus]:
    """Each inspection right's quota per inspecting party in the current treaty year (``state.now``), counted as
    ``inspection-request`` replay counts it; the one computation the CLI and the API show."""
    out = []
    for right in treaty.verification.inspections:
        for inspector in right.inspecting:
            start = regime_start(treaty, state, (inspector, *right.inspected))
            if start is None or not state.now:
                out.append(QuotaStatus(right=right, inspector=inspector, treaty_year=None, quota=None, used=0))
                continue
            year, quota, used = quota_use(right, state, inspector, start=start, at=state.now)
            out.append(QuotaStatus(right=right, inspector=inspector, treaty_year=year, quota=quota, used=used))
    return out


@dataclass(frozen=True)
class QuotaStatus:
    """One right's quota for one inspecting party in the current treaty year."""

    right: InspectionRight
    inspector: str
    treaty_year: int | None
    quota: int | None
    used: int

    @property
    def left(self) -> int | None:
        return None if self.quota is None or self.treaty_year is None else max(0, self.quota - self.used)


def _units(replayer: Replayer, site_id: str, inspected: str) -> tuple[str, ...]:
    from moratorium.regime.checklists import checklist_site_types, load_checklist

    site = replayer.catalog.site(site_id)
    if site.type not in checklist_site_types():
        return ()
    checklist = load_checklist(site.type)
    if not checklist.units_from_declaration:
        return checklist.unit_ids()
    declared = sum(h.count for h in replayer.state.holdings
                   if h.party == inspected and h.established and h.place.site == site_id and h.system)
    return tuple(f"{checklist.unit_kind}-{i}" for i in range(1, declared + 1))


def apply_inspection_entry(replayer: Replayer, seq: int, author: str, effective: str, body: BaseModel) -> str:
    """Fold one inspection entry into the replayer's state; returns a one-line summary."""
    st = replayer.state
    records: dict[str, InspectionRecord] = st.inspections
    if isinstance(body, Request):
        return _request(replayer, seq, author, effective, body)
    record = records.get(body.inspection) if hasattr(body, "inspection") else None
    if record is None:
        raise NotFoundError(f"no inspection {getattr(body, 'inspection', '?')!r} was requested", seq=seq,
                            field="body.inspection")
    if author not in (record.inspector, record.inspected):
        raise InputError(f"{author} is not a party to inspection {record.id}", seq=seq, field="author")
    if isinstance(body, NonceCommitment):
        if author in record.commitments or record.report_seq is not None:
            raise ConflictError("commitment already made or inspection closed", seq=seq, field="body")
        record.commitments[author] = bytes.fromhex(body.commitment)
        return f"{author} commits to its nonce for {record.id}"
    if isinstance(body, NonceReveal):
        if author not in record.commitments or author in record.reveals:
            raise ConflictError("reveal without a commitment, or a second reveal", seq=seq, field="body")
        if set(record.commitments) != {record.inspector, record.inspected}:
            raise ConflictError("reveals start only after both parties have committed (rule: commit-reveal)",
                                seq=seq, field="body")
        record.reveals[author] = bytes.fromhex(body.nonce)
        return f"{author} reveals its nonce for {record.id}"
    if isinstance(body, Report):
        return _report(replayer, seq, author, record, body)
    assert isinstance(body, Countersign)
    if author != record.inspected or record.report_seq != body.report:
        raise InputError("only the host countersigns, and only the inspection's report", seq=seq, field="body")
    record.countersigned, record.dissent = seq, body.dissent
    return f"{author} countersigns the report of {record.id}" + (" with a dissent" if body.dissent else "")


def _request(replayer: Replayer, seq: int, author: str, effective: str, body: Request) -> str:
    from moratorium.ledger import rfc6962

    st, treaty = replayer.state, replayer.treaty
    _time(effective, seq=seq, field="effective")  # the notice and the treaty year count from a day or a time
    if body.id in st.inspections:
        raise ConflictError(f"inspection id {body.id!r} already used", seq=seq, field="body.id")
    right = treaty.verification.right(body.type)
    if right is None:
        raise NotFoundError(f"the treaty grants no inspection of type {body.type!r}", seq=seq, field="body.type")
    if author not in right.inspecting or body.inspected not in right.inspected or author == body.inspected:
        raise InputError(f"rule: {body.type} is granted to {', '.join(right.inspecting)} against "
                         f"{', '.join(right.inspected)}", seq=seq, field="body.inspected")
    adoptions = [st.adopted.get(p) for p in (author, body.inspected)]
    if None in adoptions or author in st.withdrawn or body.inspected in st.withdrawn:
        raise ConflictError("rule: inspection rights apply once both parties have adopted the treaty", seq=seq,
                            field="body.type")
    site = replayer.place(body.site, seq=seq)
    declared = any(h.party == body.inspected and h.established and h.place.site == body.site
                   for h in st.holdings)
    catalog_site = replayer.catalog.site(body.site)
    listed = body.site in right.sites or catalog_site.type in right.site_types
    if not (listed or declared):
        raise ConflictError(f"rule: {body.type} covers {', '.join(right.sites or right.site_types) or 'declared'}"
                            f" sites; {site.name} is neither listed nor declared by {body.inspected}",
                            seq=seq, field="body.site")
    start = regime_start(replayer.treaty, st, (author, body.inspected))
    assert start is not None  # both adopted (checked above)
    year, quota, used = quota_use(right, st, author, start=start, at=effective)
    if quota is not None and used >= quota:
        raise ConflictError(f"rule: quota of {quota} {body.type} inspection(s) in treaty year {year} "
                            f"already used ({used})", seq=seq, field="body.type")
    units = _units(replayer, body.site, body.inspected)
    root = rfc6962.root_hash(replayer.leaves)
    st.inspections[body.id] = InspectionRecord(
        id=body.id, type=body.type, inspector=author, inspected=body.inspected, site=body.site, request_seq=seq,
        requested=effective, root_at_request=root, size_at_request=len(replayer.leaves), units=units,
        sample=min(body.sample, len(units)) if units else 0, commitments={}, reveals={})
    return f"{author} requests a {body.type} inspection of {site.name} (treaty year {year}, {used + 1}/{quota})"


def _report(replayer: Replayer, seq: int, author: str, record: InspectionRecord, body: Report) -> str:
    from moratorium.regime import selection

    st, treaty = replayer.state, replayer.treaty
    if author != record.inspector or record.report_seq is not None:
        raise InputError("only the inspecting party reports, once", seq=seq, field="author")
    right = treaty.verification.right(record.type)
    assert right is not None
    requested = _time(record.requested, seq=seq, field="body.arrived")
    arrived = _time(body.arrived, seq=seq, field="body.arrived")
    departed = _time(body.departed, seq=seq, field="body.departed")
    if right.notice_h is not None and (arrived - requested).total_seconds() > right.notice_h * 3600:
        raise ConflictError(f"rule: the team reaches the site within {right.notice_h:g} h of the request",
                            seq=seq, field="body.arrived")
    limit_h = (right.duration_h or 0) + (right.extension_h or 0)
    if departed < arrived or (right.duration_h and (departed - arrived).total_seconds() > limit_h * 3600):
        raise ConflictError(f"rule: at most {limit_h:g} h on site", seq=seq, field="body.departed")
    findings = list(body.findings)
    if record.units and record.commitments:
        outcome = selection.resolve(
            context=record.id, commitments=record.commitments,
            reveals={p: selection.Reveal(nonce=n, at=0) for p, n in record.reveals.items()}, deadline=0,
            checkpoint_root=record.root_at_request, checkpoint_size=record.size_at_request,
            k=record.sample, n=len(record.units))
        if isinstance(outcome, selection.Selection):
            record.drawn = tuple(record.units[i] for i in outcome.indices)
        else:
            record.defaulted = outcome.defaulted
            if record.inspected in record.defaulted:
                findings.append(Finding(item="selection", category="access-denied",
                                        detail=f"{record.inspected} did not reveal its nonce"))
    stray = sorted(set(body.units) - set(record.drawn or ()))
    if stray:
        raise InputError(f"units {', '.join(stray)} are not in the joint draw "
                         f"({', '.join(record.drawn or ()) or 'no draw was made'})", seq=seq, field="body.units")
    record.report_seq = seq
    place = replayer.place(record.site, seq=seq)
    for f in findings:
        if f.category == "conforming":
            st.conforming[record.site] = seq
        elif f.category == "access-denied":
            st.denied.append((seq, record.inspected, place))
        elif f.system is not None:
            st.holdings.append(Holding(seq=seq, effective=departed.date().isoformat(), party=record.inspected,
                                       place=place,
                                       system=f.system, launcher=None, count=f.count,
                                       established=f.category == "anomaly", source_kind="inspection",
                                       observer=author, source=f"inspection {record.id}: {f.detail}",
                                       confidence="high" if f.category == "anomaly" else "low"))
    worst = max((f.category for f in findings), key=("conforming", "ambiguity", "anomaly",
                                                      "access-denied").index)
    return f"report of {record.id}: {worst}" + (f" (drawn {', '.join(record.drawn)})" if record.drawn else "")
