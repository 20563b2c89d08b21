"""Headless Chromium journeys (Debian's chromium, driven by Playwright; no browser download).

Screenshots land in test-artifacts/e2e/ so a failing journey can be looked at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MOORING_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM} for the end-to-end journeys")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guides" / "img"


@pytest.fixture
def shoot(page, request):
    """Screenshot into test-artifacts/e2e/; with MOORING_GUIDE_SCREENSHOTS=1 also refresh the
    named image of the user guides (so an ordinary test run leaves docs/ untouched)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, guide: str | None = None, *, full_page: bool = True) -> Path:
        target = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(target), full_page=full_page)
        if guide and os.environ.get("MOORING_GUIDE_SCREENSHOTS") == "1":
            shutil.copyfile(target, GUIDE_IMAGES / guide)
        return target

    return take


@pytest.fixture
def sign_in(page, live_server):
    from tests.conftest import PASSWORD

    def do(username: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")

    return do
