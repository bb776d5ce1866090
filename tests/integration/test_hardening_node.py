"""Issue 14, items 2 and 5: what a hostile peer or caller can do to a node, each now a 4xx (never a 500)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moratorium.api import app as app_module
from moratorium.api.app import create_app
from moratorium.api.auth import sign_request
from moratorium.api.node import Node
from moratorium.errors import InputError
from moratorium.ledger.checkpoint import Checkpoint, sign_checkpoint
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys
from moratorium.treaty import load_treaty

NOW = 1_750_000_000
RU_HOST = "ru.example:8000"


@pytest.fixture(scope="module")
def keys() -> dict[str, PartyKey]:
    return demo_keys(load_scenario("history-2019-2026"))


@pytest.fixture()
def node(tmp_path: Path, keys: dict[str, PartyKey]) -> Iterator[Node]:
    n = Node(treaty=load_treaty("ru-2020-offer"), key=keys["RU"], db_url=str(tmp_path / "ru.sqlite"),
             peers=["http://127.0.0.1:9"])
    yield n
    n.close()


def _client(node: Node, *, clock: int = NOW, authorities: list[str] | None = None) -> TestClient:
    app = create_app(node, clock=lambda: clock, authorities=authorities)
    return TestClient(app, base_url=f"http://{RU_HOST}", raise_server_exceptions=False)


def _signed(key: PartyKey, path: str, body: bytes, *, created: int = NOW, authority: str = RU_HOST,
            nonce: str | None = None) -> dict[str, str]:
    return {**sign_request(key, "POST", path, body, created=created, authority=authority, nonce=nonce),
            "Content-Type": "application/json"}


def _adoption(day: str = "2021-01-01") -> Entry:
    return Entry(author="RU", kind="treaty-adoption", effective=day, recorded=day, body={"treaty": "ru-2020-offer"})


@pytest.mark.parametrize("size", ["\u0663", "\u00b2", "1\u00b2", "9" * 40, "-1"])
def test_checkpoint_with_non_ascii_digit_in_size_is_4xx(node: Node, size: str) -> None:
    with _client(node) as client:
        note = f"moratorium.example/ru-2020-offer/NATO\n{size}\n{'A' * 43}=\n\n\u2014 NATO AAAAAAAA\n"
        r = client.post("/v1/checkpoints", json={"note": note})
        assert 400 <= r.status_code < 500, r.text
    with pytest.raises(Exception, match="malformed checkpoint"):
        Checkpoint.parse(f"o\n{size}\n{'A' * 43}=\n")


def test_cosignature_naming_unknown_signer_makes_no_outgoing_call(node: Node, keys: dict[str, PartyKey],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(app_module, "pin_peer_keys", lambda n, client: calls.append(client))
    mallory = PartyKey.derive("MALLORY", "x")
    with _client(node) as client:
        note = sign_checkpoint(Checkpoint(node.origin(), 0, bytes(32)), mallory)
        for _ in range(3):
            assert 400 <= client.post("/v1/cosignatures", json={"note": note}).status_code < 500
        assert calls == []
        # a treaty party whose key is not pinned yet: the node learns its peers' keys, at most once a minute
        nato = sign_checkpoint(Checkpoint(node.origin(), 0, bytes(32)), keys["NATO"])
        for _ in range(3):
            assert 400 <= client.post("/v1/cosignatures", json={"note": nato}).status_code < 500
        assert len(calls) == 1


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_signed_body_is_422(node: Node, keys: dict[str, PartyKey], depth: int) -> None:
    signed = sign_entry(_adoption(), keys["RU"]).to_json()
    text = json.dumps(signed)
    nested = "[" * depth + "]" * depth
    body = text.replace('"treaty": "ru-2020-offer"', f'"treaty": "ru-2020-offer", "x": {nested}').encode()
    with TestClient(create_app(node, clock=lambda: NOW, max_body_bytes=1 << 20), base_url=f"http://{RU_HOST}",
                    raise_server_exceptions=False) as client:
        r = client.post("/v1/entries", content=body, headers=_signed(keys["RU"], "/v1/entries", body))
        assert r.status_code == 422, r.text
    assert node.own.size == 0


def test_sync_signed_for_one_node_is_refused_at_another(node: Node, keys: dict[str, PartyKey],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(node, "peers", [])
    with _client(node, authorities=[RU_HOST]) as client:
        body = b"{}"
        ok = _signed(keys["RU"], "/v1/sync", body)
        assert client.post("/v1/sync", content=body, headers=ok).status_code == 200
        # captured at the NATO node: signed for nato.example, sent here with its Host, or with ours
        other = _signed(keys["RU"], "/v1/sync", body, authority="nato.example:8001")
        assert client.post("/v1/sync", content=body, headers=other).status_code == 401
        forged_host = {**other, "Host": "nato.example:8001"}
        r = client.post("/v1/sync", content=body, headers=forged_host)
        assert r.status_code == 401 and "not to this node" in r.json()["detail"]


def test_request_replayed_after_restart_is_refused(node: Node, keys: dict[str, PartyKey]) -> None:
    body = json.dumps(sign_entry(_adoption(), keys["RU"]).to_json()).encode()
    headers = _signed(keys["RU"], "/v1/entries", body, created=NOW - 5, nonce="n" * 20)
    with _client(node, clock=NOW - 5) as client:
        assert client.post("/v1/entries", content=body, headers=headers).status_code == 201
        assert client.post("/v1/entries", content=body, headers=headers).status_code == 401
    node.own.close()
    with _client(node, clock=NOW) as client:  # the node restarted: its nonce memory is gone
        r = client.post("/v1/entries", content=body, headers=headers)
        assert r.status_code == 401 and "before this node started" in r.json()["detail"]


@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded", None])
def test_entries_with_another_content_type_is_415(node: Node, keys: dict[str, PartyKey], media: str | None) -> None:
    body = json.dumps(sign_entry(_adoption(), keys["RU"]).to_json()).encode()
    headers = _signed(keys["RU"], "/v1/entries", body)
    if media is None:
        del headers["Content-Type"]
    else:
        headers["Content-Type"] = media
    with _client(node) as client:
        assert client.post("/v1/entries", content=body, headers=headers).status_code == 415
    assert node.own.size == 0


def test_treaty_view_does_not_expose_the_server_path(node: Node) -> None:
    with _client(node) as client:
        r = client.get("/v1/treaty")
        assert r.status_code == 200
        assert "path" not in r.json() and str(Path.cwd()) not in r.text and "/site-packages/" not in r.text


def test_float_that_cannot_be_read_back_is_refused_and_entries_stay_readable(node: Node,
                                                                            keys: dict[str, PartyKey]) -> None:
    good = sign_entry(_adoption(), keys["RU"])
    with _client(node) as client:
        body = json.dumps(good.to_json()).encode()
        assert client.post("/v1/entries", content=body, headers=_signed(keys["RU"], "/v1/entries", body)).status_code \
            == 201
        bad = json.loads(body)
        bad["entry"]["kind"] = "declaration-commitment"  # an opaque body: any JSON value
        bad["entry"]["body"] = {"root": "00", "yield": 1e16}
        raw = json.dumps(bad).encode()
        r = client.post("/v1/entries", content=raw, headers=_signed(keys["RU"], "/v1/entries", raw))
        assert r.status_code in (400, 422) and "2**53" in r.json()["detail"]
        assert client.get("/v1/entries").status_code == 200
        assert client.get("/v1/state/verdicts").status_code == 200


def test_key_file_with_newline_in_party_id_is_refused(tmp_path: Path) -> None:
    key = PartyKey.derive("RU", "k")
    obj = {**key.to_json(), "party": "RU\n\u2014 NATO AAAA"}
    (tmp_path / "k.json").write_text(json.dumps(obj))
    with pytest.raises(InputError, match="party id"):
        PartyKey.load(tmp_path / "k.json")


def test_serve_warns_on_a_world_readable_key_file(tmp_path: Path) -> None:
    key = PartyKey.derive("RU", "k")
    key.save(tmp_path / "ru.key")
    os.chmod(tmp_path / "ru.key", 0o644)
    code = "from moratorium.cli import main; main()"
    r = subprocess.run([sys.executable, "-c", code, "serve", "--party", "RU", "--key", str(tmp_path / "ru.key"),
                        "--db", str(tmp_path / "x.sqlite"), "--treaty", "no-such-treaty"],
                       capture_output=True, text=True, timeout=120, check=False)
    assert "warning:" in r.stderr and "readable by other users" in r.stderr and "chmod 600" in r.stderr
    assert r.returncode == 2 and "Traceback" not in r.stderr
