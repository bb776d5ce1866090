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
