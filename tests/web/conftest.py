"""Fixtures of the page tests: a client on the real catalogue and helpers to fill forms like a browser."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from datetime import date
from http.cookiejar import eff_request_host

import pytest
from fastapi.testclient import TestClient

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.comments import create_comment
from policies.consultation.models import Stance
from policies.consultation.queries import current_window
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.drafting.queries import clauses_of
from policies.lifecycle.queries import get_policy
from policies.rollout.actions import record_adoption
from service.web.render import SESSION_COOKIE
from tests.conftest import DRAFTER, app_for
from tests.service.conftest import ACCOUNTS, PASSWORD, SLUG, UNIT, make_token

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DRAFT = f"/policies/{SLUG}/versions/1"

__all__ = [
    "DRAFT",
    "DRAFTER",
    "SLUG",
    "UNIT",
    "adopt",
    "clause_keys",
    "comment",
    "csrf_of",
    "log_in",
    "sign_in",
]


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """Open a page and return the CSRF token its forms carry (the cookie is kept by the client)."""
    page = client.get(path)
    match = CSRF.search(page.text)
    assert match, f"no form on {path}"
    return match.group(1)


def post_form(client: TestClient, path: str, data: dict[str, str], *, page: str = "/login", **kw: object):
    """Submit a form the way a browser does: with the CSRF token of a page just opened."""
    return client.post(path, data={"csrf_token": csrf_of(client, page), **data}, **kw)  # type: ignore[arg-type]


def log_in(client: TestClient, email: str) -> None:
    """Sign the client in through the login form (after signing out whoever was in)."""
    client.cookies.delete(SESSION_COOKIE)
    response = post_form(client, "/login", {"email": email, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text


def sign_in(client: TestClient, token: str) -> None:
    """Sign the client in with a fixture's token, as the login form would leave it (no argon2 check).

    The session cookie holds the opaque login token itself; it is stored under the host the
    client's cookie jar files the app's own cookies under, so the app can clear it on logout.
    """
    client.cookies.delete(SESSION_COOKIE)
    host = eff_request_host(urllib.request.Request(str(client.base_url)))[1]
    client.cookies.set(SESSION_COOKIE, token, domain=host)


def use_english(client: TestClient) -> None:
    """Switch the client's pages to English through the language form."""
    moved = post_form(client, "/lang", {"lang": "en", "next": "/"}, page="/", follow_redirects=False)
    assert moved.status_code == 303


def clause_keys(db: str) -> list[str]:
    """Return the clause keys of the version under consultation."""
    with unit_of_work(db) as s:
        window = current_window(s, policy=get_policy(s, slug=SLUG))
        assert window is not None
        return [c.key for c in clauses_of(s, version_id=window.version_id)]


def comment(db: str, *, key: str, body: str, stance: Stance = Stance.NEUTRAL, name: str = "Warga") -> int:
    """Post a comment through the domain action, as a stakeholder without an account; return its id."""
    with unit_of_work(db) as s:
        made = create_comment(
            s,
            actor=Actor(id=None, name=name, role=Role.STAKEHOLDER),
            slug=SLUG,
            clause_key=key,
            body=body,
            stance=stance,
        )
        return made.id or 0


def adopt(db: str) -> None:
    """Record the adoption of version 1 (the policy must be under consultation)."""
    with unit_of_work(db) as s:
        record_adoption(
            s,
            actor=DRAFTER,
            slug=SLUG,
            version_number=1,
            instrument_type="Peraturan Wali Kota",
            number="12 Tahun 2026",
            adopted_on=date(2026, 9, 30),
            signed_by="Wali Kota Tangerang Selatan",
        )


@pytest.fixture
def web(settings: Settings, catalog: None) -> Iterator[TestClient]:
    """A browser-like client of the app on the test database with the catalogue loaded."""
    with TestClient(app_for(settings)) as client:
        yield client


@pytest.fixture
def drafter(db: str) -> str:
    """An account of a drafter of the catalogue policies' unit (rina@bkpsdm.test); returns its API token."""
    return make_token(db, **ACCOUNTS["drafter"])


@pytest.fixture
def other_drafter(db: str) -> str:
    """A drafter of another unit, Lampung Selatan (joko@lampung.test); returns its API token."""
    return make_token(db, **ACCOUNTS["other_drafter"])


@pytest.fixture
def admin(db: str) -> str:
    """An admin account (ani@siklus.test); returns its API token."""
    return make_token(db, **ACCOUNTS["admin"])


@pytest.fixture
def stakeholder(db: str) -> str:
    """An ASN stakeholder account (budi@asn.test); returns its API token."""
    return make_token(db, **ACCOUNTS["stakeholder"])


@pytest.fixture
def moderator(db: str) -> str:
    """A moderator account (maya@siklus.test); returns its API token."""
    return make_token(db, **ACCOUNTS["moderator"])


@pytest.fixture
def evaluator(db: str) -> str:
    """An evaluator account (eva@siklus.test); returns its API token."""
    return make_token(db, **ACCOUNTS["evaluator"])
