"""The HTML briefings in headless Chromium: they load offline without page errors and print to one A4 page,
checked by rendering the PDF to PNG (pypdfium2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moratorium.analysis.brief import brief, write_briefing
from moratorium.analysis.compare import compare
from moratorium.scenario import load_scenario

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
A4_MM = (210.0, 297.0)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("briefings")
    scenario = load_scenario("history-2019-2026")
    result = compare(["inf-1987", "ru-2020-offer", "ru-2021-draft", "us-2022-nonpaper"], scenario)
    written = (write_briefing(result, out / "compare") + brief(scenario, out / "brief")
               + brief(scenario, out / "brief-mid", at="2024-11-21"))
    return {f"{p.parent.name}/{p.name}": p for p in written}


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield b
        b.close()


def _pdf_pages(pdf: bytes, png: Path) -> tuple[int, tuple[float, float], float]:
    """Page count, first page size in mm, and the share of non-white pixels of its rendering."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    width_pt, height_pt = page.get_size()
    bitmap = page.render(scale=1.0)
    bitmap.to_pil().save(png)
    grey = bitmap.to_numpy()[..., :3].mean(axis=2)
    ink = float((grey < 200).mean())
    return len(doc), (width_pt * 25.4 / 72.0, height_pt * 25.4 / 72.0), ink


@pytest.mark.parametrize("name", ["compare/briefing.html", "brief/brief.html", "brief-mid/brief.html"])
def test_page_loads_offline_and_prints_to_one_a4_page(pages: dict[str, Path], browser: object, name: str) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (outside.append(route.request.url), route.abort()))
    page.goto(pages[name].as_uri())
    page.wait_for_load_state("load")
    assert errors == [] and outside == []
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    assert broken == 0 and page.evaluate("document.images.length") >= 1
    shot = name.replace("/", "-")
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    # the page's own CSS (@page A4, 8 mm margins) at scale 1: what a reader gets from "Print"
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    count, size_mm, ink = _pdf_pages(pdf, SHOTS / f"{shot}.print.png")
    assert count == 1
    assert size_mm == pytest.approx(A4_MM, abs=0.5)
    assert 0.02 < ink < 0.9
    context.close()


@pytest.mark.parametrize("name", ["compare/briefing.pdf", "brief/brief.pdf", "brief-mid/brief.pdf"])
def test_written_pdf_is_one_a4_page(pages: dict[str, Path], name: str) -> None:
    count, size_mm, ink = _pdf_pages(pages[name].read_bytes(), SHOTS / f"{name.replace('/', '-')}.png")
    assert count == 1 and size_mm == pytest.approx(A4_MM, abs=0.5) and ink > 0.02
