"""Property-based fuzzing of the node's OpenAPI spec with schemathesis: no input gives a server error (5xx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from moratorium.api.app import create_app
from moratorium.api.node import Node
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import sign_entry
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    scenario = load_scenario("history-2019-2026")
    keys = demo_keys(scenario)
    db = Path(tmp_path_factory.mktemp("schema")) / "ru.sqlite"
    node = Node(treaty=scenario.treaty, key=keys["RU"], db_url=str(db))
    for step in scenario.steps:
        if step.entry.author == "RU":
            node.append(sign_entry(step.entry, keys["RU"]))
    node.append(sign_entry(Entry(author="RU", kind="notification", effective="2026-01-01", recorded="2026-01-01",
                                 body={"event": "other", "text": "fuzz seed"}), keys["RU"]))
    app = create_app(node, clock=lambda: 1_750_000_000)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    node.close()


def test_no_server_errors(api_schema: object) -> None:
    """Every operation, up to 25 generated cases each; schemathesis' pytest plugin is not used (it does not run
    under this pytest), so the operations are driven through their Hypothesis strategies."""
    assert isinstance(api_schema, schemathesis.BaseSchema)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            calls.append(response.status_code)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"
            if response.status_code >= 400:
                content_type = str(response.headers.get("content-type", ""))
                assert "application/problem+json" in content_type, where

        check()
    assert len(calls) > 5 * len(operations)
    assert any(code < 300 for code in calls) and any(400 <= code < 500 for code in calls)
