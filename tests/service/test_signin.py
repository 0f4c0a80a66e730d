"""Signing in over HTTP: the password is checked holding no database connection; failures are throttled."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import Role
from policies.core import sqlite_gate
from policies.core.db import get_engine, read_session
from policies.core.errors import NotAuthenticated
from policies.core.settings import Settings
from policies.outbox.models import Reminder
from service.auth import sign_in
from tests.conftest import app_for
from tests.service.conftest import PASSWORD, make_token, problem_of

EMAIL = "budi@asn.test"


@pytest.fixture
def budi(db: str) -> str:
    """A stakeholder with the fixtures' password."""
    make_token(db, email=EMAIL, name="Budi Santoso", role=Role.STAKEHOLDER)
    return EMAIL


def _connections_during_argon2(settings: Settings, *, password: str) -> list[tuple[int, bool]]:
    """Sign in, noting at each argon2 verification the connections checked out and whether a writer waits."""
    engine = get_engine(settings.database_url)
    gate = sqlite_gate.gate_of(engine)
    seen: list[tuple[int, bool]] = []

    def watch(frame: FrameType, event: str, arg: Any) -> None:
        code = frame.f_code
        if event == "call" and code.co_name == "verify" and "argon2" in code.co_filename:
            seen.append((engine.pool.checkedout(), gate.held if gate is not None else False))

    sys.setprofile(watch)
    try:
        sign_in(settings, email=EMAIL, password=password, address="203.0.113.7")
    except NotAuthenticated:
        pass
    finally:
        sys.setprofile(None)
    return seen


def test_the_password_is_checked_outside_any_transaction(settings: Settings, budi: str) -> None:
    # argon2 inside the write transaction held SQLite's one writer for every attempt: a flood of
    # wrong passwords stalled every comment. Right or wrong, no connection is out while it runs.
    for password in ("salah-sekali", PASSWORD):
        seen = _connections_during_argon2(settings, password=password)
        assert seen and all(held == (0, False) for held in seen), seen


@pytest.fixture
def client(settings: Settings, catalog: None) -> Iterator[TestClient]:
    with TestClient(app_for(settings)) as test_client:
        yield test_client


def _login(client: TestClient, password: str, **headers: str) -> Any:
    return client.post("/api/v1/auth/login", json={"email": EMAIL, "password": password}, headers=headers)


def test_repeated_wrong_passwords_are_refused_with_429_and_retry_after(client: TestClient, budi: str) -> None:
    for _ in range(5):
        problem_of(_login(client, "salah-sekali"), 401, "unauthenticated")
    refused = _login(client, PASSWORD)  # even the right password waits: the guesser cannot tell
    body = problem_of(refused, 429, "rate-limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert "Terlalu banyak percobaan masuk" in body["detail"]
    english = problem_of(_login(client, PASSWORD, **{"Accept-Language": "en"}), 429, "rate-limited")
    assert "Too many failed sign-ins" in english["detail"]


def test_the_owner_is_emailed_after_repeated_failures(client: TestClient, budi: str, db: str) -> None:
    for _ in range(5):
        _login(client, "salah-sekali")
    with read_session(db) as s:
        [told] = s.exec(select(Reminder).where(Reminder.template == "login_failures")).all()
        assert told.recipient_email == EMAIL and told.context["failures"] == 5


def test_many_emails_from_one_address_are_throttled(settings: Settings, catalog: None, budi: str) -> None:
    strict = settings.model_copy(update={"login_attempts_per_address": 3})
    with TestClient(app_for(strict)) as client:
        for n in range(3):
            wrong = {"email": f"tebakan{n}@asn.test", "password": "salah-sekali"}
            problem_of(client.post("/api/v1/auth/login", json=wrong), 401, "unauthenticated")
        body = problem_of(_login(client, PASSWORD), 429, "rate-limited")
    assert "dari jaringan Anda" in body["detail"]


def test_the_openapi_document_names_the_429_of_login_and_register(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/auth/login", "/api/v1/auth/register"):
        assert "429" in paths[path]["post"]["responses"], path
