"""The regime and scenario modules import each other in one direction only (issue 14, "Structure"): the cycles
``regime.state`` <-> ``regime.inspections`` <-> ``regime.kinds`` and ``scenario.run`` <-> ``scenario.report`` were
hidden by function-level imports. This test reads every import, at any level (``TYPE_CHECKING`` blocks aside)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[2] / "src"


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        out |= {n for n in names if n in known}
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in (SRC / "moratorium").rglob("*.py")}
    return {m: _imports(p, set(files)) - {m} for m, p in files.items()}


def _reaches(graph: dict[str, set[str]], a: str, b: str) -> bool:
    seen, todo = set(), [a]
    while todo:
        m = todo.pop()
        if m == b:
            return True
        if m not in seen:
            seen.add(m)
            todo.extend(graph.get(m, ()))
    return False


def test_regime_state_inspections_kinds_do_not_import_each_other_in_a_circle() -> None:
    graph = _graph()
    mods = ["moratorium.regime.state", "moratorium.regime.inspections", "moratorium.regime.kinds"]
    for a in mods:
        for b in mods:
            if a != b:
                assert not (_reaches(graph, a, b) and _reaches(graph, b, a)), (a, b)


def test_scenario_run_and_report_do_not_import_each_other_in_a_circle() -> None:
    graph = _graph()
    a, b = "moratorium.scenario.run", "moratorium.scenario.report"
    assert not (_reaches(graph, a, b) and _reaches(graph, b, a))
