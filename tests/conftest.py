"""Shared fixtures. PostgreSQL and browser tests skip locally with a visible reason, but fail under CI=true."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must never skip this; .ci/run provides it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a throwaway PostgreSQL database from ``PG_TEST_URL`` (``.ci/run`` starts one)."""
    url = os.environ.get("PG_TEST_URL")
    if not url:
        _unavailable("PostgreSQL tests need PG_TEST_URL (see .ci/run for a throwaway server)")
    assert url is not None
    yield url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of a Chromium binary for Playwright (``MORATORIUM_CHROMIUM`` or ``chromium`` on PATH)."""
    path = os.environ.get("MORATORIUM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _unavailable("browser tests need Chromium (apt install chromium; .ci/run installs it)")
    assert path is not None
    return path


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = []
    if not os.environ.get("PG_TEST_URL"):
        lines.append("NOTICE: PG_TEST_URL is not set: PostgreSQL tests will be SKIPPED (run .ci/run for them)")
    if not (os.environ.get("MORATORIUM_CHROMIUM") or shutil.which("chromium")):
        lines.append("NOTICE: no Chromium found: browser tests will be SKIPPED")
    return lines
