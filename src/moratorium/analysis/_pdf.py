"""Print an HTML page to PDF with headless Chromium through Playwright, on one A4 page.

Why Chromium and not WeasyPrint: the briefing is checked in headless Chromium (no page errors, one A4 page), so
printing with the same engine makes the PDF the page a reader prints from a browser, not a second layout of it;
Playwright is already pinned (``requirements.lock``) and Debian's ``chromium`` is the only system package needed,
where WeasyPrint would add Pango/HarfBuzz system libraries and a new dependency tree. The browser is found through
``MORATORIUM_CHROMIUM`` or ``chromium`` on PATH; it opens the file with every network request refused.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

__all__ = ["A4_HEIGHT_MM", "chromium_executable", "print_pdf"]

A4_HEIGHT_MM = 297.0
_MARGIN_MM = 8.0
_PX_PER_MM = 96.0 / 25.4


def chromium_executable() -> str | None:
    """Chromium to print with: ``MORATORIUM_CHROMIUM``, else ``chromium``/``chromium-browser`` on PATH."""
    return (os.environ.get("MORATORIUM_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None) -> Path | None:
    """Print ``html`` to ``pdf`` on one A4 page (scaled down if the page would overflow); None when Playwright
    or Chromium is not available."""
    executable = chromium or chromium_executable()
    if executable is None:
        return None
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        _print(html, pdf, executable, sync_playwright)
    except PlaywrightError as exc:
        from moratorium.errors import Error

        raise Error(f"printing {html.name} to PDF with {executable} failed: {str(exc).splitlines()[0]}") from None
    return pdf


def _print(html: Path, pdf: Path, executable: str, sync_playwright: Any) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(html.resolve().as_uri())
            page.emulate_media(media="print")
            height_px = float(page.evaluate("document.documentElement.scrollHeight"))
            usable_px = (A4_HEIGHT_MM - 2 * _MARGIN_MM) * _PX_PER_MM
            scale = max(0.5, min(1.0, (usable_px - 4.0) / height_px))
            margin = f"{_MARGIN_MM:g}mm"
            page.pdf(path=str(pdf), format="A4", print_background=True, scale=scale,
                     margin={"top": margin, "bottom": margin, "left": margin, "right": margin})
        finally:
            browser.close()
