"""Issue 14, item 1: one bad entry is a refusal of that entry, never of a regime view (API, replay, ``run``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moratorium.api.app import create_app
from moratorium.api.auth import sign_request
from moratorium.api.node import Node
from moratorium.api.view import build_view
from moratorium.errors import InputError
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.regime import kinds
from moratorium.regime.state import Replayer
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys
from moratorium.treaty import load_treaty

NOW = 1_750_000_000
EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]
VIEWS = ("/v1/state/verdicts", "/v1/state/entries", "/v1/inspections", "/v1/state/holdings", "/v1/geo/rings",
         "/v1/declarations", "/v1/state/timeline")


@pytest.fixture(scope="module")
def keys() -> dict[str, PartyKey]:
    return demo_keys(load_scenario("history-2019-2026"))


@pytest.fixture()
def ru(tmp_path: Path, keys: dict[str, PartyKey]) -> Iterator[tuple[TestClient, Node]]:
    node = Node(treaty=load_treaty("ru-2020-offer"), key=keys["RU"], db_url=str(tmp_path / "ru.sqlite"))
    app = create_app(node, clock=lambda: NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, node
    node.close()


def _adoption(author: str, day: str = "2021-01-01") -> Entry:
    return Entry(author=author, kind="treaty-adoption", effective=day, recorded=day,
                 body={"treaty": "ru-2020-offer"})


def _post_raw(client: TestClient, key: PartyKey, payload: object) -> int:
    body = json.dumps(payload).encode()
    headers = sign_request(key, "POST", "/v1/entries", body, created=NOW, authority="testserver")
    return client.post("/v1/entries", content=body,
                       headers={**headers, "Content-Type": "application/json"}).status_code


def _views_ok(client: TestClient) -> dict[str, object]:
    out = {}
    for path in VIEWS:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text)
        out[path] = r.json()
    return out


def test_entry_dated_feb_30_is_refused_and_views_survive(ru: tuple[TestClient, Node],
                                                         keys: dict[str, PartyKey]) -> None:
    client, node = ru
    good = sign_entry(_adoption("RU"), keys["RU"]).to_json()
    assert _post_raw(client, keys["RU"], good) == 201
    for bad_date in ("2021-02-30", "2020-13-45"):
        # sign the bad bytes by hand: Entry itself refuses the date, as every reader now does
        forged = json.loads(json.dumps(good))
        forged["entry"]["effective"] = bad_date
        assert _post_raw(client, keys["RU"], forged) in (400, 422)
    assert node.own.size == 1
    _views_ok(client)


def test_month_only_inspection_request_is_rejected_and_views_survive(ru: tuple[TestClient, Node],
                                                                     keys: dict[str, PartyKey]) -> None:
    client, node = ru
    node.pin_peer_key(keys["NATO"].public)
    node.mirrors["NATO"].append(sign_entry(_adoption("NATO"), keys["NATO"]))
    assert _post_raw(client, keys["RU"], sign_entry(_adoption("RU"), keys["RU"]).to_json()) == 201
    request = Entry(author="RU", kind="inspection-request", effective="2021-04", recorded="2021-04",
                    body={"id": "v1", "type": "aegis-ashore-visit", "inspected": "NATO", "site": "deveselu"})
    assert _post_raw(client, keys["RU"], sign_entry(request, keys["RU"]).to_json()) == 201
    node.forget_view()
    got = _views_ok(client)
    entries = got["/v1/state/entries"]["entries"]  # type: ignore[index]
    rejected = [e for e in entries if e["status"] == "rejected"]
    assert [e["kind"] for e in rejected] == ["inspection-request"]
    assert "a month is not allowed here" in rejected[0]["error"]
    assert got["/v1/inspections"]["inspections"] == []  # type: ignore[index]


def test_offset_times_out_of_text_order_replay_in_instant_order(keys: dict[str, PartyKey]) -> None:
    # 10:00+03:00 (07:00Z) then 08:00Z was refused as out of order when dates were compared as text
    treaty = load_treaty("ru-2020-offer")
    entries = [sign_entry(_adoption("RU", "2021-01-01T10:00+03:00"), keys["RU"]),
               sign_entry(Entry(author="RU", kind="notification", effective="2021-01-01T08:00Z",
                                recorded="2021-01-01T08:00Z", body={"event": "note"}), keys["RU"])]
    view = build_view(treaty, {"RU": entries, "NATO": []})
    assert [e.error for e in view.entries] == [None, None]
    assert view.state.now == "2021-01-01T08:00Z"


def test_unexpected_failure_of_one_entry_is_a_refusal_of_that_entry(keys: dict[str, PartyKey],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    treaty = load_treaty("ru-2020-offer")
    entries = [sign_entry(_adoption("RU"), keys["RU"]),
               sign_entry(Entry(author="RU", kind="notification", effective="2021-02-01", recorded="2021-02-01",
                                body={"event": "boom"}), keys["RU"])]
    real = kinds.parse_body

    def fragile(kind: str, body: object, *, seq: int | None = None) -> object:
        if kind == "notification":
            raise ZeroDivisionError("a bug in a body parser")
        return real(kind, body, seq=seq)  # type: ignore[arg-type]

    monkeypatch.setattr(kinds, "parse_body", fragile)
    with pytest.raises(InputError, match="entry 1: cannot be applied: ZeroDivisionError"):
        replayer = Replayer(treaty)
        for seq, signed in enumerate(entries):
            replayer.apply(seq, signed)
    view = build_view(treaty, {"RU": entries, "NATO": []})
    assert [e.error is None for e in view.entries] == [True, False]


@pytest.mark.parametrize("bad", ["2021-02-30", "'2021-02-30'", "2020-13-45"])
def test_run_with_feb_30_is_one_line_error_not_traceback(tmp_path: Path, bad: str) -> None:
    text = (Path(__file__).parents[2] / "src/moratorium/scenario/data/inspections-2021.yaml").read_text()
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("date: 2021-01-05", f"date: {bad}", 1))
    result = subprocess.run([*EXE, "run", str(path), "--out", str(tmp_path / "out")], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    line = text.splitlines().index(next(x for x in text.splitlines() if "date: 2021-01-05" in x)) + 1
    assert result.stderr.startswith(f"error: {path}:{line}: ") and result.stderr.count("\n") == 1


def test_timeline_is_kept_until_a_log_grows(ru: tuple[TestClient, Node], keys: dict[str, PartyKey]) -> None:
    """``/v1/state/timeline`` is computed once per state of the logs (it replays the whole record), and a new entry
    shows in the next answer."""
    client, node = ru
    assert _post_raw(client, keys["RU"], sign_entry(_adoption("RU"), keys["RU"]).to_json()) == 201
    first = client.get("/v1/state/timeline").json()
    assert client.get("/v1/state/timeline").json() == first
    assert len(first["timeline"]) == 1
    node.pin_peer_key(keys["NATO"].public)
    node.mirrors["NATO"].append(sign_entry(_adoption("NATO", "2021-02-01"), keys["NATO"]))
    node.forget_view()
    later = client.get("/v1/state/timeline").json()
    assert [(t["party"], t["seq"]) for t in later["timeline"]] == [("RU", 0), ("NATO", 0)]
