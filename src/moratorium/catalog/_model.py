"""Catalogue value types: claims, systems, launchers, sites (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from moratorium.errors import NotFoundError

T = TypeVar("T")

__all__ = ["CapabilityClaim", "Catalog", "Claim", "Launcher", "Site", "SourceRef", "System"]


@dataclass(frozen=True)
class SourceRef:
    """Where a claim comes from: a title (always), and where known its address, publication date and the day
    somebody checked it (``accessed``, YYYY-MM-DD)."""

    title: str
    url: str | None = None
    date: str | None = None
    accessed: str | None = None

    @property
    def label(self) -> str:
        """``title (date) <url> [accessed YYYY-MM-DD]``, leaving out what is unknown."""
        out = self.title + (f" ({self.date})" if self.date else "") + (f" <{self.url}>" if self.url else "")
        return out + (f" [accessed {self.accessed}]" if self.accessed else "")


_QUALIFIER_TEXT = {"up-to": "up to ", "about": "about ", "more-than": "more than ", "less-than": "less than ",
                   "tested": "tested to ", "assessed": "assessed ", "declared": "declared "}


@dataclass(frozen=True)
class Claim:
    """A figure somebody asserts: ``value`` (km, km/h...) by ``claimant``, from ``source``, dated ``date``.

    ``qualifier``: ``up-to`` (a stated maximum), ``about``, ``more-than``/``less-than`` (a bound, not a figure),
    ``tested`` (the longest flight reported), ``assessed`` (an intelligence or analytic estimate), ``declared``
    (the owner's own declaration) or None. ``interval`` is an explicit ``(low, high)`` in the claim's unit when
    the source gives a spread (``value`` stays the figure quoted). ``source`` is the source's title;
    ``source_url``, ``source_date`` and ``accessed`` (the day it was checked) come with it where known.
    ``confidence`` (``low``/``medium``/``high``) marks how far the source can be trusted: a claim whose only
    source is weak is kept, marked ``low``. ``unverified`` marks figures nobody has checked against a source;
    they are shown but never decide a verdict on their own.
    """

    id: str
    value: float
    claimant: str
    source: str
    date: str
    qualifier: str | None = None
    unverified: bool = False
    note: str | None = None
    interval: tuple[float, float] | None = None
    source_url: str | None = None
    source_date: str | None = None
    accessed: str | None = None
    confidence: str | None = None

    @property
    def label(self) -> str:
        q = _QUALIFIER_TEXT.get(self.qualifier or "", "")
        spread = f" [{self.interval[0]:g}-{self.interval[1]:g}]" if self.interval else ""
        return f"{self.claimant} ({self.id}): {q}{self.value:g}{spread}"

    @property
    def source_ref(self) -> SourceRef:
        return SourceRef(title=self.source, url=self.source_url, date=self.source_date, accessed=self.accessed)


@dataclass(frozen=True)
class CapabilityClaim:
    """A claim that a launcher can (``value=True``) or cannot fire a missile system (source fields as for
    :class:`Claim`)."""

    value: bool
    claimant: str
    source: str
    date: str
    source_url: str | None = None
    source_date: str | None = None
    accessed: str | None = None
    confidence: str | None = None
    note: str | None = None

    @property
    def source_ref(self) -> SourceRef:
        return SourceRef(title=self.source, url=self.source_url, date=self.source_date, accessed=self.accessed)


@dataclass(frozen=True)
class System:
    """A missile system with its range (and speed) claims."""

    id: str
    name: str
    owner: str
    type: str
    basing: tuple[str, ...]
    ranges_km: tuple[Claim, ...]
    speeds_kmh: tuple[Claim, ...] = ()
    launchers: tuple[str, ...] = ()
    status: str | None = None
    exempt: str | None = None

    @property
    def speed_kmh(self) -> tuple[Claim, ...]:
        """Alias of ``speeds_kmh``."""
        return self.speeds_kmh

    def claim(self, key: str) -> Claim:
        """The range claim with id ``key``, or the only one by claimant ``key`` (case-insensitive)."""
        wanted = key.lower()
        by_id = [c for c in self.ranges_km if c.id.lower() == wanted]
        if by_id:
            return by_id[0]
        by_claimant = [c for c in self.ranges_km if c.claimant.lower() == wanted]
        if len(by_claimant) == 1:
            return by_claimant[0]
        valid = ", ".join(c.id for c in self.ranges_km)
        if by_claimant:
            raise NotFoundError(f"claimant {key!r} makes several claims for {self.id}; pick one of: {valid}",
                                field="claim")
        raise NotFoundError(f"no range claim {key!r} for {self.id}; valid: {valid} "
                            f"(claimants: {', '.join(sorted({c.claimant for c in self.ranges_km}))})",
                            field="claim")


@dataclass(frozen=True)
class Launcher:
    """A launcher type; ``can_fire`` maps a system id to the claims about whether it can fire it."""

    id: str
    name: str
    owner: str
    basing: str
    can_fire: dict[str, tuple[CapabilityClaim, ...]] = field(default_factory=dict)
    status_depends_on_payload: bool = False
    cells: int | None = None


@dataclass(frozen=True)
class Site:
    """A place in the catalogue. Coordinates are approximate gazetteer values (``coordinates_unverified``).

    ``sources`` are the sources' titles; ``source_refs`` the same sources with address, date and ``accessed``.
    """

    id: str
    name: str
    country: str
    lat: float
    lon: float
    type: str
    role: str
    sources: tuple[str, ...]
    subject: str | None = None
    coordinates_unverified: bool = True
    source_refs: tuple[SourceRef, ...] = ()
    confidence: str | None = None


@dataclass(frozen=True)
class Catalog:
    """The reference catalogue."""

    systems: dict[str, System]
    launchers: dict[str, Launcher]
    sites: dict[str, Site]

    def system(self, key: str) -> System:
        return _lookup(self.systems, key, "system")

    def launcher(self, key: str) -> Launcher:
        return _lookup(self.launchers, key, "launcher")

    def site(self, key: str) -> Site:
        return _lookup(self.sites, key, "site")


def _lookup(table: dict[str, T], key: str, what: str) -> T:
    found = table.get(key) or table.get(key.lower())
    if found is None:
        raise NotFoundError(f"unknown {what} {key!r}; known: {', '.join(sorted(table))}", field=what)
    return found
