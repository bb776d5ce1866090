"""ru-2021-draft's reach-defined obligation: needs-analysis without reach analysis, a real verdict with it."""

from __future__ import annotations

from moratorium.geo.territory import TerritoryDistance
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.regime.compliance import evaluate
from moratorium.regime.state import replay
from moratorium.treaty import load_treaty

TREATY = load_treaty("ru-2021-draft")


def _entries(site: dict[str, object], system: str = "oreshnik") -> list[SignedEntry]:
    raw = [
        Entry(author="RU", kind="treaty-adoption", effective="2022-01-01", recorded="2022-01-01",
              body={"treaty": "ru-2021-draft"}),
        Entry(author="US", kind="treaty-adoption", effective="2022-01-01", recorded="2022-01-01",
              body={"treaty": "ru-2021-draft"}),
        Entry(author="RU", kind="deployment", effective="2022-02-01", recorded="2022-02-01",
              body={"site": site, "items": [{"system": system, "count": 1}]}),
    ]
    return [SignedEntry(entry=e, signature=bytes(64)) for e in raw]


def _status(entries: list[SignedEntry], reach: TerritoryDistance | None) -> str:
    verdicts = {v.obligation: v for v in evaluate(TREATY, replay(TREATY, entries), reach=reach)}
    return verdicts["ru-none-within-reach"].status


ANADYR = {"name": "Anadyr", "country": "RUS", "subject": "RU-CHU", "lat": 64.73, "lon": 177.51}
KAPUSTIN_YAR = "kapustin-yar"


def test_without_reach_analysis_the_verdict_is_needs_analysis() -> None:
    assert _status(_entries(ANADYR), None) == "needs-analysis"


def test_oreshnik_in_chukotka_reaches_alaska() -> None:
    assert _status(_entries(ANADYR), TerritoryDistance()) == "violation"


def test_oreshnik_at_kapustin_yar_does_not_reach_us_territory() -> None:
    distance_km = TerritoryDistance().min_distance_km(48.58, 45.74, ["USA"])
    assert distance_km > 5500  # beyond every Oreshnik range claim
    assert _status(_entries(KAPUSTIN_YAR), TerritoryDistance()) == "compliant"


def test_contested_range_reach_is_unverified() -> None:
    # 9M729 in Chukotka: ~600-900 km from Alaska, within the US claim (2,500 km), beyond Russia's (480 km)
    assert _status(_entries(ANADYR, "9m729"), TerritoryDistance()) == "unverified"
