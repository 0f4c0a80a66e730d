"""Fixtures of the page tests: a client on the real catalogue and helpers to fill forms like a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policies.models import Role, StakeholderGroup
from policies.settings import Settings
from service.app import create_app
from tests.service.conftest import PASSWORD, UNIT, make_token

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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
    """Sign the client in through the login form."""
    response = post_form(client, "/login", {"email": email, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.fixture
def web(settings: Settings, catalog: None) -> Iterator[TestClient]:
    """A browser-like client of the app on the test database with the catalogue loaded."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def drafter(db: str) -> str:
    """An account of a drafter of the catalogue policies' unit; returns its API token."""
    return make_token(db, email="rina@bkpsdm.test", name="Rina Perancang", role=Role.DRAFTER, unit=UNIT)


@pytest.fixture
def stakeholder(db: str) -> str:
    """An ASN stakeholder account; returns its API token."""
    return make_token(
        db,
        email="budi@asn.test",
        name="Budi Santoso",
        role=Role.STAKEHOLDER,
        group=StakeholderGroup.ASN,
        nip="198703152010011002",
        unit="Dinas Pendidikan",
    )


@pytest.fixture
def moderator(db: str) -> str:
    """A moderator account; returns its API token."""
    return make_token(db, email="maya@siklus.test", name="Maya Moderator", role=Role.MODERATOR)
