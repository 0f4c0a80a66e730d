"""Inputs that used to reach the database and fail there (a 500) are refused first, as 4xx problems.

NUL characters (PostgreSQL refuses them), ids beyond an INTEGER column (PostgreSQL refuses to
compare them, SQLite overflows past 2**63), dates
outside 2000–2100 (date arithmetic overflows) and odd If-Match digits. Run on both databases.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policies.core.listing import encode_cursor
from service.api.params import MAX_ID
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

BASE = f"/api/v1/policies/{SLUG}"


def _invalid(response: object, field: str) -> None:
    body = problem_of(response, 422, "validation-error")
    assert field in {e["field"] for e in body["errors"]}, body


@pytest.fixture
def ready(client: TestClient, drafter_token: str) -> dict[str, object]:
    """Open the consultation; return a clause key and a workshop id."""
    open_consultation(client, drafter_token)
    key = client.get(f"{BASE}/versions/1").json()["clauses"][0]["key"]
    return {"key": key, "workshop": client.get(f"{BASE}/workshops").json()[0]["id"]}


def test_a_nul_character_is_refused_in_every_kind_of_text(
    client: TestClient, ready: dict[str, object], stakeholder_token: str, drafter_token: str, db: str
) -> None:
    nul = "ada\x00nul"
    stakeholder, drafter = auth(stakeholder_token), auth(drafter_token)
    comment = {"clause_key": ready["key"], "body": "Masukan biasa."}
    _invalid(client.post(f"{BASE}/comments", headers=stakeholder, json={**comment, "body": nul}), "body")
    _invalid(client.post(f"{BASE}/comments", headers=stakeholder, json={**comment, "quote": nul}), "quote")
    _invalid(
        client.post(f"{BASE}/comments", headers=stakeholder, json={**comment, "clause_key": nul}),
        "clause_key",
    )
    made = client.post(f"{BASE}/comments", headers=stakeholder, json=comment).json()
    _invalid(
        client.post(f"{BASE}/comments/{made['id']}/replies", headers=stakeholder, json={"body": nul}), "body"
    )
    answer = {"outcome": "noted", "reason": "Dicatat.", "next_clause_key": nul}
    _invalid(
        client.put(f"{BASE}/comments/{made['id']}/disposition", headers=drafter, json=answer),
        "next_clause_key",
    )
    workshop = {"title": nul, "starts_at": "2026-09-01T09:00:00+07:00", "location": "Aula"}
    _invalid(client.post(f"{BASE}/workshops", headers=drafter, json=workshop), "title")
    _invalid(
        client.post(f"{BASE}/workshops/{ready['workshop']}/minutes", headers=drafter, json={"minutes": nul}),
        "minutes",
    )
    _invalid(client.post(f"{BASE}/withdraw", headers=drafter, json={"reason": nul}), "reason")
    signup = {"email": "nul\x00@warga.test", "name": "Warga", "password": "kata-sandi-panjang"}
    _invalid(client.post("/api/v1/auth/register", json=signup), "email")
    _invalid(client.post("/api/v1/auth/login", json={"email": nul, "password": "x"}), "email")
    _invalid(client.get(f"{BASE}/comments", params={"clause_key": nul}), "clause_key")
    _invalid(client.get("/api/v1/policies", params={"unit": nul}), "unit")
    _invalid(client.get("/api/v1/policies/ada%00nul"), "slug")
    _invalid(client.get("/api/v1/policies/ada%00nul/comments"), "slug")


def test_ids_beyond_the_database_integer_are_422_and_the_largest_one_is_404(
    client: TestClient, ready: dict[str, object], stakeholder_token: str, drafter_token: str
) -> None:
    _invalid(client.get(f"{BASE}/comments/{MAX_ID + 1}"), "comment_id")
    problem_of(client.get(f"{BASE}/comments/{MAX_ID}"), 404, "not-found")
    problem_of(client.get(f"{BASE}/workshops/{MAX_ID}"), 404, "not-found")
    _invalid(client.get(f"{BASE}/versions/{MAX_ID + 1}"), "number")
    problem_of(client.get(f"{BASE}/versions/{MAX_ID}"), 404, "not-found")
    _invalid(client.get(f"{BASE}/diff", params={"from": MAX_ID + 1, "to": 1}), "from")
    _invalid(client.get(f"{BASE}/comments", params={"campaign_id": MAX_ID + 1}), "campaign_id")
    assert client.get(f"{BASE}/comments", params={"campaign_id": MAX_ID}).json()["items"] == []
    problem_of(client.get(f"{BASE}/comments", params={"window_id": MAX_ID}), 404, "not-found")
    vote = client.put(f"{BASE}/comments/{MAX_ID}/vote", headers=auth(stakeholder_token), json={"value": 1})
    problem_of(vote, 404, "not-found")
    attendee = client.post(
        f"{BASE}/workshops/{ready['workshop']}/attendance",
        headers=auth(drafter_token),
        json={"account_id": MAX_ID},
    )
    problem_of(attendee, 404, "not-found")
    _invalid(
        client.post(
            f"{BASE}/advance",
            headers=auth(drafter_token),
            json={"to_stage": "workshop", "expected_version": MAX_ID + 1},
        ),
        "expected_version",
    )
    odd_digit = client.post(
        f"{BASE}/advance",
        headers={**auth(drafter_token), "If-Match": "²".encode("latin-1")},
        json={"to_stage": "socialization"},
    )
    assert problem_of(odd_digit, 422, "invalid-input")["errors"][0]["field"] == "If-Match"


def test_dates_outside_2000_to_2100_are_refused(client: TestClient, drafter_token: str) -> None:
    drafter = auth(drafter_token)
    assert client.post(f"{BASE}/advance", headers=drafter, json={"to_stage": "workshop"}).is_success
    assert client.post(f"{BASE}/versions/1/publish", headers=drafter).is_success
    far = {"version_number": 1, "opens_at": "9999-12-31T00:00:00Z"}
    _invalid(client.post(f"{BASE}/consultation", headers=drafter, json=far), "opens_at")
    past = {"version_number": 1, "closes_at": "1999-12-31T23:59:59Z"}
    _invalid(client.post(f"{BASE}/consultation", headers=drafter, json=past), "closes_at")
    late = {"version_number": 1, "opens_at": "2100-12-31T00:00:00Z", "days": 365}
    made = client.post(f"{BASE}/consultation", headers=drafter, json=late)
    assert made.status_code == 201 and made.json()["closes_at"].startswith("2101-12-31")
    workshop = {"title": "Lokakarya", "starts_at": "9999-12-31T00:00:00Z", "location": "Aula"}
    _invalid(client.post(f"{BASE}/workshops", headers=drafter, json=workshop), "starts_at")
    adoption = {
        "version_number": 1,
        "instrument_type": "Peraturan Wali Kota",
        "number": "1",
        "adopted_on": "9999-12-31",
        "signed_by": "Wali Kota",
    }
    _invalid(client.post(f"{BASE}/adoption", headers=drafter, json=adoption), "adopted_on")
    session = {"title": "Sosialisasi", "held_on": "1900-01-01", "attendance_count": 1}
    _invalid(client.post(f"{BASE}/socialization/sessions", headers=drafter, json=session), "held_on")
    mentoring = {"mentor_name": "A", "mentee_name": "B", "started_on": "0001-01-01"}
    _invalid(client.post(f"{BASE}/mentoring", headers=drafter, json=mentoring), "started_on")


def test_a_forged_policy_cursor_cannot_smuggle_nul_or_huge_numbers(client: TestClient) -> None:
    for forged in ({"slug": "a\x00b"}, {"slug": 2**70}, {"slug": ["a"]}):
        body = problem_of(
            client.get("/api/v1/policies", params={"after": encode_cursor(forged)}), 422, "invalid-input"
        )
        assert body["errors"][0]["field"] == "after"
    assert (
        client.get("/api/v1/policies", params={"after": encode_cursor({"slug": "perbup"})}).status_code == 200
    )
