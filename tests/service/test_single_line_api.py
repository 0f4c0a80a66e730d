"""Titles and names are one line: a line break in any of them is a 422 problem naming the field.

A title or a name ends up in an email's Subject or To header; a line break there made the message
undeliverable forever and forged a header line in the in-app inbox.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, problem_of
from tests.service.test_policies_api import NEW

FORGED = "Perwal Mutasi ASN\nBcc: mallory@evil.example"
WHEN = "2026-09-01T09:00:00+07:00"


def _refused(response: object, field: str) -> None:
    body = problem_of(response, 422, "validation-error")  # type: ignore[arg-type]
    assert [e["field"] for e in body["errors"]] == [field]
    assert "single line" in body["errors"][0]["message"] and field in body["detail"]


@pytest.mark.parametrize("bad", [FORGED, "Judul\rBcc: x", "Judul\u2028lain", "Judul\tdengan tab"])
def test_a_policy_title_with_a_line_break_is_refused(
    client: TestClient, drafter_token: str, bad: str
) -> None:
    _refused(
        client.post("/api/v1/policies", headers=auth(drafter_token), json={**NEW, "title": bad}), "title"
    )
    assert client.get(f"/api/v1/policies/{NEW['slug']}").status_code == 404  # nothing was created


def test_a_display_name_or_address_with_a_line_break_is_refused(client: TestClient) -> None:
    person = {"email": "siti@example.id", "name": "Siti", "password": "rahasia-panjang-123"}
    _refused(
        client.post("/api/v1/auth/register", json={**person, "name": "Siti\nBcc: x@evil.example"}), "name"
    )
    _refused(
        client.post("/api/v1/auth/register", json={**person, "email": "siti@example.id\nBcc: x"}), "email"
    )


def test_version_workshop_and_rollout_titles_and_names_are_one_line(
    client: TestClient, drafter_token: str
) -> None:
    headers = auth(drafter_token)
    base = f"/api/v1/policies/{SLUG}"
    version = client.post(
        f"{base}/versions", headers=headers, json={"body": "# Judul\n\n### Pasal 1\n\nSatu.", "title": FORGED}
    )
    _refused(version, "title")
    _refused(
        client.post(f"{base}/workshops", headers=headers, json={"title": FORGED, "starts_at": WHEN}), "title"
    )
    _refused(client.post(f"{base}/workshops/1/attendance", headers=headers, json={"name": FORGED}), "name")
    session = {"title": FORGED, "held_on": "2026-09-20", "attendance_count": 7}
    _refused(client.post(f"{base}/socialization/sessions", headers=headers, json=session), "title")
    pair = {"mentor_name": "Dr. Sri", "mentee_name": FORGED, "started_on": "2026-10-01"}
    _refused(client.post(f"{base}/mentoring", headers=headers, json=pair), "mentee_name")
    # A title on one line still goes through.
    fine = client.post(
        f"{base}/workshops",
        headers=headers,
        json={"title": "Lokakarya Satu", "starts_at": WHEN, "location": "Aula"},
    )
    assert fine.status_code == 201, fine.text
