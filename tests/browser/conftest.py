"""Browser fixtures: uvicorn on the test database, Debian's chromium, axe-core from the npm registry."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from policies.core.settings import Settings
from service.app import create_app
from tests.browser.signup import Mailbox

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_VERSION = "4.14.1"
# dist.integrity of axe-core@4.14.1 as the npm registry publishes it: the tarball must match it.
AXE_INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
AXE_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
AXE_JS = ARTIFACTS / "axe" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
# A page load waits for the server thread, which shares this process and two cores with other test
# lanes: a goto past 10 s was seen under load, while every step still worked.
NAVIGATION_MS = 30_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def ensure_axe() -> Path:
    """Return axe.min.js of the pinned npm package, fetched once from the registry into test-artifacts/.

    No npm is needed: the tarball comes straight from the registry with httpx and is used only
    when its sha512 matches the integrity the registry published for that version.
    """
    if AXE_JS.exists():
        return AXE_JS
    AXE_JS.parent.mkdir(parents=True, exist_ok=True)
    response = httpx.get(AXE_TARBALL, timeout=60, follow_redirects=True)
    response.raise_for_status()
    data = response.content
    assert _integrity(data) == AXE_INTEGRITY, f"{AXE_TARBALL} does not match its pinned integrity"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None, "the axe-core package has no package/axe.min.js"
        script = member.read()
    tmp = AXE_JS.with_suffix(f".{os.getpid()}.tmp")  # two test passes may fetch it at once
    tmp.write_bytes(script)
    tmp.replace(AXE_JS)  # atomic: a half-written file never passes for axe
    return AXE_JS


@lru_cache(maxsize=1)
def _axe_script() -> str:
    return ensure_axe().read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(settings: Settings, catalog: None) -> Iterator[str]:
    """Serve the app with uvicorn on a free 127.0.0.1 port in a thread; yield its base URL."""
    port = _free_port()
    app = create_app(settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"}))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # reached only if it never starts, even on a loaded machine
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless (never a downloaded browser)."""
    assert Path(CHROMIUM).exists(), "install Debian's chromium: make chromium"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def open_tab(
    browser: Browser, server: str, *, timeout_ms: int = 10_000, **options: Any
) -> tuple[BrowserContext, Page]:
    """Open a tab in a context of its own (own cookies) on the test server, with the suite's waits."""
    context = browser.new_context(base_url=server, locale="id-ID", **options)
    tab = context.new_page()
    tab.set_default_timeout(timeout_ms)
    tab.set_default_navigation_timeout(NAVIGATION_MS)
    return context, tab


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh browser tab (own cookies) opening pages of the test server."""
    context, tab = open_tab(browser, server, viewport={"width": 1280, "height": 900})
    yield tab
    context.close()


def axe_violations(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page and return its violations of the given impacts.

    SIKLUS_TEST_AXE=0 (set by .ci/lanes for its PostgreSQL pass) returns none without running it:
    the same templates write the same markup on either database, the SQLite pass checks it, and
    axe-core was a third of a browser walk's CPU. `make test-postgres` alone still runs it.
    """
    if os.environ.get("SIKLUS_TEST_AXE", "1") == "0":
        return []
    # Through the DevTools protocol, not a <script> tag: the pages' policy refuses inline scripts.
    # Once a document: the same page checked again (at another width) still has it.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(_axe_script())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshots_wanted() -> bool:
    """Tell whether this run keeps pictures of the pages (SIKLUS_TEST_SCREENSHOTS=1).

    A picture is a record for people, not what a test checks, and encoding full pages as PNG was a
    third of the browser tests' time; a failing test's page is always kept (see the hook below).
    """
    return os.environ.get("SIKLUS_TEST_SCREENSHOTS") == "1"


def screenshot(page: Page, name: str) -> Path | None:
    """Save a full-page screenshot under test-artifacts/screenshots/ when wanted (the visible part if
    Chromium cannot)."""
    if not screenshots_wanted():
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # On a loaded machine Chromium sometimes answers "Unable to capture screenshot" for a tall
    # full page (seen once in 1,130 tests): the picture is a record, not what the test checks, so
    # try again, then keep the viewport's picture.
    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=attempt < 2)
            return path
        except PlaywrightError as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == 2:
                raise
            page.wait_for_timeout(500)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep a picture of a failing browser test's page, whatever SIKLUS_TEST_SCREENSHOTS says."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    tab = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and isinstance(tab, Page):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(PlaywrightError):  # a crashed tab has no picture to give
            tab.screenshot(path=str(SCREENSHOTS / f"FAILED-{item.name}.png"), full_page=True)


@pytest.fixture
def mailbox(settings: Settings, server: str) -> Iterator[tuple[Mailbox, Settings]]:
    """A real SMTP server (aiosmtpd) and the deliverer's settings pointing at it and at the test server."""
    handler, port = Mailbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    mail = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False, "base_url": server}
    )
    yield handler, mail
    controller.stop()
