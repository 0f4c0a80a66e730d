"""Tracking over HTTP: a comment's status without an account, the closed days, the answer clocks."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.consultation.tracking_numbers import EXAMPLE
from tests.service.conftest import SLUG, auth, open_consultation, problem_of


def test_a_comment_is_tracked_without_an_account(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    open_consultation(client, drafter_token)
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][1]["key"]
    made = client.post(
        f"/api/v1/policies/{SLUG}/comments",
        headers=auth(stakeholder_token),
        json={"clause_key": key, "body": "Jam pelatihan perlu dirinci."},
    )
    assert made.status_code == 201, made.text
    tracking = made.json()["tracking_number"]
    # The receipt waits in the author's inbox too, with the number and the date the answer is due.
    inbox = client.get("/api/v1/me/inbox", headers=auth(stakeholder_token)).json()
    (receipt,) = [m for m in inbox if m["template"] == "comment_receipt"]
    assert receipt["context"]["tracking_number"] == tracking and tracking in receipt["subject"]

    status = client.get(f"/api/v1/tracking/{tracking.lower()}")  # no token, any case
    assert status.status_code == 200, status.text
    body = status.json()
    assert body["tracking_number"] == tracking and body["body"] == "Jam pelatihan perlu dirinci."
    assert body["state"] == "due" and body["due_on"] == receipt["context"]["due_on"][:10]
    assert body["outcome"] is None
    assert body["policy_slug"] == SLUG and body["is_reply"] is False

    malformed = problem_of(client.get("/api/v1/tracking/ABC"), 404, "not-found")
    assert EXAMPLE in malformed["detail"]
    unknown = problem_of(
        client.get("/api/v1/tracking/SKL-2222-2222", headers={"Accept-Language": "en"}), 404, "not-found"
    )
    assert unknown["detail"] == (
        "No comment has the tracking number SKL-2222-2222. Check the number on your receipt."
    )

    clocks = client.get("/api/v1/answer-clocks", headers=auth(drafter_token))
    assert clocks.status_code == 200, clocks.text
    (owed,) = clocks.json()["owed"]
    assert (owed["tracking_number"], owed["state"], owed["policy_slug"]) == (tracking, "due", SLUG)
    assert clocks.json()["by_unit"]["BKPSDM Kota Tangerang Selatan"]["due"] == 1
    refused = problem_of(
        client.get("/api/v1/answer-clocks", headers=auth(stakeholder_token)), 403, "forbidden"
    )
    assert "peran" in refused["detail"]
    problem_of(client.get("/api/v1/answer-clocks"), 401, "unauthenticated")


def test_admins_amend_the_closed_days(client: TestClient, admin_token: str, stakeholder_token: str) -> None:
    listed = client.get("/api/v1/holidays", params={"year": 2027})
    assert listed.status_code == 200
    assert [h["closed_on"] for h in listed.json()][:2] == ["2027-02-05", "2027-03-09"]
    day = {
        "closed_on": "2027-04-14",
        "name": "Hari Jadi Kabupaten",
        "kind": "regional",
        "basis": "Perbup 3/2027",
    }
    refused = problem_of(
        client.post("/api/v1/holidays", headers=auth(stakeholder_token), json=day), 403, "forbidden"
    )
    assert "admin" in refused["detail"].lower()
    made = client.post("/api/v1/holidays", headers=auth(admin_token), json=day)
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "regional"
    again = problem_of(client.post("/api/v1/holidays", headers=auth(admin_token), json=day), 409, "conflict")
    assert "sudah tercatat" in again["detail"]
    national = {**day, "closed_on": "2027-08-17"}
    assert (
        "libur nasional"
        in problem_of(
            client.post("/api/v1/holidays", headers=auth(admin_token), json=national), 409, "conflict"
        )["detail"]
    )
    bad = client.post("/api/v1/holidays", headers=auth(admin_token), json={**day, "kind": "birthday"})
    assert "kind" in problem_of(bad, 422, "validation-error")["detail"]
    holiday_id = made.json()["id"]
    assert client.delete(f"/api/v1/holidays/{holiday_id}", headers=auth(stakeholder_token)).status_code == 403
    assert client.delete(f"/api/v1/holidays/{holiday_id}", headers=auth(admin_token)).status_code == 204
    problem_of(client.delete(f"/api/v1/holidays/{holiday_id}", headers=auth(admin_token)), 404, "not-found")
