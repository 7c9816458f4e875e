"""Browser tests of the web studio: a real server, Debian's Chromium driven by Playwright for Python.

Fixtures:

- ``studio_settings``: the server's settings (data in ``tmp_path``); a test module
  overrides this fixture to change one (``upload_max_bytes``, prices ...).
- ``studio``: the base URL of ``create_app(studio_settings)`` served by uvicorn on a
  free port, lifespan on (jobs run in the server process, as under ``make serve``).
- ``page``: a desktop page (1280x860, English) on ``studio``; ``phone_page``: the
  same at a phone's width (390x844, touch); ``open_page(...)``: more of them
  (another locale, a second page).  Every page fails its test at teardown if it
  threw an uncaught error or asked anything of a host other than the server.
- ``screenshot(page, name)``: saves ``tests/web/screens/<name>.png`` (gitignored).

Skipped, with the reason, only when Chromium or Playwright is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest
from tests.conftest import LiveServer

from frameloom.api import create_app
from frameloom.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENS = Path(__file__).parent / "screens"
DESKTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000  # a generation on a loaded 2-core machine takes a few seconds


class OpenPage(Protocol):
    def __call__(self, *, viewport: ViewportSize = ..., locale: str = ..., phone: bool = ...) -> Page: ...


@dataclass
class _Watch:
    """What a page did that a test must not allow: uncaught errors, requests to other hosts."""

    base: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def request(self, url: str) -> None:
        if not (url.startswith((self.base, "data:", "blob:", "about:"))):
            self.outside.append(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run (each test gets its own context)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def studio_settings(settings: Settings) -> Settings:
    """The studio server's settings; override this fixture in a module to change one."""
    return settings


@pytest.fixture
def studio(studio_settings: Settings) -> Iterator[str]:
    """The base URL of a real studio server (``create_app`` + uvicorn), stopped after the test."""
    with LiveServer(create_app(studio_settings)) as server:
        yield server.url


@pytest.fixture
def open_page(browser: Browser, studio: str) -> Iterator[OpenPage]:
    """``open_page(viewport=..., locale=..., phone=...)``: a new page on its own context, at ``studio``."""
    opened: list[tuple[BrowserContext, _Watch]] = []

    def open_(*, viewport: ViewportSize = DESKTOP, locale: str = "en-US", phone: bool = False) -> Page:
        context = browser.new_context(
            base_url=studio, viewport=viewport, locale=locale, is_mobile=phone, has_touch=phone,
            device_scale_factor=2 if phone else 1)
        context.set_default_timeout(TIMEOUT_MS)
        watch = _Watch(studio)
        context.on("request", lambda request: watch.request(request.url))
        opened.append((context, watch))
        page = context.new_page()
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        return page

    yield open_
    for context, watch in opened:
        context.close()
        assert not watch.errors, f"uncaught errors in the page: {watch.errors}"
        assert not watch.outside, f"the page asked other hosts: {watch.outside}"


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A desktop page (1280x860, English), not yet navigated: ``page.goto("/")``."""
    return open_page()


@pytest.fixture
def phone_page(open_page: OpenPage) -> Page:
    """A phone-width page (390x844, touch, English), not yet navigated."""
    return open_page(viewport=PHONE, phone=True)


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)`` saves the whole page to ``tests/web/screens/<name>.png``."""

    def save(page: Page, name: str) -> Path:
        SCREENS.mkdir(exist_ok=True)
        path = SCREENS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
