"""``moratorium assure`` end to end, with ``moratorium.cli.main`` semantics (one-line errors, exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """Run ``moratorium.cli.main`` in-process as the console script would; return (exit code, stdout, stderr)."""
    from moratorium.cli import main

    monkeypatch.setattr(sys, "argv", ["moratorium", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_detect_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "assure",
        "detect",
        "--population",
        "100",
        "--defects",
        "5",
        "--sample",
        "10",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["detection_probability"] == pytest.approx(0.41625, abs=5e-6)


def test_detect_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "assure", "detect", "-N", "24", "-r", "1", "-n", "2")
    assert code == 0
    assert "0.083333" in out


def test_sample_size_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "assure",
        "sample-size",
        "--population",
        "100",
        "--defects",
        "10",
        "--confidence",
        "0.95",
        "--format",
        "json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["sample_size"] == 25
    assert payload["iaea_approximation"] == 26
    assert payload["iaea_formula"] == pytest.approx(25.89, abs=5e-3)


@pytest.mark.parametrize(
    "args",
    [
        ("detect", "--population", "10", "--defects", "11", "--sample", "2"),
        ("detect", "--population", "10", "--defects", "1", "--sample", "11"),
        ("detect", "--population", "10.5", "--defects", "1", "--sample", "2"),
        ("detect", "--population", "ten", "--defects", "1", "--sample", "2"),
        ("sample-size", "--population", "10", "--defects", "1", "--confidence", "1"),
        ("sample-size", "--population", "10", "--defects", "1", "--confidence", "0"),
        ("sample-size", "--population", "10", "--defects", "1", "--confidence", "-0.5"),
        ("sample-size", "--population", "10", "--defects", "1", "--confidence", "high"),
        ("sample-size", "--population", "10", "--defects", "0", "--confidence", "0.9"),
        ("game", "--class", "a:0", "--quota", "1"),
        ("game", "--class", "a", "--quota", "1"),
        ("game", "--class", "a:2", "--quota", "-1"),
        ("regime", "ru-2020-offer", "--years", "0", "--trials", "10"),
        ("regime", "ru-2020-offer", "--years", "2", "--trials", "1.5"),
        ("regime", "no-such-treaty", "--years", "2", "--trials", "10"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, monkeypatch, "assure", *args)
    assert code == 2, (out, err)
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=8), st.text(max_size=8), st.text(max_size=8))
def test_fuzzed_detect_never_tracebacks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, n: str, r: str, sample: str
) -> None:
    code, _, err = run(
        capsys, monkeypatch, "assure", "detect", "--population", n, "--defects", r, "--sample", sample
    )
    assert code in (0, 2)
    assert "Traceback" not in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(-3, 30), st.integers(-3, 30), st.one_of(st.floats(allow_nan=True), st.text(max_size=6)))
def test_fuzzed_sample_size_never_tracebacks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, n: int, r: int, confidence: object
) -> None:
    code, out, err = run(
        capsys,
        monkeypatch,
        "assure",
        "sample-size",
        "--population",
        str(n),
        "--defects",
        str(r),
        "--confidence",
        str(confidence),
        "--format",
        "json",
    )
    assert code in (0, 2)
    if code == 0:
        assert 0 <= json.loads(out)["sample_size"] <= n
    else:
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_game_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "assure",
        "game",
        "--class",
        "a:4",
        "--class",
        "b:4",
        "--quota",
        "1",
        "--format",
        "json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["classes"][0]["deterrence_threshold"] == pytest.approx(0.2)
    zero_sum = payload["solutions"][0]
    assert zero_sum["version"] == "zero-sum"
    assert zero_sum["inspections"] == pytest.approx({"a": 0.5, "b": 0.5})
    assert payload["solutions"][1]["version"] == "inspector-leadership"


def test_regime_json_cross_checks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "assure",
        "regime",
        "inf-1987",
        "--years",
        "13",
        "--trials",
        "20000",
        "--seed",
        "1",
        "--sites",
        "6",
        "--format",
        "json",
    )
    assert code == 0
    payload = json.loads(out)
    assert sum(payload["quotas"]) == 185
    assert payload["seed"] == 1
    assert all(check["agrees"] for check in payload["cross_checks"])
    assert sum(payload["detected_by_year"]) == pytest.approx(payload["detection_probability"] * 20000)


def test_regime_text_with_progress(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "assure",
        "regime",
        "ru-2020-offer",
        "--years",
        "3",
        "--trials",
        "5000",
        "--seed",
        "2",
        "--items",
        "24",
        "--checked",
        "4",
        "--dwell-days",
        "90",
    )
    assert code == 0
    assert "time to detection" in out and "cross-check" in out


def test_console_script_exit_code() -> None:
    script = Path(sys.executable).with_name("moratorium")
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    done = subprocess.run(
        [str(script), "assure", "detect", "--population", "5", "--defects", "6", "--sample", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: defects: cannot exceed the population (5), got 6"


def test_regime_accepts_a_shipped_scenario_name(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("--years", "1", "--trials", "2000", "--seed", "3", "--format", "json")
    code, out, err = run(capsys, monkeypatch, "assure", "regime", "inspections-2021",
                         "--inspection", "kaliningrad-visit", *args)
    assert code == 0, err
    by_scenario = json.loads(out)
    code, out, _ = run(capsys, monkeypatch, "assure", "regime", "ru-2020-offer", "--inspection", "kaliningrad-visit",
                       *args)
    assert code == 0
    assert json.loads(out) == by_scenario  # the scenario stands for its treaty; same seed, same figures
