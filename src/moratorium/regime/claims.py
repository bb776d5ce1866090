"""Claims as signed log entries: who asserts what about a system, launcher or site, and who endorses it.

Entry kinds:

``claim`` ``{id, subject, attribute, value | interval, qualifier, claimant, source, date, supersedes?}``
    A party signs its own claim (``claimant`` is the party) or endorses a third party's (FAZ, CSIS, a press report)
    by signing it. A claim is known by its key ``SUBJECT/ID``; another party signing the identical claim adds its
    endorsement; a different claim under a key already in use is refused (supersede it instead).
    ``supersedes: KEY`` withdraws the author's endorsement of an earlier claim in the same act.
``claim-retraction`` ``{claim: KEY}``
    A party withdraws its own endorsement; only a party that signed the claim may retract it.

Attributes: ``range_km`` and ``speed_kmh`` (a value or an interval ``[low, high]`` with a qualifier),
``capability`` (``value`` true/false that launcher ``subject`` can fire system ``fires``), ``location``
(``value`` ``[lat, lon]`` of site ``subject``), ``type`` (a system's type as someone asserts it).

Verdicts count only the claims in the log (``moratorium.regime.compliance``): ``views`` turns the claims in force
into the catalogue a perspective reads — the claims a party signed where it signed any about that subject and
attribute, all claims in the record where it is silent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from moratorium._yamlfile import date_text
from moratorium.catalog import CapabilityClaim, Catalog, Claim
from moratorium.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from moratorium.catalog import System
    from moratorium.ledger.entry import Entry

__all__ = ["CLAIM_KINDS", "ClaimBody", "ClaimRecord", "ClaimRetraction", "apply_claim_entry", "catalog_claims",
           "catalog_entries", "claims_digest", "view"]

_ID = r"^[a-z0-9][a-z0-9._-]*$"
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
Attribute = Literal["range_km", "speed_kmh", "capability", "location", "type"]
Qualifier = Literal["up-to", "about", "more-than", "less-than", "tested", "assessed", "declared"]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClaimSource(_Base):
    title: str = Field(min_length=1)
    url: str | None = None
    date: str | None = Field(default=None, pattern=_DATE)
    accessed: str | None = Field(default=None, pattern=_DATE)

    _d = field_validator("date", "accessed", mode="before")(date_text)


class ClaimBody(_Base):
    title: str | None = None
    sources: list[str] = []
    id: str = Field(pattern=_ID)
    subject: str = Field(min_length=1)
    attribute: Attribute
    value: float | bool | list[float] | str | None = None
    interval: list[float] | None = None
    qualifier: Qualifier | None = None
    fires: str | None = None
    claimant: str = Field(min_length=1)
    source: ClaimSource
    date: str | None = Field(default=None, pattern=_DATE)
    confidence: Literal["low", "medium", "high"] | None = None
    supersedes: str | None = None
    note: str | None = None

    _d = field_validator("date", mode="before")(date_text)

    @model_validator(mode="after")
    def _shape(self) -> ClaimBody:
        if self.attribute in ("range_km", "speed_kmh"):
            if (self.value is None) == (self.interval is None):
                raise ValueError(f"a {self.attribute} claim has a value or an interval [low, high], not both")
            if self.interval is not None:
                if len(self.interval) != 2:
                    raise ValueError(f"an interval is [low, high], got {len(self.interval)} numbers")
                low, high = self.interval
                if not (math.isfinite(low) and math.isfinite(high)) or low < 0:
                    raise ValueError(f"interval ends must be finite and >= 0, got [{low:g}, {high:g}]")
                if low > high:
                    raise ValueError(f"empty interval: low {low:g} > high {high:g}")
            elif isinstance(self.value, bool) or not isinstance(self.value, int | float):
                raise ValueError(f"a {self.attribute} value is a number")
            elif not math.isfinite(self.value) or self.value < 0:
                raise ValueError(f"a {self.attribute} value is finite and >= 0, got {self.value}")
        elif self.attribute == "capability":
            if not isinstance(self.value, bool) or self.fires is None:
                raise ValueError("a capability claim has value true/false and fires: the system it is about")
        elif self.attribute == "location":
            if not (isinstance(self.value, list) and len(self.value) == 2
                    and -90 <= self.value[0] <= 90 and -180 <= self.value[1] <= 180):
                raise ValueError("a location claim has value [lat, lon] in degrees")
        return self

    @property
    def key(self) -> str:
        return f"{self.subject}/{self.id}"

    def content(self) -> dict[str, Any]:
        """What two signers must agree on to endorse the same claim (titles and notes may differ)."""
        return self.model_dump(mode="json", exclude={"title", "sources", "supersedes", "note"})


class ClaimRetraction(_Base):
    title: str | None = None
    sources: list[str] = []
    claim: str = Field(min_length=3, description="the claim's key, SUBJECT/ID")


CLAIM_KINDS: dict[str, type[BaseModel]] = {"claim": ClaimBody, "claim-retraction": ClaimRetraction}


@dataclass
class ClaimRecord:
    """A claim in force and the parties that signed it (party -> seq of its signature)."""

    body: ClaimBody
    endorsers: dict[str, int] = field(default_factory=dict)


def _check_subject(body: ClaimBody, catalog: Catalog, seq: int) -> None:
    if body.attribute in ("range_km", "speed_kmh", "type"):
        if body.subject not in catalog.systems:
            raise NotFoundError(f"unknown system {body.subject!r}", seq=seq, field="body.subject")
    elif body.attribute == "capability":
        if body.subject not in catalog.launchers:
            raise NotFoundError(f"unknown launcher {body.subject!r}", seq=seq, field="body.subject")
        if body.fires not in catalog.systems:
            raise NotFoundError(f"unknown system {body.fires!r}", seq=seq, field="body.fires")
    elif body.subject not in catalog.sites:
        raise NotFoundError(f"unknown site {body.subject!r}", seq=seq, field="body.subject")


def apply_claim_entry(claims: dict[str, ClaimRecord], catalog: Catalog, *, seq: int, author: str,
                      body: BaseModel) -> str:
    """Fold a ``claim`` or ``claim-retraction`` into ``claims``; ``InputError`` (nothing changed) if refused."""
    if isinstance(body, ClaimRetraction):
        record = claims.get(body.claim)
        if record is None:
            raise NotFoundError(f"no claim {body.claim!r} in the record", seq=seq, field="body.claim")
        if author not in record.endorsers:
            raise InputError(f"only a party that signed claim {body.claim!r} may retract it "
                             f"(signed by {', '.join(sorted(record.endorsers))}, not {author})",
                             seq=seq, field="author")
        del record.endorsers[author]
        if not record.endorsers:
            del claims[body.claim]
        return f"{author} retracts claim {body.claim}"
    assert isinstance(body, ClaimBody)
    _check_subject(body, catalog, seq)
    old = None
    if body.supersedes is not None:
        old = claims.get(body.supersedes)
        if old is None or author not in old.endorsers:
            raise InputError(f"{author} can supersede only a claim it signed; {body.supersedes!r} is not one",
                             seq=seq, field="body.supersedes")
    existing = claims.get(body.key)
    if existing is not None:
        if existing.body.content() != body.content():
            raise ConflictError(f"claim {body.key!r} is already in the record with different content; "
                                f"sign a new id that supersedes it", seq=seq, field="body.id")
        if author in existing.endorsers:
            raise ConflictError(f"{author} has already signed claim {body.key!r}", seq=seq, field="body.id")
    if old is not None and body.supersedes != body.key:
        del old.endorsers[author]
        if not old.endorsers:
            del claims[body.supersedes]  # type: ignore[arg-type]
    record = claims.setdefault(body.key, ClaimRecord(body=body))
    record.endorsers[author] = seq
    verb = "claims" if body.claimant == author else f"endorses {body.claimant}'s claim"
    return f"{author} {verb} {body.key} ({body.attribute})"


def _as_claim(body: ClaimBody) -> Claim:
    value = float(body.interval[1] if body.interval else body.value)  # type: ignore[arg-type]
    interval = (float(body.interval[0]), float(body.interval[1])) if body.interval else None
    return Claim(id=body.id, value=value, claimant=body.claimant, source=body.source.title,
                 date=body.date or body.source.date or "", qualifier=body.qualifier, note=body.note,
                 interval=interval, confidence=body.confidence, unverified=body.confidence == "low")


def _pick(records: list[ClaimRecord], perspective: str | None) -> list[ClaimRecord]:
    if perspective is None:
        return records
    own = [r for r in records if perspective in r.endorsers]
    return own or records


def view(catalog: Catalog, claims: Mapping[str, ClaimRecord], perspective: str | None = None) -> Catalog:
    """The catalogue as ``perspective`` reads the record (None: every claim in the record).

    Systems keep their identity (name, type, basing, owner) from the reference catalogue, but their range and
    speed claims, and the launchers' capability claims, are only those in ``claims``: for each subject and
    attribute, the claims ``perspective`` signed if it signed any, else all the record holds (silence is not
    dissent).
    """
    grouped: dict[tuple[str, str, str | None], list[ClaimRecord]] = {}
    for record in claims.values():
        b = record.body
        grouped.setdefault((b.subject, b.attribute, b.fires), []).append(record)
    systems: dict[str, System] = {}
    for sid, system in catalog.systems.items():
        ranges = tuple(_as_claim(r.body) for r in _pick(grouped.get((sid, "range_km", None), []), perspective))
        speeds = tuple(_as_claim(r.body) for r in _pick(grouped.get((sid, "speed_kmh", None), []), perspective))
        systems[sid] = replace(system, ranges_km=ranges, speeds_kmh=speeds)
    launchers = {}
    for lid, launcher in catalog.launchers.items():
        can_fire = {}
        for (subject, attribute, fires), records in grouped.items():
            if subject == lid and attribute == "capability" and fires is not None:
                can_fire[fires] = tuple(
                    CapabilityClaim(value=bool(r.body.value), claimant=r.body.claimant, source=r.body.source.title,
                                    date=r.body.date or "") for r in _pick(records, perspective))
        launchers[lid] = replace(launcher, can_fire=can_fire)
    return Catalog(systems=systems, launchers=launchers, sites=catalog.sites)


def claims_digest(claims: Mapping[str, ClaimRecord]) -> str:
    """SHA-256 (hex) of the RFC 8785 form of the claims in force and who signed each: the ``claims_sha256`` of a
    result. Same record, same digest."""
    import hashlib

    import rfc8785

    doc: list[Any] = [{"key": k, "claim": r.body.content(), "endorsers": sorted(r.endorsers)}
                      for k, r in sorted(claims.items())]
    return hashlib.sha256(rfc8785.dumps(doc)).hexdigest()


def _source(text: str, url: str | None = None, accessed: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"title": text}
    if url:
        out["url"] = url
    if accessed:
        out["accessed"] = accessed
    return out


def catalog_claims(catalog: Catalog, *, claimants: set[str] | None = None,
                   only: set[str] | None = None) -> list[dict[str, Any]]:
    """The reference catalogue's claims as ``claim`` entry bodies, in catalogue order.

    ``claimants``: keep the claims these claimants make (None: all); ``only``: keep these keys
    (``SUBJECT/ID``). Capability claims get the id ``FIRES-CLAIMANT`` (e.g. ``mk41-aegis-ashore/tomahawk-ru``).
    """
    bodies: list[dict[str, Any]] = []

    def keep(claimant: str, key: str) -> bool:
        return (claimants is None or claimant in claimants) and (only is None or key in only)

    for sid, system in catalog.systems.items():
        for attribute, items in (("range_km", system.ranges_km), ("speed_kmh", system.speeds_kmh)):
            for c in items:
                if not keep(c.claimant, f"{sid}/{c.id}"):
                    continue
                body: dict[str, Any] = {"id": c.id, "subject": sid, "attribute": attribute,
                                        "claimant": c.claimant,
                                        "source": _source(c.source, getattr(c, "source_url", None),
                                                          getattr(c, "accessed", None))}
                interval = getattr(c, "interval", None)
                if interval is not None:
                    body["interval"] = [float(interval[0]), float(interval[1])]
                else:
                    body["value"] = float(c.value)
                for name in ("qualifier", "note", "confidence"):
                    if getattr(c, name, None) is not None:
                        body[name] = getattr(c, name)
                if c.unverified and "confidence" not in body:
                    body["confidence"] = "low"
                if c.date:
                    body["date"] = c.date
                bodies.append(body)
    for lid, launcher in catalog.launchers.items():
        for fires, caps in launcher.can_fire.items():
            for cap in caps:
                cid = f"{fires}-{cap.claimant.lower()}"
                if not keep(cap.claimant, f"{lid}/{cid}"):
                    continue
                cbody: dict[str, Any] = {"id": cid, "subject": lid, "attribute": "capability", "fires": fires,
                                         "value": cap.value, "claimant": cap.claimant,
                                         "source": _source(cap.source, getattr(cap, "source_url", None),
                                                           getattr(cap, "accessed", None))}
                if cap.date:
                    cbody["date"] = cap.date
                bodies.append(cbody)
    if only is not None:
        found = {f"{b['subject']}/{b['id']}" for b in bodies}
        missing = sorted(only - found)
        if missing:
            raise NotFoundError(f"no catalogue claim {', '.join(missing)} (keys are SUBJECT/ID)", field="only")
    return bodies


def catalog_entries(party: str, *, effective: str, claimants: set[str] | None = None,
                    only: set[str] | None = None, catalog: Catalog | None = None) -> list[Entry]:
    """``claim`` entries by ``party`` importing the catalogue's claims (see ``catalog_claims``), dated
    ``effective``; ``claimants`` defaults to the party itself unless ``only`` names the claims."""
    from moratorium.catalog import load_catalog
    from moratorium.ledger.entry import Entry

    if claimants is None and only is None:
        claimants = {party}
    bodies = catalog_claims(catalog or load_catalog(), claimants=claimants, only=only)
    return [Entry(author=party, kind="claim", effective=effective, recorded=effective, body=b) for b in bodies]
