"""Browser tests: Debian's Chromium driven by Playwright, against Django's live server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Playwright's sync API runs an event loop; Django must allow ORM calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser-deps`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    """Screenshots land in artifacts/screenshots/ so a person can look at them."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
