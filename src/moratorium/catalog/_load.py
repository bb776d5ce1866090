"""Load and validate the catalogue's YAML files (pydantic at the boundary, frozen dataclasses inside)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from moratorium._yamlfile import date_text, load_yaml, validate
from moratorium.catalog._model import CapabilityClaim, Catalog, Claim, Launcher, Site, SourceRef, System
from moratorium.catalog.regions import RUSSIAN_SUBJECTS
from moratorium.errors import InputError

__all__ = ["load_catalog"]

_ID = r"^[a-z0-9][a-z0-9-]*$"
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)



class _Source(_Strict):
    """A source as a mapping: ``title`` required; ``accessed`` is the day someone checked it (YYYY-MM-DD)."""

    title: str = Field(min_length=1)
    url: str | None = Field(default=None, min_length=1)
    date: str | None = Field(default=None, pattern=_DATE)
    accessed: str | None = Field(default=None, pattern=_DAY)

    _dates = field_validator("date", "accessed", mode="before")(date_text)

    def ref(self) -> SourceRef:
        return SourceRef(title=self.title, url=self.url, date=self.date, accessed=self.accessed)


SourceField = str | _Source


def _ref(source: str | _Source) -> SourceRef:
    return SourceRef(title=source) if isinstance(source, str) else source.ref()


class _Claim(_Strict):
    id: str = Field(pattern=_ID)
    value: float = Field(ge=0)
    claimant: str = Field(min_length=1)
    source: SourceField
    date: str = Field(pattern=_DATE)
    qualifier: Literal["up-to", "about", "more-than", "less-than", "tested", "assessed", "declared"] | None = None
    interval: tuple[float, float] | None = None
    confidence: Literal["low", "medium", "high"] | None = None
    unverified: bool = False
    note: str | None = None

    _date = field_validator("date", mode="before")(date_text)

    @field_validator("source")
    @classmethod
    def _source_text(cls, value: SourceField) -> SourceField:
        if isinstance(value, str) and not value.strip():
            raise ValueError("a source needs a title")
        return value

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is None:
            return None
        low, high = value
        if low < 0 or high < 0:
            raise ValueError(f"interval ends must be >= 0, got [{low:g}, {high:g}]")
        if low > high:
            raise ValueError(f"interval low {low:g} is above high {high:g}")
        return value


class _System(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    owner: str = Field(pattern=r"^[A-Z]{3}$")
    type: Literal["ballistic", "cruise", "glide", "interceptor", "sam"]
    basing: list[Literal["ground", "sea", "air"]] = Field(min_length=1)
    launchers: list[str] = []
    status: str | None = None
    exempt: str | None = None
    ranges_km: list[_Claim] = Field(min_length=1)
    speeds_kmh: list[_Claim] = []


class _Capability(_Strict):
    value: bool
    claimant: str
    source: SourceField
    date: str
    confidence: Literal["low", "medium", "high"] | None = None
    note: str | None = None

    _date = field_validator("date", mode="before")(date_text)


class _CanFire(_Strict):
    system: str
    claims: list[_Capability] = Field(min_length=1)


class _Launcher(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    owner: str = Field(pattern=r"^[A-Z]{3}$")
    basing: Literal["ground", "sea", "air"]
    cells: int | None = Field(default=None, gt=0)
    status_depends_on_payload: bool = False
    can_fire: list[_CanFire] = []


class _Site(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    country: str = Field(pattern=r"^[A-Z]{3}$")
    subject: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    type: str
    role: str
    sources: list[SourceField] = Field(min_length=1)
    coordinates_unverified: bool = True
    confidence: Literal["low", "medium", "high"] | None = None

    @field_validator("subject")
    @classmethod
    def _known_subject(cls, value: str | None) -> str | None:
        if value is not None and value not in RUSSIAN_SUBJECTS:
            raise ValueError(f"unknown Russian federal subject {value!r}")
        return value


class _Systems(_Strict):
    systems: list[_System]


class _Launchers(_Strict):
    launchers: list[_Launcher]


class _Sites(_Strict):
    sites: list[_Site]


def _read(name: str) -> tuple[str, object, dict[tuple[str | int, ...], int]]:
    ref = resources.files("moratorium.catalog") / "data" / name
    label = f"catalog/data/{name}"
    data, lines = load_yaml(label, text=ref.read_text(encoding="utf-8"))
    return label, data, lines


def _claim(c: _Claim) -> Claim:
    ref = _ref(c.source)
    return Claim(id=c.id, value=c.value, claimant=c.claimant, source=ref.title, date=c.date,
                 qualifier=c.qualifier, unverified=c.unverified, note=c.note,
                 interval=None if c.interval is None else (float(c.interval[0]), float(c.interval[1])),
                 source_url=ref.url, source_date=ref.date, accessed=ref.accessed, confidence=c.confidence)


def _capability(c: _Capability) -> CapabilityClaim:
    ref = _ref(c.source)
    return CapabilityClaim(value=c.value, claimant=c.claimant, source=ref.title, date=c.date, source_url=ref.url,
                           source_date=ref.date, accessed=ref.accessed, confidence=c.confidence, note=c.note)


@cache
def load_catalog() -> Catalog:
    """The shipped reference catalogue, validated (cached: it is immutable)."""
    label, data, lines = _read("systems.yaml")
    systems_doc = validate(_Systems, data, file=label, lines=lines)
    systems: dict[str, System] = {}
    for i, s in enumerate(systems_doc.systems):
        if s.id in systems:
            raise InputError(f"duplicate system id {s.id!r}", file=label, line=lines.get(("systems", i)))
        systems[s.id] = System(
            id=s.id, name=s.name, owner=s.owner, type=s.type, basing=tuple(s.basing),
            ranges_km=tuple(_claim(c) for c in s.ranges_km), speeds_kmh=tuple(_claim(c) for c in s.speeds_kmh),
            launchers=tuple(s.launchers), status=s.status, exempt=s.exempt,
        )
    label, data, lines = _read("launchers.yaml")
    launchers_doc = validate(_Launchers, data, file=label, lines=lines)
    launchers: dict[str, Launcher] = {}
    for i, lnc in enumerate(launchers_doc.launchers):
        for j, cf in enumerate(lnc.can_fire):
            if cf.system not in systems:
                raise InputError(f"unknown system {cf.system!r}", file=label,
                                 line=lines.get(("launchers", i, "can_fire", j, "system")),
                                 field=f"launchers[{i}].can_fire[{j}].system")
        launchers[lnc.id] = Launcher(
            id=lnc.id, name=lnc.name, owner=lnc.owner, basing=lnc.basing, cells=lnc.cells,
            status_depends_on_payload=lnc.status_depends_on_payload,
            can_fire={cf.system: tuple(_capability(c) for c in cf.claims) for cf in lnc.can_fire},
        )
    label, data, lines = _read("sites.yaml")
    sites_doc = validate(_Sites, data, file=label, lines=lines)
    sites = {
        s.id: Site(id=s.id, name=s.name, country=s.country, subject=s.subject, lat=s.lat, lon=s.lon, type=s.type,
                   role=s.role, sources=tuple(_ref(x).title for x in s.sources),
                   coordinates_unverified=s.coordinates_unverified,
                   source_refs=tuple(_ref(x) for x in s.sources), confidence=s.confidence)
        for s in sites_doc.sites
    }
    return Catalog(systems=systems, launchers=launchers, sites=sites)
