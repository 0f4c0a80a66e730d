"""Fixtures of the API tests: a client on the real catalogue, accounts of each role and their tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from functools import lru_cache
from typing import Any

import pytest
from fastapi.testclient import TestClient

from policies.accounts import actions as accounts
from policies.accounts.models import Account, ApiToken, Role, StakeholderGroup
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import Settings
from tests.conftest import app_for

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
UNIT = "BKPSDM Kota Tangerang Selatan"
OTHER_UNIT = "BKPSDM Kabupaten Lampung Selatan"
PASSWORD = "kata-sandi-uji-123"


def auth(token: str) -> dict[str, str]:
    """Return the headers that sign a request in with a bearer token."""
    return {"Authorization": f"Bearer {token}"}


@lru_cache
def _password_hash() -> str:
    # argon2 is slow on purpose; one hash shared by every fixture account keeps the suite fast.
    return accounts.hash_password(PASSWORD)


def make_token(
    database_url: str,
    *,
    email: str,
    role: Role,
    name: str = "",
    unit: str = "",
    group: StakeholderGroup = StakeholderGroup.PUBLIC,
    nip: str = "",
    ttl_hours: int = 24,
) -> str:
    """Create an account (any role, password PASSWORD) and return a bearer token of it.

    The rows are written directly (login itself is tested in test_auth.py); the token is issued
    exactly as `accounts.login` issues it: random, stored only as its hash.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with unit_of_work(database_url) as session:
        account = Account(
            email=email,
            name=name or email.split("@")[0].title(),
            password_hash=_password_hash(),
            role=role,
            unit=unit,
            group=group.value,
            nip=nip,
            email_verified_at=now,  # fixture accounts are made as an admin makes them: verified
        )
        session.add(account)
        session.flush()
        session.add(
            ApiToken(
                account_id=account.id,  # type: ignore[arg-type]
                token_hash=accounts.hash_token(token),
                expires_at=now + timedelta(hours=ttl_hours),
            )
        )
    return token


def problem_of(response: object, status: int, code: str) -> dict[str, object]:
    """Assert a response is an RFC 9457 problem of this status and type; return its body."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"].endswith("/" + code), body
    assert body["status"] == status and body["detail"] and body["title"]
    return body


def open_consultation(
    client: TestClient, token: str, *, slug: str = SLUG, workshops: int = 2
) -> dict[str, object]:
    """Drive a catalogue policy through HTTP into consultation; return the open window."""
    headers = auth(token)
    assert client.post(
        f"/api/v1/policies/{slug}/advance", headers=headers, json={"to_stage": "workshop"}
    ).is_success
    for n in range(1, workshops + 1):
        made = client.post(
            f"/api/v1/policies/{slug}/workshops",
            headers=headers,
            json={"title": f"Lokakarya {n}", "starts_at": utcnow().isoformat(), "location": "Aula BKPSDM"},
        )
        assert made.status_code == 201, made.text
        done = client.post(
            f"/api/v1/policies/{slug}/workshops/{made.json()['id']}/minutes",
            headers=headers,
            json={"minutes": f"Notula lokakarya {n}."},
        )
        assert done.is_success, done.text
    assert client.post(f"/api/v1/policies/{slug}/versions/1/publish", headers=headers).is_success
    window = client.post(f"/api/v1/policies/{slug}/consultation", headers=headers, json={"version_number": 1})
    assert window.status_code == 201, window.text
    moved = client.post(
        f"/api/v1/policies/{slug}/advance", headers=headers, json={"to_stage": "consultation"}
    )
    assert moved.is_success, moved.text
    return window.json()


@pytest.fixture
def client(settings: Settings, catalog: None) -> Iterator[TestClient]:
    """A client of the app on the test database with the catalogue loaded."""
    with TestClient(app_for(settings)) as test_client:
        yield test_client


# Each role's fixture account; the page tests sign in as the same people.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "admin": {"email": "ani@siklus.test", "name": "Ani Admin", "role": Role.ADMIN},
    "drafter": {"email": "rina@bkpsdm.test", "name": "Rina Perancang", "role": Role.DRAFTER, "unit": UNIT},
    "other_drafter": {
        "email": "joko@lampung.test",
        "name": "Joko Perancang",
        "role": Role.DRAFTER,
        "unit": OTHER_UNIT,
    },
    "moderator": {"email": "maya@siklus.test", "name": "Maya Moderator", "role": Role.MODERATOR},
    "stakeholder": {
        "email": "budi@asn.test",
        "name": "Budi Santoso",
        "role": Role.STAKEHOLDER,
        "group": StakeholderGroup.ASN,
        "nip": "198703152010011002",
        "unit": "Dinas Pendidikan",
    },
    "evaluator": {"email": "eva@siklus.test", "name": "Eva Evaluator", "role": Role.EVALUATOR, "unit": UNIT},
}


@pytest.fixture
def admin_token(db: str) -> str:
    """A token of an admin."""
    return make_token(db, **ACCOUNTS["admin"])


@pytest.fixture
def drafter_token(db: str) -> str:
    """A token of a drafter of the unit that owns the catalogue's Tangerang Selatan policies."""
    return make_token(db, **ACCOUNTS["drafter"])


@pytest.fixture
def other_drafter_token(db: str) -> str:
    """A token of a drafter of another unit (Lampung Selatan)."""
    return make_token(db, **ACCOUNTS["other_drafter"])


@pytest.fixture
def moderator_token(db: str) -> str:
    """A token of a moderator."""
    return make_token(db, **ACCOUNTS["moderator"])


@pytest.fixture
def stakeholder_token(db: str) -> str:
    """A token of an ASN stakeholder."""
    return make_token(db, **ACCOUNTS["stakeholder"])
