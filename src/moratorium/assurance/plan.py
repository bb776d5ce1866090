"""From a treaty's inspection right to the plain numbers the Monte Carlo needs: sites and quotas per year.

The treaty model (``moratorium.treaty``) gives each inspection right a quota as steps
``QuotaStep(first_year, last_year | None, per_year)`` over 1-based treaty years (INF short-notice: 20 a year
in years 1-3, 15 in 4-8, 10 in 9-13, 185 in all; domain.md §1.4 [S9]). Which sites are open to the right
comes, in order of precedence, from: a count given by the user; the sites the treaty itself declared, where a
sourced list ships (``assurance/data/<treaty>-declared-sites.yaml``: INF's MOU-declared facilities, so that
``assure regime inf-1987`` models the sites that treaty covered, not today's catalogue); the sites the right
names; catalogue sites of the site types it names; catalogue sites in the inspected parties' countries; every
catalogue site. The plan records which rule applied and the assumptions behind its figures (among them the
probability that a visit finds an item it inspects), so that a figure never hides its assumption.

:func:`plan_from_treaty` is pure (treaty and catalogue sites are arguments); :func:`load_plan` does the
loading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from moratorium.assurance._validate import require_count
from moratorium.errors import InputError

__all__ = ["DeclaredSites", "RegimePlan", "declared_sites", "load_plan", "plan_from_treaty", "quotas_by_year"]

VISIT_ASSUMPTION = (
    "a visit that inspects the covert item finds it (probability 1, scaled only by --loaded-fraction); "
    "what a visit misses comes from the items it does not inspect (--items, --checked)"
)


class _QuotaStep(Protocol):
    @property
    def first_year(self) -> int: ...
    @property
    def last_year(self) -> int | None: ...
    @property
    def per_year(self) -> int: ...


class _Site(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def country(self) -> str: ...


@dataclass(frozen=True)
class RegimePlan:
    """The inspection regime one treaty right gives, over a horizon.

    Attributes
    ----------
    treaty : str
        Treaty id.
    inspection : str
        The inspection right's type (``short-notice``, ``aegis-ashore-visit``...).
    sites : tuple of str
        Site ids open to the right (``site-1``... when the user gave only a count).
    site_rule : str
        Which rule chose the sites (see the module docstring).
    quotas : tuple of int
        Inspections allowed in treaty years 1..Y.
    assumption : str or None
        The treaty file's caveat on this right (e.g. a quota the text does not fix).
    """

    treaty: str
    inspection: str
    sites: tuple[str, ...]
    site_rule: str
    quotas: tuple[int, ...]
    assumption: str | None = None


@dataclass(frozen=True)
class DeclaredSites:
    """The sites a treaty itself declared, as far as a shipped, sourced list names them.

    Attributes
    ----------
    treaty : str
        Treaty id.
    sites : tuple of (str, str, bool)
        ``(site id, inspected party, open to short-notice inspection)`` for each listed site.
    note : str
        What the list is (and is not): shown with every figure computed over it.
    """

    treaty: str
    sites: tuple[tuple[str, str, bool], ...]
    note: str

    def open_to(self, inspected: Sequence[str]) -> tuple[str, ...]:
        """Sites of the ``inspected`` parties open to short-notice inspection (all parties if empty)."""
        wanted = set(inspected)
        return tuple(s for s, party, open_ in self.sites if open_ and (not wanted or party in wanted))


def declared_sites(treaty_id: str) -> DeclaredSites | None:
    """The shipped declared-site list of ``treaty_id`` (``assurance/data/<id>-declared-sites.yaml``), if any."""
    from importlib import resources

    from moratorium._yamlfile import load_yaml

    ref = resources.files("moratorium.assurance") / "data" / f"{treaty_id}-declared-sites.yaml"
    if not ref.is_file():
        return None
    label = f"assurance/data/{treaty_id}-declared-sites.yaml"
    data, lines = load_yaml(label, text=ref.read_text(encoding="utf-8"))
    rows = data.get("sites") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InputError("expected a non-empty list of sites", file=label, line=1, field="sites")
    sites = []
    for i, row in enumerate(rows):
        if not (isinstance(row, dict) and isinstance(row.get("id"), str) and isinstance(row.get("party"), str)
                and isinstance(row.get("short_notice"), bool) and isinstance(row.get("source"), str)):
            raise InputError("each site needs id, party, short_notice (true/false) and source", file=label,
                             line=lines.get(("sites", i)), field=f"sites[{i}]")
        sites.append((row["id"], row["party"], row["short_notice"]))
    note = ("the treaty's declared facilities as far as public sources name them (a partial list: the real "
            "declaration held more sites, so visits per site are overstated)")
    return DeclaredSites(treaty=treaty_id, sites=tuple(sites), note=note)


def quotas_by_year(steps: Sequence[_QuotaStep], years: int) -> tuple[int, ...]:
    """Per-year quotas for treaty years ``1..years`` from quota steps (a year no step covers gets 0)."""
    require_count(years, "years", minimum=1, maximum=1000)
    quotas = []
    for year in range(1, years + 1):
        quota = 0
        for step in steps:
            if step.first_year <= year and (step.last_year is None or year <= step.last_year):
                quota = step.per_year
                break
        quotas.append(quota)
    return tuple(quotas)


def plan_from_treaty(
    treaty: Any,
    *,
    years: int,
    catalog_sites: Mapping[str, _Site],
    inspection: str | None = None,
    site_count: int | None = None,
    declared: DeclaredSites | None = None,
) -> RegimePlan:
    """Build a :class:`RegimePlan` from a treaty object shaped like ``moratorium.treaty.Treaty``.

    Parameters
    ----------
    treaty
        Needs ``id``, ``parties`` (``id``, ``countries``) and ``verification.inspections`` (``type``,
        ``quota``,
        ``sites``, ``site_types``, ``inspected``, ``assumption``).
    years : int
        Horizon in treaty years.
    catalog_sites : mapping of str to site
        Catalogue sites by id (``moratorium.catalog.load_catalog().sites``).
    inspection : str, optional
        The right's type; default: the first right with a quota.
    site_count : int, optional
        Override the sites with this many anonymous ones.
    declared : DeclaredSites, optional
        The sites the treaty itself declared (:func:`declared_sites`); used before any catalogue rule.
    """
    rights = tuple(treaty.verification.inspections)
    right = _choose_right(str(treaty.id), rights, inspection)
    quotas = quotas_by_year(right.quota, years)
    if site_count is not None:
        count = require_count(site_count, "sites", minimum=1, maximum=10**6)
        sites, rule = tuple(f"site-{i + 1}" for i in range(count)), "given on the command line"
    elif declared is not None and declared.open_to(tuple(getattr(right, "inspected", ()))[-1:]):
        # a quota is one party's right over the OTHER party's sites: model the last inspected party's sites
        inspected_party = tuple(getattr(right, "inspected", ()))[-1:]
        sites = declared.open_to(inspected_party)
        rule = f"{inspected_party[0] if inspected_party else 'all'} sites declared by the treaty: {declared.note}"
    else:
        sites, rule = _sites_for(treaty, right, catalog_sites)
    if not sites:
        raise InputError(f"no site is open to the {right.type!r} right; give --sites N", field="sites")
    caveat = getattr(right, "assumption", None)
    return RegimePlan(
        treaty=str(treaty.id),
        inspection=str(right.type),
        sites=sites,
        site_rule=rule,
        quotas=quotas,
        assumption=f"{caveat}; {VISIT_ASSUMPTION}" if caveat else VISIT_ASSUMPTION,
    )


def _choose_right(treaty_id: str, rights: tuple[Any, ...], inspection: str | None) -> Any:
    if inspection is None:
        with_quota = [r for r in rights if r.quota]
        if not with_quota:
            raise InputError(f"treaty {treaty_id!r} grants no inspection with a quota", field="inspection")
        return with_quota[0]
    found = [r for r in rights if r.type == inspection]
    if not found:
        known = ", ".join(r.type for r in rights) or "none"
        raise InputError(f"{treaty_id!r} has no {inspection!r} inspection (has: {known})", field="inspection")
    if not found[0].quota:
        raise InputError(f"the {inspection!r} right of {treaty_id!r} sets no yearly quota", field="inspection")
    return found[0]


def _sites_for(treaty: Any, right: Any, catalog: Mapping[str, _Site]) -> tuple[tuple[str, ...], str]:
    if right.sites:
        return tuple(right.sites), "named by the inspection right"
    site_types = tuple(getattr(right, "site_types", ()))
    if site_types:
        typed = tuple(k for k, s in catalog.items() if s.type in site_types)
        return typed, "catalogue sites of the right's types"
    inspected = set(getattr(right, "inspected", ()))
    countries = {c for p in treaty.parties if p.id in inspected for c in p.countries}
    local = tuple(k for k, s in catalog.items() if s.country in countries)
    if local:
        return local, "catalogue sites in the inspected parties' countries"
    return tuple(catalog), "every catalogue site (the right names none)"


def load_plan(
    treaty_or_scenario: str, *, years: int, inspection: str | None = None, site_count: int | None = None
) -> RegimePlan:
    """Plan the regime of a shipped treaty id, a treaty file, or a scenario file (its ``treaty:`` key)."""
    from moratorium.catalog import load_catalog
    from moratorium.treaty import load_treaty

    reference: str | Path = treaty_or_scenario
    path = Path(treaty_or_scenario)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        reference = _scenario_treaty(path) or treaty_or_scenario
    treaty = load_treaty(reference)
    return plan_from_treaty(
        treaty, years=years, catalog_sites=load_catalog().sites, inspection=inspection, site_count=site_count,
        declared=declared_sites(str(treaty.id)),
    )


def _scenario_treaty(path: Path) -> str | Path | None:
    """The treaty a scenario file names (``treaty: <id or relative path>``); None if ``path`` is a treaty."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read: {exc}".splitlines()[0], file=str(path)) from None
    if not isinstance(document, dict) or "verification" in document or "treaty" not in document:
        return None
    named = document["treaty"]
    if isinstance(named, dict):
        named = named.get("id") or named.get("path")
    if not isinstance(named, str):
        raise InputError("must name a treaty id or file", file=str(path), field="treaty")
    relative = path.parent / named
    return relative if relative.suffix in (".yaml", ".yml") and relative.is_file() else named
