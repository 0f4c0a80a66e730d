"""Signing up over HTTP: an emailed link before commenting, throttled per address, weak passwords refused."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import select

from policies.accounts import actions as accounts
from policies.accounts.models import Account
from policies.core.db import read_session, unit_of_work
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.outbox.message_text import render_email
from policies.outbox.models import Reminder
from tests.conftest import app_for
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

SIGN_UP = {"email": "sari@warga.test", "name": "Sari Dewi", "password": "rahasia-sari-1"}


@pytest.fixture
def client(settings: Settings, catalog: None) -> Iterator[TestClient]:
    with TestClient(app_for(settings)) as test_client:
        yield test_client


def _token_of(client: TestClient, email: str, password: str) -> str:
    signed = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert signed.status_code == 200, signed.text
    return str(signed.json()["access_token"])


def emailed_link(settings: Settings, *, email: str) -> str:
    """Return the verification link of the newest message to `email`, rendered as the deliverer does."""
    with read_session(settings.database_url) as s:
        message = s.exec(
            select(Reminder)
            .where(Reminder.recipient_email == email, Reminder.template == "email_verification")
            .order_by(Reminder.id.desc())  # type: ignore[union-attr]
        ).first()
        assert message is not None, f"no verification email to {email}"
        _, body = render_email(message, base_url=settings.base_url, secret=ensure_secret_key(settings))
    found = re.search(r"\S+/verify-email\?token=\S+", body)
    assert found, body
    return found.group(0)


class _EightDaysAgo(TimestampSigner):
    """itsdangerous' signer, stamping the time of eight days ago."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 8 * 24 * 3600


def _comment(client: TestClient, token: str, clause: str) -> Any:
    return client.post(
        f"/api/v1/policies/{SLUG}/comments",
        headers=auth(token),
        json={"clause_key": clause, "body": "Mohon target 20 JP dirinci per jabatan.", "stance": "neutral"},
    )


def test_a_new_account_comments_only_after_opening_the_emailed_link(
    client: TestClient, settings: Settings, drafter_token: str
) -> None:
    open_consultation(client, drafter_token)
    clause = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    assert client.post("/api/v1/auth/register", json=SIGN_UP).status_code == 202
    token = _token_of(client, SIGN_UP["email"], SIGN_UP["password"])
    refused = problem_of(_comment(client, token, clause), 403, "forbidden")
    assert "Verifikasi alamat email Anda" in refused["detail"] and "/verify-email" in refused["detail"]
    vote = client.put(f"/api/v1/policies/{SLUG}/comments/1/vote", headers=auth(token), json={"value": 1})
    assert vote.status_code in (403, 404)  # no comment 1 yet, or refused: never counted

    link = emailed_link(settings, email=SIGN_UP["email"])
    assert link.startswith(settings.base_url)
    token_in_link = link.split("token=", 1)[1]
    verified = client.post("/api/v1/auth/verify-email", json={"token": token_in_link})
    assert verified.status_code == 200 and verified.json()["email_verified_at"]
    again = client.post("/api/v1/auth/verify-email", json={"token": token_in_link})
    assert again.status_code == 200  # opening the link twice changes nothing
    assert _comment(client, token, clause).status_code == 201


def test_a_forged_or_expired_link_is_refused_saying_what_to_do(
    client: TestClient, settings: Settings
) -> None:
    client.post("/api/v1/auth/register", json=SIGN_UP)
    link = emailed_link(settings, email=SIGN_UP["email"])
    forged = link.split("token=", 1)[1][:-3] + "abc"
    body = problem_of(client.post("/api/v1/auth/verify-email", json={"token": forged}), 422, "invalid-input")
    assert "tidak berlaku" in body["detail"] and body["errors"][0]["field"] == "token"
    with read_session(settings.database_url) as s:
        account = accounts.find_account(s, email=SIGN_UP["email"])
        assert account is not None
        account_id = account.id
    # Signed with the right key eight days ago: what an old link carries.
    signer = URLSafeTimedSerializer(
        ensure_secret_key(settings), salt="siklus-email-verification", signer=_EightDaysAgo
    )
    old = signer.dumps([account_id, SIGN_UP["email"]])
    body = problem_of(client.post("/api/v1/auth/verify-email", json={"token": old}), 422, "invalid-input")
    assert "kedaluwarsa" in body["detail"]


def test_a_new_verification_email_can_be_asked_for(client: TestClient, settings: Settings) -> None:
    client.post("/api/v1/auth/register", json=SIGN_UP)
    token = _token_of(client, SIGN_UP["email"], SIGN_UP["password"])
    asked = client.post("/api/v1/auth/verification", headers=auth(token), json={})
    assert asked.status_code == 202 and SIGN_UP["email"] in asked.json()["detail"]
    with read_session(settings.database_url) as s:
        queued = s.exec(select(Reminder).where(Reminder.template == "email_verification")).all()
        assert len(queued) == 1  # within ten minutes of the first: the same message, not a second


def test_the_owner_of_a_registered_email_is_told_and_nothing_changes(
    client: TestClient, settings: Settings
) -> None:
    client.post("/api/v1/auth/register", json=SIGN_UP)
    client.post(
        "/api/v1/auth/register", json={**SIGN_UP, "name": "Orang Lain", "password": "kata-sandi-lain-9"}
    )
    with read_session(settings.database_url) as s:
        assert [a.name for a in s.exec(select(Account)).all()] == ["Sari Dewi"]
        told = s.exec(select(Reminder).where(Reminder.template == "already_registered")).one()
        assert told.recipient_email == SIGN_UP["email"]
        subject, body = render_email(told, base_url=settings.base_url)
    assert "Pendaftaran dengan alamat email Anda" in subject and "/login" in body
    assert _token_of(client, SIGN_UP["email"], SIGN_UP["password"])  # the first password still works


def test_sign_ups_from_one_address_are_throttled(settings: Settings, catalog: None) -> None:
    strict = settings.model_copy(update={"registrations_per_address": 3})
    with TestClient(app_for(strict)) as client:
        for n in range(3):
            made = client.post("/api/v1/auth/register", json={**SIGN_UP, "email": f"banjir{n}@warga.test"})
            assert made.status_code == 202, made.text
        refused = client.post("/api/v1/auth/register", json={**SIGN_UP, "email": "banjir9@warga.test"})
        body = problem_of(refused, 429, "rate-limited")
        assert 1 <= int(refused.headers["Retry-After"]) <= 300
        assert "Terlalu banyak pendaftaran akun dari jaringan Anda" in body["detail"]
    with read_session(settings.database_url) as s:
        assert accounts.find_account(s, email="banjir9@warga.test") is None


@pytest.mark.parametrize(
    ("password", "says_id", "says_en"),
    [
        ("password123", "paling sering dipakai", "most common"),
        ("sari@warga.test", "sama dengan alamat email", "cannot be the email"),
        ("        ", "hanya berisi spasi", "only spaces"),
        ("qwertyuiop", "mudah ditebak", "easy to guess"),
    ],
)
def test_a_weak_password_is_a_422_naming_the_field_in_both_languages(
    client: TestClient, password: str, says_id: str, says_en: str
) -> None:
    body = {**SIGN_UP, "password": password}
    said = problem_of(client.post("/api/v1/auth/register", json=body), 422, "invalid-input")
    assert says_id in said["detail"] and said["errors"][0]["field"] == "password"
    english = client.post("/api/v1/auth/register", json=body, headers={"Accept-Language": "en"})
    assert says_en in problem_of(english, 422, "invalid-input")["detail"]


def test_accounts_made_by_an_admin_and_the_demo_accounts_are_verified(
    client: TestClient, admin_token: str, settings: Settings
) -> None:
    made = client.post(
        "/api/v1/accounts",
        headers=auth(admin_token),
        json={
            "email": "dewi@bkpsdm.id",
            "name": "Dewi",
            "password": "kata-sandi-dewi-7",
            "role": "stakeholder",
        },
    )
    assert made.status_code == 201 and made.json()["email_verified_at"]
    with unit_of_work(settings.database_url) as s:
        accounts.ensure_demo_accounts(s, password="kata-sandi-demo-42")
    with read_session(settings.database_url) as s:
        demo = [a for a in s.exec(select(Account)).all() if a.email.endswith("@siklus.local")]
        assert len(demo) == 4 and all(a.email_verified_at is not None for a in demo)
