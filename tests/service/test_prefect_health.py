"""`/healthz` says Prefect's state beside the database's, without waiting for Prefect or needing it.

Prefect down is a closed port; Prefect up is a real HTTP server answering `/api/health`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prefect.settings import PREFECT_API_URL, temporary_settings

from policies.core.settings import Settings
from service import prefect_health
from service.app import create_app

# Long enough for a probe thread on a loaded machine; the probe's own timeout is 2 s.
SETTLE_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fresh_probe(monkeypatch: pytest.MonkeyPatch) -> prefect_health.PrefectProbe:
    probe = prefect_health.PrefectProbe()
    monkeypatch.setattr("service.health.PREFECT", probe)
    return probe


@pytest.fixture
def prefect_up(tmp_path: Path) -> Iterator[str]:
    """A stand-in Prefect API that answers its health check (all `/healthz` asks of it)."""
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "health").write_text("true")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Listening before the app's first probe: on a busy machine the probe came first, and said so.
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the stand-in Prefect API did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/api"
    finally:
        server.kill()
        server.wait()


def _settled(client: TestClient) -> dict[str, str]:
    """Ask /healthz until the first probe has answered; every answer meanwhile is 200 and quick."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        began = time.monotonic()
        response = client.get("/healthz")
        assert response.status_code == 200
        assert time.monotonic() - began < 1.0  # never waits for Prefect's answer
        body = response.json()
        if body["prefect"] != prefect_health.UNKNOWN or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_healthz_stays_ok_and_says_prefect_is_unreachable_when_its_port_is_closed(
    settings: Settings, fresh_probe: prefect_health.PrefectProbe
) -> None:
    with (
        temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{_free_port()}/api"}),
        TestClient(create_app(settings.model_copy(update={"prefect_enabled": True}))) as client,
    ):
        body = _settled(client)
        ready = client.get("/readyz")
    assert body == {"status": "ok", "database": "ok", "prefect": "unreachable"}
    assert ready.status_code == 200  # readiness is about taking writes: the outbox keeps the work


def test_healthz_says_prefect_is_ok_when_it_answers(
    settings: Settings, fresh_probe: prefect_health.PrefectProbe, prefect_up: str
) -> None:
    with (
        temporary_settings({PREFECT_API_URL: prefect_up}),
        TestClient(create_app(settings.model_copy(update={"prefect_enabled": True}))) as client,
    ):
        assert _settled(client) == {"status": "ok", "database": "ok", "prefect": "ok"}
