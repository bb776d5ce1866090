"""ru-2021-draft's reach-defined obligation: needs-analysis without reach analysis, a real verdict with it."""

from __future__ import annotations

from moratorium.geo.territory import TerritoryDistance
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.regime.claims import catalog_entries
from moratorium.regime.compliance import evaluate
from moratorium.regime.state import replay
from moratorium.regime.verdict import Verdict
from moratorium.treaty import load_treaty

TREATY = load_treaty("ru-2021-draft")


def _entries(site: dict[str, object], system: str = "oreshnik") -> list[SignedEntry]:
    # each party signs its own catalogue claims into the record: verdicts count only claims in the log
    raw = catalog_entries("RU", effective="2022-01-01") + catalog_entries("US", effective="2022-01-01") + [
        Entry(author="RU", kind="treaty-adoption", effective="2022-01-01", recorded="2022-01-01",
              body={"treaty": "ru-2021-draft"}),
        Entry(author="US", kind="treaty-adoption", effective="2022-01-01", recorded="2022-01-01",
              body={"treaty": "ru-2021-draft"}),
        Entry(author="RU", kind="deployment", effective="2022-02-01", recorded="2022-02-01",
              body={"site": site, "items": [{"system": system, "count": 1}]}),
    ]
    return [SignedEntry(entry=e, signature=bytes(64)) for e in raw]


def _verdict(entries: list[SignedEntry], reach: TerritoryDistance | None) -> Verdict:
    verdicts = {v.obligation: v for v in evaluate(TREATY, replay(TREATY, entries), reach=reach)}
    return verdicts["ru-none-within-reach"]


def _status(entries: list[SignedEntry], reach: TerritoryDistance | None) -> str:
    return _verdict(entries, reach).status


ANADYR = {"name": "Anadyr", "country": "RUS", "subject": "RU-CHU", "lat": 64.73, "lon": 177.51}
KAPUSTIN_YAR = "kapustin-yar"


def test_without_reach_analysis_the_verdict_is_needs_analysis() -> None:
    verdict = _verdict(_entries(ANADYR), None)
    # under Russia's own figure (up to 5,500 km, wholly INF-range) only reach analysis can decide; the US's
    # "more than 3,000 km" straddles the 5,500 km edge, so by the US's claims the record cannot decide it at all
    assert verdict.perspectives == {"RU": "needs-analysis", "US": "unverified", "NATO": "unverified"}


def test_oreshnik_in_chukotka_reaches_alaska() -> None:
    verdict = _verdict(_entries(ANADYR), TerritoryDistance())
    # by Russia's own figure (up to 5,500 km) Alaska, ~600 km away, is in reach; the US's "more than 3,000 km"
    # straddles the 5,500 km class edge, so by its claims the item's class is open
    # (NATO signed no claim: it reads the record, where Russia's figure is low-confidence and only the US's counts)
    assert verdict.perspectives == {"RU": "violation", "US": "unverified", "NATO": "unverified"}
    assert verdict.status == "disputed"


def test_oreshnik_at_kapustin_yar_does_not_reach_us_territory() -> None:
    distance_km = TerritoryDistance().min_distance_km(48.58, 45.74, ["USA"])
    assert distance_km > 5500  # beyond Russia's claim (up to 5,500 km)
    verdict = _verdict(_entries(KAPUSTIN_YAR), TerritoryDistance())
    # Russia's own figure keeps the US out of reach; the US says only "more than 3,000 km" (a class, not a
    # figure), which neither reaches nor clears 8,000 km: the perspectives differ
    assert verdict.perspectives == {"RU": "compliant", "US": "unverified", "NATO": "unverified"}
    assert verdict.status == "disputed"


def test_contested_range_reach_is_unverified() -> None:
    # 9M729 in Chukotka: ~600-900 km from Alaska, within the US claim (2,500 km), beyond Russia's (480 km)
    verdict = _verdict(_entries(ANADYR, "9m729"), TerritoryDistance())
    assert verdict.perspectives["RU"] == "compliant" and verdict.perspectives["US"] == "violation"
    assert verdict.status == "disputed"
