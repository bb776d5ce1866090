"""The node's HTTP API in process: signed writes, refusals as problem JSON, proofs, views, body limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moratorium.api.app import create_app
from moratorium.api.auth import sign_request
from moratorium.api.node import Node
from moratorium.ledger import rfc6962
from moratorium.ledger.checkpoint import open_checkpoint
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys

NOW = 1_750_000_000


@pytest.fixture(scope="module")
def keys() -> dict[str, PartyKey]:
    return demo_keys(load_scenario("history-2019-2026"))


@pytest.fixture()
def ru(tmp_path: Path, keys: dict[str, PartyKey]) -> Iterator[tuple[TestClient, Node]]:
    from moratorium.treaty import load_treaty

    node = Node(treaty=load_treaty("ru-2020-offer"), key=keys["RU"], db_url=str(tmp_path / "ru.sqlite"))
    app = create_app(node, clock=lambda: NOW, max_body_bytes=4096)
    with TestClient(app) as client:
        yield client, node
    node.close()


def _adoption(author: str = "RU", day: str = "2020-10-26") -> Entry:
    return Entry(author=author, kind="treaty-adoption", effective=day, recorded=day,
                 body={"treaty": "ru-2020-offer", "title": "offer"})


def _post(client: TestClient, key: PartyKey, payload: object, *, created: int = NOW,
          nonce: str | None = None) -> object:
    body = json.dumps(payload).encode()
    headers = sign_request(key, "POST", "/v1/entries", body, created=created, nonce=nonce)
    return client.post("/v1/entries", content=body, headers={**headers, "Content-Type": "application/json"})


def test_signed_append_then_proofs_verify(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, _ = ru
    signed = sign_entry(_adoption(), keys["RU"])
    r = _post(client, keys["RU"], signed.to_json())
    assert r.status_code == 201, r.text
    assert r.json()["seq"] == 0
    cp = client.get("/v1/checkpoint").json()
    checkpoint = open_checkpoint(cp["note"], keys["RU"].public)
    assert checkpoint.size == 1
    proof = client.get("/v1/logs/RU/proofs/inclusion", params={"index": 0}).json()
    rfc6962.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), 0, 1, [bytes.fromhex(h) for h in proof["proof"]],
                             checkpoint.root)
    entries = client.get("/v1/logs/RU/entries").json()["entries"]
    assert entries[0]["entry"]["kind"] == "treaty-adoption"
    verdicts = client.get("/v1/state/verdicts").json()["verdicts"]
    assert {v["party"] for v in verdicts} == {"RU", "NATO"}
    assert any(ev == {"party": "RU", "seq": 0, "kind": "treaty-adoption", "effective": "2020-10-26",
                      "summary": "offer"} for v in verdicts for ev in v["evidence"])


def test_unsigned_write_is_401_problem(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    r = client.post("/v1/entries", json=sign_entry(_adoption(), keys["RU"]).to_json())
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401
    assert node.own.size == 0


def test_wrong_party_is_403(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    nato_entry = sign_entry(_adoption("NATO"), keys["NATO"])
    # NATO is unknown to a fresh RU node: its key is not pinned yet, so the signature cannot be checked.
    assert _post(client, keys["NATO"], nato_entry.to_json()).status_code == 401
    # RU signs the request but relays an entry authored by NATO: a party may only author its own entries.
    assert _post(client, keys["RU"], nato_entry.to_json()).status_code == 403
    node.pin_peer_key(keys["NATO"].public)
    assert _post(client, keys["NATO"], nato_entry.to_json()).status_code == 403
    assert node.own.size == 0


def test_replayed_request_and_entry_refused(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    payload = sign_entry(_adoption(), keys["RU"]).to_json()
    assert _post(client, keys["RU"], payload, nonce="n" * 20).status_code == 201
    assert _post(client, keys["RU"], payload, nonce="n" * 20).status_code == 401
    assert _post(client, keys["RU"], payload).status_code == 409
    assert _post(client, keys["RU"], payload, created=NOW - 3600).status_code == 401
    assert node.own.size == 1


def test_tampered_body_and_bad_signature(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    payload = sign_entry(_adoption(), keys["RU"]).to_json()
    body = json.dumps(payload).encode()
    headers = sign_request(keys["RU"], "POST", "/v1/entries", body, created=NOW)
    tampered = body.replace(b"2020-10-26", b"2020-10-27", 1)
    assert client.post("/v1/entries", content=tampered, headers=headers).status_code == 401
    sig = payload["signature"]
    forged = dict(payload, signature=("B" if sig[0] == "A" else "A") + sig[1:])
    assert _post(client, keys["RU"], forged).status_code == 400
    assert node.own.size == 0


@pytest.mark.parametrize("payload", [[], {"entry": {}}, {"entry": 1, "signature": "x"}, "text",
                                     {"entry": {"author": "RU", "kind": "nonsense", "effective": "2020",
                                                "recorded": "2020", "body": {}}, "signature": "A" * 88}])
def test_malformed_body_is_4xx_problem(ru: tuple[TestClient, Node], keys: dict[str, PartyKey],
                                       payload: object) -> None:
    client, node = ru
    r = _post(client, keys["RU"], payload)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["title"]
    assert node.own.size == 0


def test_unknown_kind_refused_before_append(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    entry = Entry(author="RU", kind="launch-party", effective="2021-01-01", recorded="2021-01-01", body={})
    r = _post(client, keys["RU"], sign_entry(entry, keys["RU"]).to_json())
    assert r.status_code == 422
    assert r.json()["field"] == "kind"
    assert node.own.size == 0


def test_body_size_limit_413(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    big = {"title": "x" * 10_000, "treaty": "ru-2020-offer"}
    entry = Entry(author="RU", kind="treaty-adoption", effective="2020-10-26", recorded="2020-10-26", body=big)
    r = _post(client, keys["RU"], sign_entry(entry, keys["RU"]).to_json())
    assert r.status_code == 413
    assert r.json()["status"] == 413
    assert node.own.size == 0


def test_reads_need_no_key_and_errors_are_problems(ru: tuple[TestClient, Node]) -> None:
    client, _ = ru
    assert client.get("/v1/treaty").json()["id"] == "ru-2020-offer"
    assert "sites" in client.get("/v1/catalog").json()
    assert client.get("/v1/logs/XX/entries").status_code == 404
    assert client.get("/v1/logs/RU/entries", params={"start": 5}).status_code == 422
    assert client.get("/v1/logs/RU/proofs/inclusion", params={"index": 0}).status_code == 422
    countries = client.get("/v1/geo/countries").json()
    assert len(countries["features"]) > 150
    zones = client.get("/v1/geo/zones").json()
    assert {f["properties"]["id"] for f in zones["features"]} >= {"european-russia", "europe"}
    reach = client.get("/v1/reach", params={"site": "chernyakhovsk", "range_km": 500}).json()
    assert any(h["name"] == "Warsaw" for h in reach["hits"])
    assert client.get("/v1/reach", params={"site": "nowhere-at-all"}).status_code in (404, 422)
    assert client.get("/v1/inspections").json()["rights"]
    assert client.get("/ui/index.html").status_code == 200


def test_inspection_planner_shows_quota_and_the_joint_draw(ru: tuple[TestClient, Node],
                                                           keys: dict[str, PartyKey]) -> None:
    """NATO's side arrives through its mirror (as sync would deliver it); the view re-derives the draw."""
    from moratorium.regime import selection

    client, node = ru
    nato = node.mirrors["NATO"]
    nato.register_key(keys["NATO"].public)

    def nonce(party: str) -> bytes:
        return bytes([len(party)]) * 32

    def ru_entry(kind: str, when: str, body: dict[str, object]) -> None:
        r = _post(client, keys["RU"], sign_entry(Entry(author="RU", kind=kind, effective=when, recorded=when,
                                                        body=body), keys["RU"]).to_json())
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]

    def nato_entry(kind: str, when: str, body: dict[str, object]) -> None:
        nato.append(sign_entry(Entry(author="NATO", kind=kind, effective=when, recorded=when, body=body),
                               keys["NATO"]))
        node.forget_view()

    ru_entry("treaty-adoption", "2021-01-01", {"treaty": "ru-2020-offer"})
    nato_entry("treaty-adoption", "2021-01-01", {"treaty": "ru-2020-offer"})
    ru_entry("declaration", "2021-01-02", {"holdings": [{"site": "chernyakhovsk",
                                                          "items": [{"system": "9m728", "count": 6}]}]})
    nato_entry("inspection-request", "2021-02-01T08:00:00Z", {"id": "k1", "type": "kaliningrad-visit",
                                                              "inspected": "RU", "site": "chernyakhovsk",
                                                              "sample": 2})
    for party, add in (("NATO", nato_entry), ("RU", ru_entry)):
        add("nonce-commitment", "2021-02-01T08:30:00Z", {"inspection": "k1", "commitment": selection.commit(
            party=party, nonce=nonce(party), context="k1").hex()})
    planner = client.get("/v1/inspections").json()
    [nato_right] = [r for r in planner["rights"] if r["inspector"] == "NATO"]
    assert (nato_right["quota_this_year"], nato_right["used_this_year"], nato_right["left_this_year"]) == (2, 1, 1)
    [record] = planner["inspections"]
    assert record["committed"] == ["NATO", "RU"] and record["drawn"] is None and record["units"] == 6
    for party, add in (("NATO", nato_entry), ("RU", ru_entry)):
        add("nonce-reveal", "2021-02-01T09:00:00Z", {"inspection": "k1", "nonce": nonce(party).hex()})
    nato_entry("inspection-report", "2021-02-01T21:00:00Z", {
        "inspection": "k1", "arrived": "2021-02-01T10:00:00Z", "departed": "2021-02-01T20:00:00Z",
        "findings": [{"item": "canister-count", "category": "conforming"}]})
    [record] = client.get("/v1/inspections").json()["inspections"]
    seed = selection.seed(nonces={p: nonce(p) for p in ("NATO", "RU")},
                          checkpoint_root=bytes.fromhex(record["draw_root"]),
                          checkpoint_size=record["draw_size"], context="k1")
    assert record["drawn"] == [f"canister-{i + 1}" for i in selection.draw_indices(seed, 2, 6)]
    assert record["report"]["party"] == "NATO"


def test_adoption_of_another_treaty_text_is_a_4xx_problem_naming_both_hashes(
        ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    client, node = ru
    wrong = "0" * 64
    entry = Entry(author="RU", kind="treaty-adoption", effective="2020-10-26", recorded="2020-10-26",
                  body={"treaty": "ru-2020-offer", "treaty_sha256": wrong})
    r = _post(client, keys["RU"], sign_entry(entry, keys["RU"]).to_json())
    assert 400 <= r.status_code < 500, r.text
    problem = r.json()
    assert wrong in problem["detail"] and node.treaty.sha256 in problem["detail"]
    assert client.get("/v1/checkpoint").json()["size"] == 0  # nothing written
