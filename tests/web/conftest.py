"""Browser-test helpers: Debian's Chromium via Playwright against pytest-django's live_server."""

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, sync_playwright

from xinfang.petitions.models import Category, HotTopic
from xinfang.petitions.reference_data import load_reference_data

# The system's browser (scripts/setup.sh --with-test-deps); never one downloaded by Playwright.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: CI has no internet, intranets neither
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Staff screens are designed for 1366×768 (docs/DESIGN.md, "The screens").
VIEWPORT = {"width": 1366, "height": 768}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def require_chromium() -> None:
    """Skip without Chromium on a developer machine; in CI a missing browser fails the test."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: run scripts/setup.sh --with-test-deps (Debian's chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def artifact_path(name: str) -> Path:
    """test-artifacts/<name>-<backend>.png: each database's run keeps its own pictures."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}-{connection.vendor}.png"


@contextmanager
def chromium_page(*, base_url: str, failure_name: str) -> Iterator[Page]:
    """A fresh Chromium page at 1366×768; a screenshot of it is saved if the block fails.

    Keep ORM calls outside this block: Playwright's sync API runs an asyncio loop in this thread,
    and Django refuses synchronous database access while a loop runs (SynchronousOnlyOperation).
    """
    require_chromium()
    screenshot = artifact_path(failure_name)  # resolved now: it reads the connection's vendor
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                base_url=base_url, viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai"
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            try:
                yield page
            except BaseException:
                with suppress(Exception):  # the picture must not hide the real failure
                    page.screenshot(path=screenshot, full_page=True)
                raise
        finally:
            browser.close()


@pytest.fixture
def reference_data(transactional_db) -> Category:
    """The shipped categories and hot topics, reloaded in case a transactional test flushed them.

    A transactional test ends by emptying every table, data-migration rows included; the loader is
    idempotent. Returns the 劳动社保 / 欠薪讨薪 category (code 0301) that tests/conftest.py uses.
    """
    load_reference_data(Category, HotTopic)
    return Category.objects.get(code="0301")
