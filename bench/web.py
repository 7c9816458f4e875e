"""The web studio in Chromium: time to the first render of ``/`` and from "Generate" to the image in the gallery.

    python bench/web.py [--runs 5]

frameloom runs as ``frameloom serve`` would on the embedded default (SQLite,
huey's SQLite queue in a fresh data folder, one job consumer thread, the
compose engine), under uvicorn in a thread of this process. Debian's Chromium,
headless, driven by Playwright; each run is a new browser context (a first
visit: no cache, a new anonymous account and session). Per run:

- first contentful paint of ``/`` (the browser's own ``paint`` entry), and the
  page ready (token, session, every panel mounted: ``body[data-ready]``), both
  from the start of navigation;
- "Generate" clicked to the picture shown in the gallery (its ``<img>``
  complete): one 1920x1080 image, its job queued, drawn, stored and polled.

A benchmark, not a test: it prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from frameloom.api import create_app
from frameloom.api.transport import NoDelayH11Protocol
from frameloom.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PROMPT = "a lighthouse on a cliff at sunset, watercolor"


class Server:
    """``app`` under uvicorn on a free port in a thread, as ``frameloom serve`` runs it (lifespan on, TCP_NODELAY)."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", http=NoDelayH11Protocol)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def one_run(browser: object, base: str, n: int) -> tuple[float, float, float]:
    """(first contentful paint ms, page ready ms, Generate to gallery image ms) for a first visit."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860}, locale="en-US")
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        fcp, ready = page.evaluate("""() => [
            performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
            performance.now()]""")
        prompt = f"{PROMPT} #{n}"
        page.get_by_label("Prompt").fill(prompt)
        began = time.perf_counter()
        page.get_by_role("button", name="Generate").click()
        image = page.get_by_role("list", name="Gallery").get_by_role("img", name=prompt)
        expect(image).to_have_js_property("complete", True, timeout=120_000)
        generated = (time.perf_counter() - began) * 1000
    finally:
        context.close()
    return float(fcp), float(ready), generated


def line(name: str, samples: list[float]) -> str:
    return f"{name:<52}{statistics.median(samples):>9.0f}{min(samples):>9.0f}{max(samples):>9.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("web studio: skipped, playwright is not installed (pip install playwright)")
        return
    if not CHROMIUM.exists():
        print(f"web studio: skipped, no Chromium at {CHROMIUM} (apt-get install -y chromium)")
        return
    results = []
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(_env_file=None, data_dir=Path(data_dir), access_log=False,  # type: ignore[call-arg]
                            anonymous_per_ip=args.runs + 2)  # every run is a new visitor from 127.0.0.1
        with Server(create_app(settings)) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                one_run(browser, server.url, 0)  # warm-up: the engine's first image, compiled statements
                results = [one_run(browser, server.url, n) for n in range(1, args.runs + 1)]
            finally:
                browser.close()
    fcp, ready, generated = (list(column) for column in zip(*results, strict=True))
    print(f"the web studio in headless Chromium, {args.runs} first visits, embedded default (compose, SQLite)")
    print(f"{'':<52}{'median ms':>9}{'min ms':>9}{'max ms':>9}")
    print(line("/ first contentful paint", fcp))
    print(line("/ ready (token, session, panels)", ready))
    print(line('"Generate" to the image in the gallery (1920x1080)', generated))


if __name__ == "__main__":
    main()
