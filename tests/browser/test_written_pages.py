"""Every HTML page the product writes to disk (``map --out FILE.html``, ``run``'s ``map.html`` and ``report.html``)
loads in headless Chromium from ``file://`` with no page error, loads nothing from anywhere else, and shows its
range rings. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


def _cli(*args: str) -> None:
    done = subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pages")
    _cli("map", "--out", str(root / "kamyshlov.html"), "--site", "kamyshlov", "--system", "9m729")
    _cli("map", "--out", str(root / "pacific.html"), "--site", "-15.4,130.3", "--site", "laoag",
         "--range-km", "5500")  # rings across the antimeridian, a southern site without `--`
    _cli("run", "history-2019-2026", "--out", str(root / "history"))
    return {"kamyshlov": root / "kamyshlov.html", "pacific": root / "pacific.html",
            "run-map": root / "history" / "map.html", "report": root / "history" / "report.html"}


@pytest.fixture(scope="module")
def page(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def _open(page: object, path: Path) -> list[str]:
    """Open ``path``; return page errors, console errors and any request that left the file system."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else (problems.append(f"fetched {route.request.url}"), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.unroute("**/*")
    return problems


@pytest.mark.parametrize("name", ["kamyshlov", "pacific", "run-map"])
def test_written_map_is_not_blank(page: object, written: dict[str, Path], name: str) -> None:
    """Regression: every map with a range ring opened blank (layers were added before the map had a view)."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, written[name]) == []
    page.wait_for_selector("#map[data-ready=true]", timeout=30_000)
    rings = int(page.get_attribute("#map", "data-rings") or 0)
    assert rings >= 2
    assert page.locator("path.ring").count() >= rings
    assert page.locator("path.leaflet-interactive").count() > 150  # the countries are drawn too
    assert page.locator(".leaflet-control-layers-overlays label").count() >= 3
    visible = page.evaluate("""() => [...document.querySelectorAll('path.ring')].filter(p => {
        const b = p.getBoundingClientRect(); return b.width > 20 && b.height > 20; }).length""")
    assert visible >= 1
    page.screenshot(path=str(SHOTS / f"written-{name}.png"))


def test_report_loads_and_shows_its_maps_and_verdicts(page: object, written: dict[str, Path]) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, written["report"]) == []
    assert page.locator("img[src^='data:image/png']").count() >= 3
    assert page.locator("table.verdicts tr.verdict").count() >= 4
    assert page.locator("svg.timeline rect.span").count() >= 4
    page.screenshot(path=str(SHOTS / "written-report.png"), full_page=True)
