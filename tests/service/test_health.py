"""`/healthz` says the process is alive; `/readyz` says whether a write can be taken, and why not.

The refusing database is real on each backend: PostgreSQL sessions that are read-only, and a
SQLite file whose write lock another process holds past the busy timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import policies.core.db
import service.health
from policies.core.db import get_engine
from policies.core.migrate import upgrade
from policies.core.settings import Settings
from service.app import create_app
from tests.service.conftest import problem_of


def test_readyz_answers_ready_when_a_write_can_be_taken(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"reads": "ok", "writes": "ok"}}


@contextmanager
def _writes_refused(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a database URL that reads but refuses every write, as the backend under test does it."""
    if settings.database_url.startswith("postgresql"):
        # A read-only server (a standby, a role or database set read-only) takes reads only.
        url = settings.database_url + "%20-cdefault_transaction_read_only%3Don"
        yield url
        get_engine(url).dispose()
        return
    monkeypatch.setattr(policies.core.db, "SQLITE_BUSY_TIMEOUT_MS", 300)  # read when the engine is built
    url = f"sqlite:///{tmp_path / 'held.db'}"
    upgrade(url)
    holder = sa.create_engine(url)  # another process's connection, e.g. a long CLI import
    with holder.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield url
        finally:
            conn.exec_driver_sql("ROLLBACK")
    holder.dispose()
    get_engine(url).dispose()


def test_readyz_is_a_503_problem_naming_the_refusal_while_healthz_stays_alive(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service.health, "_PROBES", {})
    with (
        _writes_refused(settings, tmp_path, monkeypatch) as url,
        TestClient(create_app(settings.model_copy(update={"database_url": url}))) as client,
    ):
        alive = client.get("/healthz")
        ready = client.get("/readyz", headers={"Accept-Language": "en"})
    assert alive.status_code == 200 and alive.json()["status"] == "ok"
    body = problem_of(ready, 503, "not-ready")
    assert ready.headers["Retry-After"] == "5"
    assert body["title"] == "Not ready to take changes"
    checks = body["checks"]
    assert isinstance(checks, dict) and checks["reads"] == "ok"
    assert checks["writes"].startswith("the database refuses writes: "), checks
    expected = "read-only transaction" if url.startswith("postgresql") else "database is locked"
    assert expected in checks["writes"] and expected in str(body["detail"])
