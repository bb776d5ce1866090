"""Ceiling, freeze and flight-test verdicts against hand-worked cases (issue 14, "untested paths").

Each case is worked out by hand from the treaty file: ``new-start-freeze`` (New START ceilings of 700 / 1,550 /
800 from 5 Feb 2018, the 2020 offer to freeze warheads at their 20 Oct 2020 level for a year) and ``inf-1987``
(no intermediate- or shorter-range ground-launched missiles from 1 Jun 1991, no flight tests from 1 Jun 1988).
"""

from __future__ import annotations

from typing import Any

from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.regime.claims import catalog_entries
from moratorium.regime.compliance import evaluate
from moratorium.regime.state import Replayer
from moratorium.treaty import load_treaty

KEYS = {p: PartyKey.derive(p, "hand-worked") for p in ("US", "RU")}
GERMANY = {"name": "Mutlangen", "country": "DEU", "lat": 48.82, "lon": 9.8}
KAPUSTIN = {"name": "Kapustin Yar", "country": "RUS", "lat": 48.58, "lon": 45.8}


def _e(author: str, kind: str, day: str, body: dict[str, Any]) -> SignedEntry:
    return sign_entry(Entry(author=author, kind=kind, effective=day, recorded=day, body=body), KEYS[author])


def _claims(day: str) -> list[SignedEntry]:
    """The catalogue's claims signed into the record first (verdicts count only claims in the log): each party
    its own, the US also the press figures it relies on for its own missiles (the Pershing II and the GLCM)."""
    return [sign_entry(e, KEYS[e.author]) for party, claimants in (("US", {"US", "press"}), ("RU", {"RU"}))
            for e in catalog_entries(party, effective=day, claimants=claimants)]


def _statuses(treaty_id: str, entries: list[SignedEntry]) -> dict[str, tuple[str, list[int]]]:
    """Status and evidence of every obligation; evidence numbered as in ``entries`` (the claims before them are
    left out of the numbering, so the hand-worked sequence numbers read as written)."""
    treaty = load_treaty(treaty_id)
    replayer = Replayer(treaty)
    prefix = _claims(entries[0].entry.effective)
    for seq, signed in enumerate([*prefix, *entries]):
        replayer.apply(seq, signed)
    out = {}
    for v in evaluate(treaty, replayer.state):
        assert all(i >= len(prefix) for i in v.evidence)
        out[v.obligation] = (v.status, [i - len(prefix) for i in v.evidence])
    return out


def _adopt(treaty: str, day: str) -> list[SignedEntry]:
    return [_e(p, "treaty-adoption", day, {"treaty": treaty}) for p in ("US", "RU")]


def _declare(party: str, day: str, **counts: int) -> SignedEntry:
    return _e(party, "declaration", day, {"counts": {k.replace("_", "-"): v for k, v in counts.items()}})


def test_new_start_ceilings_against_declared_counts() -> None:
    log = [*_adopt("new-start-freeze", "2018-02-01"),
           _declare("US", "2018-03-01", deployed_launchers=652, deployed_warheads=1350, total_launchers=800),
           _declare("RU", "2018-03-01", deployed_warheads=1600, total_launchers=775)]
    got = _statuses("new-start-freeze", log)
    # a compliant verdict cites the adoption (US: entry 0, RU: entry 1) and the declaration it counts
    assert got["us-deployed-launchers"] == ("compliant", [0, 2])  # 652 <= 700
    assert got["us-total-launchers"] == ("compliant", [0, 2])  # 800 is at the ceiling, not above it
    assert got["us-deployed-warheads"] == ("compliant", [0, 2])
    assert got["ru-deployed-warheads"] == ("violation", [3])  # 1,600 > 1,550: the declaration alone
    assert got["ru-total-launchers"] == ("compliant", [1, 3])
    assert got["ru-deployed-launchers"][0] == "unverified"  # RU declared no deployed-launchers count
    assert got["us-warhead-freeze"][0] == got["ru-warhead-freeze"][0] == "not-in-force"  # from 2020-10-20


def test_new_start_ceiling_counts_the_latest_declaration() -> None:
    log = [*_adopt("new-start-freeze", "2018-02-01"),
           _declare("RU", "2018-03-01", deployed_warheads=1600),
           _declare("RU", "2018-09-01", deployed_warheads=1444)]
    assert _statuses("new-start-freeze", log)["ru-deployed-warheads"] == ("compliant", [1, 3])


def test_new_start_ceilings_before_and_after_their_period_are_not_in_force() -> None:
    before = [*_adopt("new-start-freeze", "2017-01-01"), _declare("US", "2017-06-01", deployed_warheads=1700)]
    assert _statuses("new-start-freeze", before)["us-deployed-warheads"][0] == "not-in-force"
    after = [*before, _declare("US", "2026-03-01", deployed_warheads=1700)]
    assert _statuses("new-start-freeze", after)["us-deployed-warheads"][0] == "not-in-force"


def test_warhead_freeze_against_the_level_declared_on_the_freeze_date() -> None:
    log = [*_adopt("new-start-freeze", "2018-02-01"),
           # the 2020 offer froze whole warhead arsenals, not only deployed warheads (Russian MFA, 20 Oct 2020)
           _declare("RU", "2020-10-01", deployed_warheads=1447, warheads=4310),  # before the freeze date: the base
           _declare("US", "2020-10-20", deployed_warheads=1457, warheads=3750),  # on the freeze date: the base
           _declare("US", "2021-02-01", deployed_warheads=1457, warheads=3750),
           _declare("RU", "2021-03-01", deployed_warheads=1458, warheads=4311)]
    got = _statuses("new-start-freeze", log)
    assert got["ru-warhead-freeze"] == ("violation", [2, 5])  # 4,311 > 4,310
    assert got["us-warhead-freeze"] == ("compliant", [0, 3, 4])
    assert got["ru-deployed-warheads"] == ("compliant", [1, 5])  # still under the 1,550 ceiling


def test_warhead_freeze_without_a_base_level_is_unverified() -> None:
    log = [*_adopt("new-start-freeze", "2018-02-01"), _declare("US", "2021-01-01", warheads=3700)]
    status, evidence = _statuses("new-start-freeze", log)["us-warhead-freeze"]
    assert (status, evidence) == ("unverified", [2])


def test_warhead_freeze_ends_with_its_period() -> None:
    log = [*_adopt("new-start-freeze", "2018-02-01"), _declare("RU", "2020-10-01", warheads=4310),
           _declare("RU", "2021-11-01", warheads=4400)]
    assert _statuses("new-start-freeze", log)["ru-warhead-freeze"][0] == "not-in-force"


def _deploy(party: str, day: str, site: dict[str, Any], system: str, count: int = 1) -> SignedEntry:
    return _e(party, "deployment", day, {"site": site, "items": [{"system": system, "count": count}]})


def test_inf_elimination_ban_from_june_1991() -> None:
    log = [*_adopt("inf-1987", "1988-06-01"), _deploy("US", "1989-01-01", GERMANY, "pershing-2", 9)]
    got = _statuses("inf-1987", log)
    assert got["us-eliminate"][0] == "not-in-force"  # the ban on possession starts 1 Jun 1991
    assert got["us-no-flight-test"] == ("compliant", [0])  # a deployment is not a flight test
    later = [*log, _declare("US", "1991-07-01", pershing=0)]
    got = _statuses("inf-1987", later)
    assert got["us-eliminate"] == ("violation", [2])  # the 1989 deployment was never withdrawn
    withdrawn = [*later, _e("US", "withdrawal", "1991-08-01", {"site": GERMANY})]
    assert _statuses("inf-1987", withdrawn)["us-eliminate"][0] == "compliant"
    assert _statuses("inf-1987", [*withdrawn, _declare("US", "2019-09-01", x=0)])["us-eliminate"][0] == \
        "not-in-force"  # the treaty ended on 2 Aug 2019


def test_inf_allegation_of_a_banned_missile_is_disputed() -> None:
    # the US's own observation counts in the US's view (a violation); Russia does not accept it (compliant)
    log = [*_adopt("inf-1987", "1988-06-01"),
           _e("US", "observation", "1992-01-01", {"party": "RU", "site": KAPUSTIN, "source": "NTM",
                                                  "confidence": "medium",
                                                  "items": [{"system": "pershing-2", "count": 1}]})]
    assert _statuses("inf-1987", log)["ru-eliminate"][0] == "disputed"
    treaty = load_treaty("inf-1987")
    replayer = Replayer(treaty)
    for seq, signed in enumerate([*_claims("1988-06-01"), *log]):
        replayer.apply(seq, signed)
    verdict = next(v for v in evaluate(treaty, replayer.state) if v.obligation == "ru-eliminate")
    assert verdict.perspectives == {"US": "violation", "RU": "compliant"}


def _launch(party: str, day: str, use: str, system: str) -> SignedEntry:
    return _e(party, "notification", day, {"event": "launch", "use": use, "site": KAPUSTIN if party == "RU"
                                           else GERMANY, "items": [{"system": system}]})


def test_inf_flight_test_branch_counts_launches_not_deployments() -> None:
    log = [*_adopt("inf-1987", "1988-06-01"), _launch("US", "1989-03-01", "combat", "bgm-109g")]
    got = _statuses("inf-1987", log)
    assert got["us-no-flight-test"] == ("violation", [2])  # a launch of a 2,400 km GLCM, by the US's own entry
    assert got["ru-no-flight-test"][0] == "compliant"
    assert got["us-eliminate"][0] == "not-in-force"


def test_inf_notified_test_launch_violates_the_flight_test_ban() -> None:
    """Regression: replay kept only combat launches, so a notified *test* launch never reached the flight-test
    branch; every notified launch is now counted by flight-test bans (and is never a standing deployment)."""
    log = [*_adopt("inf-1987", "1988-06-01"), _launch("US", "1989-03-01", "test", "bgm-109g")]
    got = _statuses("inf-1987", log)
    assert got["us-no-flight-test"] == ("violation", [2])
    assert got["us-eliminate"][0] == "not-in-force"
