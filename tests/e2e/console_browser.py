"""Debian's chromium driven by Playwright, for the console's browser tests and its screenshots
(scripts/console_screenshots.py). Playwright's own browser download is not used: the Makefile
installs the `chromium` package."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, ViewportSize, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium(viewport: ViewportSize | None = None) -> Iterator[BrowserContext]:
    """A headless chromium with a fresh profile (its own --user-data-dir), closed afterwards."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium package")
    with tempfile.TemporaryDirectory(prefix="kb-console-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport=viewport or {"width": 1100, "height": 760},
        )
        try:
            yield context
        finally:
            context.close()


def sign_in(page: Page, console_url: str, key: str) -> None:
    page.goto(console_url)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
