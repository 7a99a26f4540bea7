"""Real-browser fixtures: Playwright driving Debian's chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety guard
must be relaxed for these tests (the ORM calls in them are ordinary synchronous calls).
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless chromium per test worker."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (installs Debian's chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args():
    """Options for each test's browser context; override in a test module to disable JavaScript."""
    return {}


@pytest.fixture
def page(browser, browser_context_args):
    """A fresh browser tab with its own cookies for each test."""
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
