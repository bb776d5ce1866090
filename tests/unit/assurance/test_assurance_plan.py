"""Treaty inspection rights as plain regime plans (fake treaties with the treaty model's shape, and shipped ones)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from moratorium.assurance import plan_from_treaty, quotas_by_year
from moratorium.errors import InputError


@dataclass(frozen=True)
class Step:
    first_year: int
    last_year: int | None
    per_year: int


@dataclass(frozen=True)
class Right:
    type: str
    quota: tuple[Step, ...] = ()
    sites: tuple[str, ...] = ()
    site_types: tuple[str, ...] = ()
    inspected: tuple[str, ...] = ()
    assumption: str | None = None


@dataclass(frozen=True)
class Party:
    id: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Verification:
    inspections: tuple[Right, ...]


@dataclass(frozen=True)
class Treaty:
    id: str
    verification: Verification
    parties: tuple[Party, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Site:
    type: str
    country: str


INF_STEPS = (Step(1, 3, 20), Step(4, 8, 15), Step(9, 13, 10))
CATALOG = {
    "a": Site("aegis-ashore", "ROU"),
    "b": Site("aegis-ashore", "POL"),
    "g": Site("glcm-garrison", "RUS"),
}


def test_inf_quotas() -> None:
    quotas = quotas_by_year(INF_STEPS, 14)
    assert quotas[:13] == (20,) * 3 + (15,) * 5 + (10,) * 5
    assert sum(quotas) == 185
    assert quotas[13] == 0


def test_site_rules() -> None:
    named = Treaty("t", Verification((Right("v", INF_STEPS, sites=("a",)),)))
    assert plan_from_treaty(named, years=2, catalog_sites=CATALOG).sites == ("a",)
    typed = Treaty("t", Verification((Right("v", INF_STEPS, site_types=("aegis-ashore",)),)))
    assert plan_from_treaty(typed, years=2, catalog_sites=CATALOG).sites == ("a", "b")
    by_party = Treaty(
        "t", Verification((Right("v", INF_STEPS, inspected=("RU",)),)), (Party("RU", ("RUS",)),)
    )
    plan = plan_from_treaty(by_party, years=2, catalog_sites=CATALOG)
    assert plan.sites == ("g",)
    assert "inspected" in plan.site_rule
    assert plan_from_treaty(by_party, years=2, catalog_sites=CATALOG, site_count=5).sites[-1] == "site-5"


def test_choosing_the_right() -> None:
    treaty = Treaty("t", Verification((Right("baseline"), Right("short-notice", INF_STEPS, sites=("a",)))))
    assert plan_from_treaty(treaty, years=1, catalog_sites=CATALOG).inspection == "short-notice"
    with pytest.raises(InputError, match="no yearly quota"):
        plan_from_treaty(treaty, years=1, catalog_sites=CATALOG, inspection="baseline")
    with pytest.raises(InputError, match="has no 'close-out'"):
        plan_from_treaty(treaty, years=1, catalog_sites=CATALOG, inspection="close-out")
    with pytest.raises(InputError, match="no inspection with a quota"):
        plan_from_treaty(Treaty("t", Verification((Right("baseline"),))), years=1, catalog_sites=CATALOG)


def test_shipped_treaties_when_present() -> None:
    treaty_module = pytest.importorskip("moratorium.treaty")
    if not hasattr(treaty_module, "load_treaty"):
        pytest.skip("treaty model not landed yet")
    from moratorium.assurance import load_plan

    inf = load_plan("inf-1987", years=13)
    assert inf.inspection == "short-notice"
    assert sum(inf.quotas) == 185
    offer = load_plan("ru-2020-offer", years=1)
    assert set(offer.sites) >= {"deveselu", "redzikowo"} or offer.sites
