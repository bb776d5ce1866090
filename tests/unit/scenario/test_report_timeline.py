"""The verdict timeline chart and the report's verdict table: lanes per (party, obligation) and perspective,
events linked to their entries, CSV export, and a graceful fallback when verdicts carry no perspectives."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from moratorium.scenario import _timeline

STEPS: list[dict[str, Any]] = [
    {"seq": 0, "date": "2020-10-26", "author": "RU", "kind": "treaty-adoption", "action": "RU adopts",
     "changes": [{"party": "RU", "obligation": "ban", "from": None, "to": "compliant", "evidence": [0]}]},
    {"seq": 3, "date": "2021-02", "author": "NATO", "kind": "observation", "action": "NATO alleges",
     "changes": [{"party": "RU", "obligation": "ban", "from": "compliant", "to": "unverified", "evidence": [3],
                  "perspectives": {"NATO": "violation", "RU": "compliant"}}]},
    {"seq": 5, "date": "2022-06-01", "author": "RU", "kind": "inspection-report", "action": "report",
     "changes": [{"party": "RU", "obligation": "ban", "from": "unverified", "to": "compliant", "evidence": [5],
                  "perspectives": {"NATO": "compliant", "RU": "compliant"}}]},
]


def test_lanes_split_by_perspective_only_where_views_differ() -> None:
    lanes = _timeline.lanes(STEPS)
    assert [(lane.party, lane.obligation, lane.perspective) for lane in lanes] == [
        ("RU", "ban", "NATO"), ("RU", "ban", "RU")]
    nato = lanes[0]
    assert [s.status for s in nato.spans] == ["compliant", "violation", "compliant"]
    assert [s.seq for s in nato.spans] == [0, 3, 5]
    assert nato.spans[1].start == dt.date(2021, 2, 1)  # month precision: the first of the month
    assert nato.spans[0].end == nato.spans[1].start and nato.spans[-1].end > dt.date(2022, 6, 1)
    assert [s.status for s in lanes[1].spans] == ["compliant", "compliant", "compliant"]


def test_lanes_without_perspectives_are_one_per_party_and_obligation() -> None:
    plain = [{**s, "changes": [{k: v for k, v in c.items() if k != "perspectives"} for c in s["changes"]]}
             for s in STEPS]
    lanes = _timeline.lanes(plain)
    assert len(lanes) == 1 and lanes[0].perspective is None
    assert [s.status for s in lanes[0].spans] == ["compliant", "unverified", "compliant"]


def test_svg_marks_and_links_every_event() -> None:
    svg = _timeline.timeline_svg(_timeline.lanes(STEPS), href=lambda span, lane: f"#entry-{span.seq}")
    assert svg.count('<a href="#entry-') == 6 and 'href="#entry-3"' in svg
    assert svg.count('class="span status-violation"') == 1
    assert "<script" not in svg


def test_csv_has_one_typed_row_per_change() -> None:
    rows = list(csv.DictReader(io.StringIO(_timeline.timeline_csv(STEPS))))
    assert [r["seq"] for r in rows] == ["0", "3", "5"]
    assert rows[1] == {"seq": "3", "date": "2021-02", "author": "NATO", "kind": "observation",
                       "action": "NATO alleges", "party": "RU", "obligation": "ban", "from": "compliant",
                       "to": "unverified", "evidence": "3"}


def test_png_is_a_png(tmp_path: Path) -> None:
    data = _timeline.timeline_png(_timeline.lanes(STEPS), tmp_path / "t.png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "t.png").read_bytes() == data


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    from moratorium.scenario import load_scenario
    from moratorium.scenario.run import run_scenario, write_run

    out = tmp_path_factory.mktemp("report") / "out"
    write_run(run_scenario(load_scenario("inspections-2021")), out)
    return (out / "report.html").read_text()


def test_report_says_what_the_terminal_says(report: str) -> None:
    assert '<table class="verdicts">' in report and report.count('<tr class="verdict">') >= 2
    for column in ("perspectives", "basis", "depends on"):
        assert f"<th>{column}</th>" in report
    assert "The log <span class=\"ok\">verifies</span>" in report and "cosigned by NATO" in report
    assert "odds of catching it: <strong>37.5% = 3/8</strong>" in report
    assert '<svg class="timeline"' in report and 'href="#entry-' in report
    assert "@media print{@page{size:A4" in report


def test_report_renders_perspectives_and_basis_when_verdicts_carry_them(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The integrator adds ``perspectives`` and ``basis`` to each verdict's JSON: the report shows them, and the
    timeline splits a lane per perspective where they differ."""
    from moratorium.regime.verdict import Verdict
    from moratorium.scenario import load_scenario
    from moratorium.scenario.report import write_report
    from moratorium.scenario.run import run_scenario

    plain = Verdict.to_json

    def with_views(self: Verdict) -> dict[str, Any]:
        doc = plain(self)
        doc["perspectives"] = {"RU": self.status, "NATO": "violation" if self.party == "RU" else self.status}
        doc["basis"] = "declared"
        return doc

    monkeypatch.setattr(Verdict, "to_json", with_views)
    result = run_scenario(load_scenario("inspections-2021"), reach=None)
    write_report(result, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "NATO: <span class=\"status status-violation\">violation</span>" in html
    assert "<td>declared</td>" in html
    assert "(as NATO sees it)" in html and "(as RU sees it)" in html
    assert "No log was written with this report." in html


def test_every_verdict_status_has_a_colour_and_a_legend_entry() -> None:
    """The chart's legend names every status a verdict can take (``disputed`` was missing: grey, unnamed)."""
    from typing import get_args

    from moratorium.regime.verdict import Status
    from moratorium.scenario._timeline import COLOURS

    assert set(COLOURS) == set(get_args(Status))
    assert len(set(COLOURS.values())) == len(COLOURS)
