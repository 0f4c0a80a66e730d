"""Browser fixtures: a real uvicorn server on the test database, Debian's chromium, axe-core from npm."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from policies.settings import Settings
from service.app import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_VERSION = "4.14.1"
AXE_JS = ARTIFACTS / "axe" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
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


def ensure_axe() -> Path:
    """Return axe.min.js of the pinned npm package, fetched once with `npm pack` into test-artifacts/."""
    if AXE_JS.exists():
        return AXE_JS
    folder = AXE_JS.parent
    folder.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    assert npm, "npm is needed once to fetch axe-core for the accessibility checks (apt-get install npm)"
    subprocess.run(
        [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", str(folder)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with tarfile.open(folder / f"axe-core-{AXE_VERSION}.tgz") as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        AXE_JS.write_bytes(member.read())
    return AXE_JS


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
    deadline = time.monotonic() + 15
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


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh browser tab (own cookies) opening pages of the test server."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, locale="id-ID")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def axe_violations(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page and return its violations of the given impacts."""
    page.add_script_tag(path=str(ensure_axe()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
