"""A node whose log and peer mirror live in PostgreSQL (a schema of its own, so other tests' tables are untouched)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from moratorium.api.app import create_app
from moratorium.api.node import Node
from moratorium.ledger.checkpoint import open_checkpoint
from moratorium.ledger.keys import sign_entry
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys

pytestmark = pytest.mark.postgres


def test_node_on_postgres_appends_checkpoints_and_mirrors(pg_url: str) -> None:
    schema = f"node_{uuid.uuid4().hex[:12]}"
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = pg_url + ("&" if "?" in pg_url else "?") + urlencode({"options": f"-csearch_path={schema}"})
    scenario = load_scenario("history-2019-2026")
    keys = demo_keys(scenario)
    node = Node(treaty=scenario.treaty, key=keys["RU"], db_url=url)
    try:
        node.pin_peer_key(keys["NATO"].public)
        for step in scenario.steps:
            signed = sign_entry(step.entry, keys[step.entry.author])
            (node.append if step.entry.author == "RU" else node.mirrors["NATO"].append)(signed)
        with TestClient(create_app(node)) as client:
            cp = open_checkpoint(client.get("/v1/checkpoint").json()["note"], keys["RU"].public)
            ours = sum(1 for step in scenario.steps if step.entry.author == "RU")  # its claims and its events
            assert cp.size == node.own.size == ours
            assert client.get("/v1/logs/NATO/entries").json()["size"] == len(scenario.steps) - ours
            assert len(client.get("/v1/state/verdicts").json()["verdicts"]) == 4
    finally:
        node.close()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text(f'DROP SCHEMA "{schema}_mirror_nato" CASCADE'))
        engine.dispose()
