"""Inspection rights from the treaty: quota, windows, sites; jointly random draws; findings feed verdicts."""

from __future__ import annotations

import hashlib

import pytest

from moratorium.errors import ConflictError, InputError, NotFoundError
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.regime import selection
from moratorium.regime.claims import catalog_entries
from moratorium.regime.compliance import evaluate
from moratorium.regime.state import Replayer
from moratorium.regime.verdict import Verdict
from moratorium.treaty import load_treaty

TREATY = load_treaty("ru-2020-offer")
KEYS = {p: PartyKey.derive(p, "test") for p in ("RU", "NATO")}


class Log:
    def __init__(self) -> None:
        self.replayer = Replayer(TREATY)
        self.seq = 0

    def add(self, author: str, kind: str, when: str, body: dict[str, object]) -> int:
        entry = Entry(author=author, kind=kind, effective=when, recorded=when, body=body)
        self.replayer.apply(self.seq, sign_entry(entry, KEYS[author]))
        self.seq += 1
        return self.seq - 1

    def verdict(self, obligation: str) -> Verdict:
        return next(v for v in evaluate(TREATY, self.replayer.state) if v.obligation == obligation)

    def status(self, obligation: str) -> str:
        return self.verdict(obligation).status


def nonce(party: str, ctx: str) -> bytes:
    return hashlib.sha256(f"{party}/{ctx}".encode()).digest()


@pytest.fixture
def log() -> Log:
    lg = Log()
    for party in ("RU", "NATO"):  # each party signs its own catalogue claims: verdicts count only the record's
        for entry in catalog_entries(party, effective="2021-01-01",
                                     claimants={"RU"} if party == "RU" else {"US", "FAZ"}):
            lg.add(party, "claim", "2021-01-01", entry.body)
    lg.add("RU", "treaty-adoption", "2021-01-01", {"treaty": "ru-2020-offer"})
    lg.add("NATO", "treaty-adoption", "2021-01-01", {"treaty": "ru-2020-offer"})
    lg.add("RU", "declaration", "2021-01-02", {"holdings": [
        {"site": "chernyakhovsk", "items": [{"system": "9m728", "count": 8}]}]})
    lg.add("NATO", "deployment", "2021-01-02", {"site": "deveselu", "items": [{"system": "sm-3", "count": 24}]})
    return lg


def request(lg: Log, ident: str, when: str, site: str = "chernyakhovsk", by: str = "NATO",
            kind: str = "kaliningrad-visit", inspected: str = "RU") -> int:
    return lg.add(by, "inspection-request", when, {"id": ident, "type": kind, "inspected": inspected,
                                                   "site": site, "sample": 3})


def commit_reveal(lg: Log, ident: str, when: str, *, host_reveals: bool = True) -> None:
    for party in ("NATO", "RU"):
        c = selection.commit(party=party, nonce=nonce(party, ident), context=ident)
        lg.add(party, "nonce-commitment", when, {"inspection": ident, "commitment": c.hex()})
    for party in ("NATO", "RU") if host_reveals else ("NATO",):
        lg.add(party, "nonce-reveal", when, {"inspection": ident, "nonce": nonce(party, ident).hex()})


def test_quota_is_enforced_per_treaty_year(log: Log) -> None:
    request(log, "k1", "2021-02-01")
    request(log, "k2", "2021-06-01")
    with pytest.raises(ConflictError, match="quota of 2 kaliningrad-visit inspection"):
        request(log, "k3", "2021-09-01")
    request(log, "k3", "2022-01-02")  # treaty year 2 has its own quota


def test_undeclared_unknown_and_ungranted_requests_are_refused(log: Log) -> None:
    with pytest.raises(ConflictError, match="neither listed nor declared"):
        request(log, "x", "2021-02-01", site="shuya")
    with pytest.raises(NotFoundError, match="unknown site"):
        request(log, "y", "2021-02-01", site="atlantis")
    with pytest.raises(NotFoundError, match="no inspection of type 'short-notice'"):
        request(log, "z", "2021-02-01", kind="short-notice")
    with pytest.raises(InputError, match="granted to RU against NATO"):
        request(log, "w", "2021-02-01", site="deveselu", kind="aegis-ashore-visit", by="NATO", inspected="RU")


def test_joint_draw_is_rederivable_and_reports_must_stay_in_it(log: Log) -> None:
    request(log, "k1", "2021-02-01T08:00:00Z")
    commit_reveal(log, "k1", "2021-02-01T09:00:00Z")
    record = log.replayer.state.inspections["k1"]
    assert record.units == tuple(f"canister-{i}" for i in range(1, 9))
    expected_seed = selection.seed(nonces={p: nonce(p, "k1") for p in ("NATO", "RU")},
                                   checkpoint_root=record.root_at_request,
                                   checkpoint_size=record.size_at_request, context="k1")
    drawn = tuple(record.units[i] for i in selection.draw_indices(expected_seed, 3, 8))
    outside = next(u for u in record.units if u not in drawn)
    report = {"inspection": "k1", "arrived": "2021-02-01T15:00:00Z", "departed": "2021-02-02T10:00:00Z",
              "units": [outside], "findings": [{"item": "canister-length", "category": "conforming"}]}
    with pytest.raises(InputError, match="not in the joint draw"):
        log.add("NATO", "inspection-report", "2021-02-02", report)
    log.add("NATO", "inspection-report", "2021-02-02", {**report, "units": list(drawn)})
    assert log.replayer.state.inspections["k1"].drawn == drawn


def test_windows_are_enforced(log: Log) -> None:
    request(log, "k1", "2021-02-01T08:00:00Z")
    late = {"inspection": "k1", "arrived": "2021-02-03T08:00:00Z", "departed": "2021-02-03T09:00:00Z",
            "findings": [{"item": "canister-count", "category": "conforming"}]}
    # ru-2020-offer sets no notice window, only 24 h on site
    long_stay = {**late, "arrived": "2021-02-01T10:00:00Z", "departed": "2021-02-02T11:00:00Z"}
    with pytest.raises(ConflictError, match="at most 24 h on site"):
        log.add("NATO", "inspection-report", "2021-02-03", long_stay)
    log.add("NATO", "inspection-report", "2021-02-03", late)


def test_findings_feed_the_compliance_engine(log: Log) -> None:
    log.add("NATO", "observation", "2021-01-03", {"party": "RU", "site": "chernyakhovsk", "source": "imagery",
                                                  "confidence": "low", "items": [{"system": "9m729"}]})
    # NATO's imagery is NATO's view; Russia does not accept the allegation
    assert log.verdict("ru-no-9m729-european-russia").perspectives == {"RU": "compliant", "NATO": "violation"}
    assert log.status("ru-no-9m729-european-russia") == "disputed"
    request(log, "k1", "2021-02-01T08:00:00Z")
    log.add("NATO", "inspection-report", "2021-02-01", {
        "inspection": "k1", "arrived": "2021-02-01T10:00:00Z", "departed": "2021-02-01T20:00:00Z",
        "findings": [{"item": "canister-length", "category": "conforming"}]})
    assert log.status("ru-no-9m729-european-russia") == "compliant"  # the allegation is cleared
    assert log.verdict("ru-no-9m729-european-russia").basis == "inspected"
    request(log, "k2", "2021-06-01T08:00:00Z")
    log.add("NATO", "inspection-report", "2021-06-01", {
        "inspection": "k2", "arrived": "2021-06-01T10:00:00Z", "departed": "2021-06-01T20:00:00Z",
        "findings": [{"item": "canister-length", "category": "anomaly", "system": "9m729",
                      "detail": "canister 1.8 m longer than a 9M728's"}]})
    assert log.status("ru-no-9m729-european-russia") == "violation"


def test_a_host_that_will_not_reveal_denies_access(log: Log) -> None:
    request(log, "k1", "2021-02-01T08:00:00Z")
    commit_reveal(log, "k1", "2021-02-01T09:00:00Z", host_reveals=False)
    log.add("NATO", "inspection-report", "2021-02-02", {
        "inspection": "k1", "arrived": "2021-02-01T10:00:00Z", "departed": "2021-02-01T12:00:00Z",
        "findings": [{"item": "canister-count", "category": "conforming"}]})
    assert log.replayer.state.inspections["k1"].defaulted == ("RU",)
    assert log.status("ru-moratorium-europe") == "unverified"


def test_host_countersigns_with_dissent(log: Log) -> None:
    request(log, "k1", "2021-02-01T08:00:00Z")
    seq = log.add("NATO", "inspection-report", "2021-02-02", {
        "inspection": "k1", "arrived": "2021-02-01T10:00:00Z", "departed": "2021-02-01T12:00:00Z",
        "findings": [{"item": "canister-count", "category": "ambiguity", "system": "9m729"}]})
    with pytest.raises(InputError, match="only the host countersigns"):
        log.add("NATO", "inspection-countersign", "2021-02-02", {"inspection": "k1", "report": seq})
    log.add("RU", "inspection-countersign", "2021-02-02", {"inspection": "k1", "report": seq,
                                                           "dissent": "these are 9M728 canisters"})
    assert log.replayer.state.inspections["k1"].dissent == "these are 9M728 canisters"
    # an ambiguous finding stays the inspector's allegation: each side reads it its own way
    assert log.verdict("ru-no-9m729-european-russia").perspectives == {"RU": "compliant", "NATO": "violation"}
    assert log.status("ru-no-9m729-european-russia") == "disputed"
