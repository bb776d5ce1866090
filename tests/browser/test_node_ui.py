"""The node's web UI in headless Chromium (Playwright): offline pages, vector map, verdicts, in-browser proofs.

Screenshots go to ``artifacts/screenshots/`` (git-ignored) as test artefacts.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from moratorium.api.app import create_app
from moratorium.api.node import Node
from moratorium.ledger.keys import sign_entry
from moratorium.scenario import load_scenario
from moratorium.scenario.run import demo_keys

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    scenario = load_scenario("history-2019-2026")
    keys = demo_keys(scenario)
    node = Node(treaty=scenario.treaty, key=keys["RU"], db_url=str(tmp_path_factory.mktemp("ui") / "ru.sqlite"))
    node.pin_peer_key(keys["NATO"].public)
    for step in scenario.steps:
        signed = sign_entry(step.entry, keys[step.entry.author])
        if step.entry.author == "RU":
            node.append(signed)
        else:
            node.mirrors["NATO"].append(signed)
    # NATO reports on an inspection that was never requested: replay rejects it, and the pages must say so
    from moratorium.ledger.entry import Entry

    bogus = Entry(author="NATO", kind="inspection-report", effective="2025-12-30T21:00:00Z",
                  recorded="2025-12-30T21:00:00Z",
                  body={"inspection": "never-requested", "arrived": "2025-12-30T10:00:00Z",
                        "departed": "2025-12-30T20:00:00Z", "units": [], "findings": []})
    node.mirrors["NATO"].append(sign_entry(bogus, keys["NATO"]))
    node.checkpoint()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(node), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    node.close()


@pytest.fixture(scope="module")
def page(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        yield pg
        context.close()
        browser.close()


def _open(page: object, url: str) -> list[str]:
    """Open ``url``, refusing any request that leaves this node; return the console errors."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url.split("/ui/")[0])
               else (outside.append(route.request.url), route.abort()))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.unroute("**/*")
    assert outside == [], f"the page tried to load from outside the node: {outside}"
    return errors


def test_map_renders_vector_countries_and_deployments(page: object, base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/map.html") == []
    assert int(page.get_attribute("body", "data-countries") or 0) > 150
    assert page.locator("path.leaflet-interactive").count() > 150
    assert page.locator("path.holding").count() >= 5
    assert page.locator("img.leaflet-tile").count() == 0
    page.screenshot(path=str(SHOTS / "map.png"))


def test_dashboard_shows_verdicts_with_evidence(page: object, base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/index.html") == []
    rows = page.locator("tr.verdict")
    assert rows.count() == 4
    assert page.locator("tr.verdict .status-not-in-force").count() == 4
    assert page.locator("tr.verdict a[href*='log.html?party=RU']").count() >= 1
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)


def test_inclusion_proof_verifies_in_the_browser(page: object, base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/log.html?party=RU&seq=2") == []
    assert page.locator("#entry-2 .verified").count() == 1
    page.click("#entry-0 button")
    page.wait_for_selector("#entry-0 .verified")
    assert "RU" in page.inner_text("#checkpoints .signers")
    # The same code must reject a proof against a wrong root.
    bad = page.evaluate("""async () => {
        const p = await api('/v1/logs/RU/proofs/inclusion?index=1');
        return (await verifyInclusion(p.leaf, 1, p.size, p.proof, '00'.repeat(32))).ok;
    }""")
    assert bad is False
    page.screenshot(path=str(SHOTS / "log.png"), full_page=True)


def test_inspection_planner_shows_quota(page: object, base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/inspections.html") == []
    assert page.locator("#rights tbody tr").count() == 2
    page.screenshot(path=str(SHOTS / "inspections.png"), full_page=True)


def test_map_groups_strike_rings_by_system_and_claim_and_shows_launches_as_events(page: object,
                                                                                  base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/map.html") == []
    rings = int(page.get_attribute("body", "data-rings") or 0)
    assert rings >= 4 and page.locator("path.ring").count() == rings
    overlays = page.inner_text(".leaflet-control-layers-overlays")
    assert "9M729" in overlays and "claim us (US)" in overlays and "launch event" in overlays
    assert "SM-3" not in overlays  # interceptor rings are not reach to ground targets
    assert page.locator(".ring-label").count() == rings
    assert page.locator(".holding-event").count() >= 1  # Oreshnik's combat launch is an event, not a deployment
    page.screenshot(path=str(SHOTS / "map-groups.png"))


def test_dashboard_draws_the_verdict_timeline_linked_to_entries(page: object, base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/index.html") == []
    assert page.locator("#timeline svg.timeline rect.span").count() >= 4
    links = page.locator("#timeline svg.timeline a")
    assert links.count() >= 4
    assert "log.html?party=" in (links.first.get_attribute("href") or "")
    page.screenshot(path=str(SHOTS / "dashboard-timeline.png"), full_page=True)


def test_api_docs_work_offline(page: object, base_url: str) -> None:
    """Regression: /docs loaded Swagger UI from a CDN, so the node's API page was blank without internet."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    outside: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
               else (outside.append(route.request.url), route.abort()))
    page.goto(base_url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    page.unroute("**/*")
    assert outside == [] and errors == []
    assert page.locator(".opblock").count() > 10
    page.screenshot(path=str(SHOTS / "docs.png"))


def test_inspections_page_fits_800px(page: object, base_url: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.set_viewport_size({"width": 800, "height": 900})
    try:
        assert _open(page, base_url + "/ui/inspections.html") == []
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 800
        page.screenshot(path=str(SHOTS / "inspections-800.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture(scope="module")
def long_log_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A node whose own log holds 1,234 entries (more than the API's 1,000-entry page)."""
    from moratorium.ledger.entry import Entry

    scenario = load_scenario("history-2019-2026")
    keys = demo_keys(scenario)
    node = Node(treaty=scenario.treaty, key=keys["RU"], db_url=str(tmp_path_factory.mktemp("long") / "ru.sqlite"))
    node.pin_peer_key(keys["NATO"].public)
    for i in range(1234):
        day = f"2021-{1 + i // 112:02d}-{1 + (i % 112) // 4:02d}"
        node.append(sign_entry(Entry(author="RU", kind="notification", effective=day, recorded=day,
                                     body={"title": f"notice {i}", "event": "exercise"}), keys["RU"]))
    node.checkpoint()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(node), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    node.close()


def test_log_explorer_pages_past_1000_entries(page: object, long_log_url: str) -> None:
    """Regression: the explorer asked for the whole log and showed only the API's first 1,000 entries."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, long_log_url + "/ui/log.html?party=RU&seq=1200") == []
    assert page.locator("#entry-1200 .verified").count() == 1
    assert "of 1234" in page.inner_text("#range")
    page.click("#first")
    page.wait_for_selector("#entry-0")
    page.click("#last")
    page.wait_for_selector("#entry-1233")
    assert page.locator("#next").is_disabled()
    page.screenshot(path=str(SHOTS / "log-paging.png"))


def test_pages_say_when_the_record_holds_rejected_reports(page: object, base_url: str) -> None:
    """Regression: the dashboard showed its verdicts as if the record held no rejected report."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    assert _open(page, base_url + "/ui/index.html") == []
    alert = page.inner_text("#rejected")
    assert "1 entry in the record was rejected" in alert and "inspection-report" in alert
    assert _open(page, base_url + "/ui/inspections.html") == []
    assert page.locator("#rejected li.rejected").count() == 1
    assert "rejected" in page.inner_text("#entries")
    page.screenshot(path=str(SHOTS / "inspections-rejected.png"), full_page=True)
