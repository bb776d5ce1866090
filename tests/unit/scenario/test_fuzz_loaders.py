"""Fuzz the treaty and scenario loaders: any text gives a treaty, a scenario or an InputError — never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moratorium.errors import InputError
from moratorium.scenario import load_scenario
from moratorium.treaty import load_treaty_text

SHIPPED = (Path(__file__).parents[3] / "src/moratorium/treaty/data/ru-2020-offer.yaml").read_text()
SCENARIO = (Path(__file__).parents[3] / "src/moratorium/scenario/data/history-2019-2026.yaml").read_text()

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                  st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=4)), max_leaves=12)


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "truncate", "garble", "duplicate"]))
        if action == "delete":
            del lines[i]
        elif action == "truncate":
            lines[i] = lines[i][: data.draw(st.integers(0, max(0, len(lines[i]))))]
        elif action == "garble":
            lines[i] = lines[i] + data.draw(st.text(alphabet=":-[]{}'\"#&*!|>% \tab1", max_size=6))
        else:
            lines.insert(i, lines[i])
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_treaty_files_never_crash(data: st.DataObject) -> None:
    text = _mutate(SHIPPED, data)
    try:
        load_treaty_text(text, label="fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml")


@settings(max_examples=150, deadline=None)
@given(yaml_values)
def test_arbitrary_yaml_documents_never_crash(value: object) -> None:
    import yaml

    try:
        load_treaty_text(yaml.safe_dump(value), label="v.yaml")
    except InputError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_scenarios_never_crash(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(_mutate(SCENARIO, data))
    try:
        load_scenario(str(path))
    except InputError as exc:
        assert str(exc).startswith(str(path))
