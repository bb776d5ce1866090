"""The record decides: treaty hashes pinned by adoption entries, claims as signed entries, readings, perspectives.

Every verdict here is computed only from signed entries (claims included) and the treaty whose hash the log pins.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rfc8785

from moratorium.errors import ConflictError, InputError, NotFoundError
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.regime.claims import catalog_entries, claims_digest
from moratorium.regime.compliance import evaluate, timeline
from moratorium.regime.sensitivity import sensitivity
from moratorium.regime.state import Replayer, TreatyMismatchError
from moratorium.treaty import load_treaty, load_treaty_text
from moratorium.treaty.readings import resolve

TREATY = load_treaty("ru-2020-offer")
KEYS = {p: PartyKey.derive(p, "record") for p in ("RU", "NATO")}
SHIPPED = Path(__file__).resolve().parents[3] / "src/moratorium/treaty/data/ru-2020-offer.yaml"


def _signed(author: str, kind: str, when: str, body: dict[str, object]):
    return sign_entry(Entry(author=author, kind=kind, effective=when, recorded=when, body=body), KEYS[author])


class Log:
    def __init__(self, treaty=TREATY) -> None:
        self.treaty = treaty
        self.replayer = Replayer(treaty)
        self.entries: list = []

    def add(self, author: str, kind: str, when: str, body: dict[str, object]) -> int:
        signed = _signed(author, kind, when, body)
        self.replayer.apply(len(self.entries), signed)
        self.entries.append(signed)
        return len(self.entries) - 1

    def claims(self, party: str, when: str, **kw) -> None:
        for e in catalog_entries(party, effective=when, **kw):
            self.add(party, "claim", when, e.body)

    def verdict(self, obligation: str, **kw):
        return next(v for v in evaluate(self.treaty, self.replayer.state, **kw) if v.obligation == obligation)


def _faz_log() -> Log:
    log = Log()
    log.claims("RU", "2020-10-01")
    log.claims("NATO", "2020-10-01", claimants={"US", "FAZ"})
    log.add("NATO", "observation", "2020-10-02", {"party": "RU", "site": "shuya", "source": "FAZ",
                                                 "confidence": "medium", "items": [{"system": "9m729"}]})
    log.add("RU", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id, "treaty_sha256": TREATY.sha256})
    return log


# --- content-addressed treaties -------------------------------------------------------------------------------

def test_treaty_hash_is_the_rfc8785_form_of_the_validated_model_not_of_the_bytes() -> None:
    text = SHIPPED.read_text()
    restyled = "# a new comment\n" + text.replace("\nname: ", "\n# moved\nname: ")
    assert load_treaty_text(restyled, label="x.yaml").sha256 == TREATY.sha256
    changed = text.replace("per_year: 2", "per_year: 3", 1)
    assert load_treaty_text(changed, label="x.yaml").sha256 != TREATY.sha256
    import yaml

    from moratorium.treaty._load import canonical_sha256
    from moratorium.treaty._schema import TreatyFile

    doc = TreatyFile.model_validate(yaml.safe_load(text))
    expected = hashlib.sha256(rfc8785.dumps(doc.model_dump(mode="json", by_alias=True))).hexdigest()
    assert canonical_sha256(doc) == expected == TREATY.sha256


def test_treaty_hash_mismatch_is_refused_naming_both_hashes() -> None:
    other = load_treaty_text(SHIPPED.read_text().replace("per_year: 2", "per_year: 3", 1), label="edited.yaml")
    log = Log(treaty=other)
    with pytest.raises(TreatyMismatchError) as err:
        log.add("RU", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id, "treaty_sha256": TREATY.sha256})
    assert TREATY.sha256 in str(err.value) and other.sha256 in str(err.value)
    assert err.value.seq == 0 and err.value.field == "body.treaty_sha256"


# --- claims ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field", "message"), [
    ({"interval": [600, 500]}, "body", "empty interval"),
    ({"interval": [500]}, "body", "[low, high]"),
    ({"interval": [-5, 10]}, "body", ">= 0"),
    ({"value": 500, "interval": [400, 600]}, "body", "not both"),
    ({"subject": "no-such-system"}, "body.subject", "unknown system"),
])
def test_bad_claim_entries_are_refused_naming_seq_and_field(body, field, message) -> None:
    log = Log()
    base = {"id": "t", "subject": "9m729", "attribute": "range_km", "value": 500, "claimant": "RU",
            "source": {"title": "test"}}
    merged = {k: v for k, v in {**base, **body}.items()}
    if "interval" in body and "value" not in body:
        merged.pop("value")
    with pytest.raises(InputError, match=message) as err:
        log.add("RU", "claim", "2020-01-01", merged)
    assert err.value.seq == 0 and (err.value.field or "").startswith(field)
    assert log.replayer.state.claims == {} and log.replayer.state.size == 0  # nothing changed


def test_only_a_signer_may_retract_and_a_changed_claim_under_an_old_key_is_refused() -> None:
    log = Log()
    log.claims("RU", "2020-01-01", only={"9m729/ru-mod"})
    with pytest.raises(InputError, match="only a party that signed"):
        log.add("NATO", "claim-retraction", "2020-01-02", {"claim": "9m729/ru-mod"})
    with pytest.raises(NotFoundError):
        log.add("RU", "claim-retraction", "2020-01-02", {"claim": "9m729/nothing"})
    body = dict(catalog_entries("RU", effective="2020-01-02", only={"9m729/ru-mod"})[0].body, value=490.0)
    with pytest.raises(ConflictError, match="different content"):
        log.add("RU", "claim", "2020-01-02", body)
    with pytest.raises(ConflictError, match="already signed"):
        log.claims("RU", "2020-01-02", only={"9m729/ru-mod"})
    # NATO endorsing the identical claim adds an endorsement
    log.claims("NATO", "2020-01-02", only={"9m729/ru-mod"})
    assert set(log.replayer.state.claims["9m729/ru-mod"].endorsers) == {"RU", "NATO"}
    log.add("RU", "claim-retraction", "2020-01-03", {"claim": "9m729/ru-mod"})
    assert set(log.replayer.state.claims["9m729/ru-mod"].endorsers) == {"NATO"}


def test_verdicts_count_only_claims_in_the_log() -> None:
    log = Log()
    log.add("NATO", "observation", "2020-10-02", {"party": "RU", "site": "shuya", "source": "FAZ",
                                                 "confidence": "medium", "items": [{"system": "9m729"}]})
    log.add("RU", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id})
    v = log.verdict("ru-moratorium-europe")
    # no range claim at all in the record: NATO's own allegation cannot be classified -> unverified, not violation
    assert v.perspectives == {"RU": "compliant", "NATO": "unverified"}
    assert ("missing-claim", "9m729") in {(d.kind, d.subject) for d in v.depends_on}


def test_faz_battalions_are_disputed_compliant_by_ru_violation_by_nato() -> None:
    v = _faz_log().verdict("ru-moratorium-europe")
    assert v.status == "disputed"
    assert v.perspectives == {"RU": "compliant", "NATO": "violation"}
    assert v.basis == "no-evidence"  # Russia's compliant view: nothing it declared, nothing inspected


def test_a_signed_claim_change_flips_the_verdict() -> None:
    log = _faz_log()
    assert log.verdict("ru-moratorium-europe").status == "disputed"
    # NATO retracts every 9M729 range figure it had signed: silent, it reads the record's (Russia's 480 km)
    for key in [k for k, r in log.replayer.state.claims.items() if k.startswith("9m729/") and "NATO" in r.endorsers
                and r.body.attribute == "range_km"]:
        log.add("NATO", "claim-retraction", "2020-11-01", {"claim": key})
    v = log.verdict("ru-moratorium-europe")
    assert v.status == "compliant" and v.perspectives == {"RU": "compliant", "NATO": "compliant"}


def test_same_record_same_claims_digest() -> None:
    a, b = _faz_log(), _faz_log()
    assert claims_digest(a.replayer.state.claims) == claims_digest(b.replayer.state.claims)
    b.add("RU", "claim-retraction", "2020-11-01", {"claim": "9m729/ru-mod"})
    assert claims_digest(a.replayer.state.claims) != claims_digest(b.replayer.state.claims)


# --- readings -------------------------------------------------------------------------------------------------

def test_unknown_reading_or_value_is_refused() -> None:
    with pytest.raises(InputError, match="unknown reading"):
        resolve(TREATY, {"no_such": "x"})
    with pytest.raises(InputError, match="admits trigger=until\\|while") as err:
        resolve(TREATY, {"trigger": "sometimes"})
    assert err.value.field == "reading.trigger"


def test_treaty_file_readings_are_checked_with_file_and_line() -> None:
    bad = SHIPPED.read_text().replace("  trigger:\n    default: until", "  trigger:\n    default: never", 1)
    with pytest.raises(InputError, match="default 'never'") as err:
        load_treaty_text(bad, label="bad.yaml")
    assert err.value.file == "bad.yaml" and err.value.line is not None


def _luzon_log() -> Log:
    log = Log()
    log.claims("NATO", "2020-10-01", claimants={"US"})
    log.claims("NATO", "2020-10-01", claimants={"press"}, only={"tomahawk/press"})
    log.add("RU", "declaration", "2020-10-02", {"statement": "moratorium"})
    log.add("RU", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id})
    log.add("NATO", "deployment", "2024-04-11", {"site": "laoag", "operator": "USA",
                                                "items": [{"launcher": "typhon"}, {"system": "tomahawk"}]})
    log.add("NATO", "withdrawal", "2024-09-01", {"site": "laoag"})
    return log


def test_trigger_until_ends_the_pledge_for_good_while_resumes_it() -> None:
    log = _luzon_log()
    assert log.verdict("ru-moratorium-asia").status == "suspended"  # default: until
    assert log.verdict("ru-moratorium-asia", readings={"trigger": "while"}).status == "compliant"
    report = sensitivity(TREATY, log.entries)
    flips = report.flips[("RU", "ru-moratorium-asia")]
    assert any(f.reading == "trigger" and f.value == "while" and f.status == "compliant" for f in flips)


def test_launcher_counts_decides_whether_a_launcher_alone_meets_the_condition() -> None:
    log = Log()
    log.claims("RU", "2020-10-01")
    log.claims("NATO", "2020-10-01", claimants={"US"})
    log.claims("NATO", "2020-10-01", claimants={"press"}, only={"tomahawk/press"})
    log.add("RU", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id})
    log.add("NATO", "deployment", "2021-01-01", {"site": "deveselu", "operator": "USA",
                                                "items": [{"launcher": "mk41-aegis-ashore", "count": 3}]})
    assert log.verdict("ru-moratorium-europe").status == "compliant"
    v = log.verdict("ru-moratorium-europe", readings={"launcher_counts": "launcher"})
    # Russia claims the Mk-41 ashore can fire Tomahawk; the US denies it
    assert v.perspectives == {"RU": "suspended", "NATO": "compliant"} and v.status == "disputed"


def test_territory_reading_decides_crimea() -> None:
    log = Log()
    log.claims("RU", "2020-10-01")
    log.add("RU", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id})
    log.add("NATO", "treaty-adoption", "2020-10-26", {"treaty": TREATY.id})
    # a point in Crimea, as a gazetteer under Russia's administration would file it (country RUS, UA-43)
    crimea = {"name": "Dzhankoi", "country": "RUS", "subject": "UA-43", "lat": 45.71, "lon": 34.39}
    log.add("RU", "deployment", "2021-01-01", {"site": crimea, "items": [{"system": "9m729"}]})
    pledge = "ru-no-9m729-european-russia"  # names the 9M729 whatever its range
    assert log.verdict(pledge).status == "compliant"  # de jure: Crimea is Ukraine's, not European Russia
    assert log.verdict(pledge, readings={"territory": "de-facto"}).status == "violation"
    flips = sensitivity(TREATY, log.entries).flips[("RU", pledge)]
    assert ("territory", "de-facto", "violation") in {(f.reading, f.value, f.status) for f in flips}


def test_asia_pacific_russia_reading_keeps_kamyshlov_out_by_default() -> None:
    from moratorium.treaty.readings import apply_readings
    from moratorium.treaty.zones import Place, in_zone

    kamyshlov = Place(country="RUS", subject="RU-SVE", lat=56.85, lon=62.71)
    vladivostok = Place(country="RUS", subject="RU-PRI", lat=43.12, lon=131.89)
    zone_id = "asia-pacific"
    default = apply_readings(TREATY, resolve(TREATY))
    asian = apply_readings(TREATY, resolve(TREATY, {"asia_pacific_russia": "asian"}))
    assert not in_zone(kamyshlov, default.zone(zone_id), default)
    assert in_zone(vladivostok, default.zone(zone_id), default)
    assert in_zone(kamyshlov, asian.zone(zone_id), asian)


def test_conditional_pledge_needs_the_other_party_or_an_assumption() -> None:
    log = _faz_log()
    assert log.verdict("ru-no-9m729-european-russia").status == "not-in-force"
    assumed = log.verdict("ru-no-9m729-european-russia", assume_adopted=("NATO",))
    assert assumed.status == "disputed" and assumed.perspectives == {"RU": "compliant", "NATO": "violation"}


def test_timeline_changes_carry_perspectives_and_basis() -> None:
    log = _faz_log()
    steps, verdicts = timeline(TREATY, log.entries)
    change = next(c for s in steps for c in s.to_json()["changes"] if c["obligation"] == "ru-moratorium-europe"
                  and c["to"] == "disputed")
    assert change["perspectives"] == {"RU": "compliant", "NATO": "violation"} and change["basis"] == "no-evidence"
    final = next(v.to_json() for v in verdicts if v.obligation == "ru-moratorium-europe")
    assert set(final) >= {"party", "obligation", "status", "evidence", "depends_on", "reason", "perspectives",
                          "basis", "readings"}
    assert final["readings"]["trigger"] == "until"


def test_crimea_point_filed_under_russia_counts_as_ukraine_de_jure() -> None:
    """Regression: a point in Crimea that a gazetteer files as RUS (UA-43) counted as European Russia under the
    de jure reading, and dropped out of the 'europe' zone that lists Ukraine."""
    from moratorium.treaty.readings import apply_readings
    from moratorium.treaty.zones import Place, in_zone

    place = Place(country="RUS", subject="UA-43", lat=45.0, lon=34.1)
    de_jure = apply_readings(TREATY, resolve(TREATY))
    de_facto = apply_readings(TREATY, resolve(TREATY, {"territory": "de-facto"}))
    assert not in_zone(place, de_jure.zone("european-russia"), de_jure)
    assert in_zone(place, de_facto.zone("european-russia"), de_facto)
    assert in_zone(place, de_jure.zone("europe"), de_jure)  # as Ukraine
    assert in_zone(place, de_facto.zone("europe"), de_facto)  # as European Russia
