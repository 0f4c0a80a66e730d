"""An unexpected error is a 500 problem that is actually sent, and the keep-alive connection survives it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import BackgroundTasks, FastAPI
from fastapi.testclient import TestClient

from policies.core.settings import Settings
from service.app import create_app
from service.headers import CSP
from tests.browser.conftest import _free_port
from tests.http import TLS

BROKEN = "/api/v1/uji/galat"
BROKEN_AFTER = "/api/v1/uji/galat-sesudah"
BROKEN_PAGE = "/uji/galat"


def _app_with_faults(settings: Settings) -> FastAPI:
    """The real app plus routes that fail the way a bug would: before, and after, their answer."""
    app = create_app(settings)

    def fail() -> None:
        raise RuntimeError("a bug nobody expected")

    @app.get(BROKEN)
    def broken() -> dict[str, str]:
        fail()
        return {}

    @app.get(BROKEN_PAGE)
    def broken_page() -> dict[str, str]:
        fail()
        return {}

    @app.get(BROKEN_AFTER)
    def broken_after(tasks: BackgroundTasks) -> dict[str, str]:
        tasks.add_task(fail)
        return {"status": "ok"}

    return app


@pytest.fixture
def served(settings: Settings, catalog: None) -> Iterator[str]:
    """Serve the app with its faulty routes on uvicorn (a real HTTP server) in a thread."""
    port = _free_port()
    config = uvicorn.Config(
        _app_with_faults(settings), host="127.0.0.1", port=port, log_level="critical", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # reached only if it never starts
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _local_address(response: httpx.Response) -> object:
    return response.extensions["network_stream"].get_extra_info("client_addr")


def test_a_500_is_sent_as_a_problem_and_the_keep_alive_connection_goes_on(
    served: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="siklus"), httpx.Client(verify=TLS, base_url=served) as client:
        first = client.get("/healthz")
        where = _local_address(first)
        for path in (BROKEN, BROKEN_AFTER, BROKEN, "/healthz"):
            response = client.get(path)
            assert _local_address(response) == where, f"{path} ended the connection"
            if path == BROKEN:
                assert response.status_code == 500
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["content-security-policy"] == CSP
                body = response.json()
                assert body["type"].endswith("/internal-error") and body["instance"] == BROKEN
                assert "Muat ulang" in body["detail"]
            else:
                assert response.status_code == 200, response.text
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) >= 3  # each failure is logged with its traceback for the operators


def test_a_500_for_a_browser_is_a_page(settings: Settings, catalog: None) -> None:
    with TestClient(_app_with_faults(settings)) as client:
        page = client.get(BROKEN_PAGE, headers={"Accept": "text/html"})
        api = client.get(BROKEN, headers={"Accept-Language": "en"})
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Galat internal</h1>" in page.text
    assert api.status_code == 500 and api.json()["title"] == "Internal error"
    assert api.headers["x-frame-options"] == "DENY"
