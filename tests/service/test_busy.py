"""A write the database cannot take in time is a 503 problem with Retry-After, and loses nothing.

It runs on a SQLite file of its own in both passes: SQLite's writer gate is what makes it wait.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import policies.core.db
from policies.accounts.models import Account
from policies.core.db import get_engine, read_session, unit_of_work
from policies.core.migrate import upgrade
from policies.core.settings import Settings
from service.app import create_app
from tests.service.conftest import problem_of

SIGN_UP = {"email": "sibuk@warga.test", "name": "Sibuk", "password": "kata-sandi-uji-123"}


def test_a_write_without_a_turn_is_503_and_the_retry_saves_it(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policies.core.db, "SQLITE_BUSY_TIMEOUT_MS", 300)  # read when the engine is built
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    upgrade(url)
    app = create_app(settings.model_copy(update={"database_url": url}))
    with TestClient(app) as client:
        with unit_of_work(url) as other_writer:  # e.g. a long CLI import holding the write lock
            other_writer.execute(sa.text("UPDATE account SET name = name"))
            response = client.post("/api/v1/auth/register", json=SIGN_UP)
            body = problem_of(response, 503, "database-busy")
            assert response.headers["Retry-After"] == "5"
            assert "Tidak ada yang tersimpan" in str(body["detail"])
        with read_session(url) as s:
            assert s.execute(sa.select(sa.func.count()).select_from(Account)).scalar_one() == 0
        again = client.post("/api/v1/auth/register", json=SIGN_UP, headers={"Accept-Language": "en"})
    assert again.status_code == 202, again.text  # a sign-up is accepted (the email link follows)
    with read_session(url) as s:
        assert s.execute(sa.select(Account.email)).scalars().all() == [SIGN_UP["email"]]
    get_engine(url).dispose()


def test_a_database_that_cannot_be_reached_is_503_telling_to_look_before_resending(
    tmp_path: Path, settings: Settings
) -> None:
    url = f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it ("unable to open database file")
    app = create_app(settings.model_copy(update={"database_url": url}))
    with TestClient(app) as client:
        response = client.post("/api/v1/auth/register", json=SIGN_UP, headers={"Accept-Language": "en"})
    body = problem_of(response, 503, "database-busy")
    assert response.headers["Retry-After"] == "5"
    assert "reload to see whether a change was saved" in str(body["detail"])
    assert "Nothing was saved" not in str(body["detail"])


def test_a_pool_with_no_free_connection_in_time_is_503_nothing_saved(settings: Settings) -> None:
    app = create_app(settings)

    def burst() -> None:
        # What SQLAlchemy raises when a burst is wider than the pool and its timeout passes.
        raise sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached, connection timed out")

    app.add_api_route("/api/v1/test-pool-burst", burst, methods=["POST"])
    with TestClient(app) as client:
        response = client.post("/api/v1/test-pool-burst", headers={"Accept-Language": "en"})
    body = problem_of(response, 503, "database-busy")
    assert response.headers["Retry-After"] == "5"
    assert "Nothing was saved" in str(body["detail"])
