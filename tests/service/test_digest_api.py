"""Digest settings over the API: preferences per kind, following a policy, the events kept for a digest."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.accounts.models import Role
from tests.service.conftest import ACCOUNTS, SLUG, auth, make_token, problem_of

ALL_IMMEDIATE = {k: "immediate" for k in ("stage", "answer", "reply", "version", "survey")}


def test_preferences_per_kind_default_to_immediately_and_change_one_kind_at_a_time(
    client: TestClient, db: str
) -> None:
    token = make_token(db, **ACCOUNTS["stakeholder"])
    assert client.get("/api/v1/me/notice-preferences", headers=auth(token)).json() == ALL_IMMEDIATE
    put = client.put(
        "/api/v1/me/notice-preferences", headers=auth(token), json={"stage": "daily", "reply": "off"}
    )
    assert put.status_code == 200
    assert put.json() == {**ALL_IMMEDIATE, "stage": "daily", "reply": "off"}
    weekly = client.put("/api/v1/me/notice-preferences", headers=auth(token), json={"version": "weekly"})
    assert weekly.json() == {**ALL_IMMEDIATE, "stage": "daily", "reply": "off", "version": "weekly"}
    body = problem_of(
        client.put("/api/v1/me/notice-preferences", headers=auth(token), json={"stage": "hourly"}),
        422,
        "validation-error",
    )
    assert "stage" in str(body)
    problem_of(client.get("/api/v1/me/notice-preferences"), 401, "unauthenticated")
    problem_of(client.put("/api/v1/me/notice-preferences", json={"stage": "daily"}), 401, "unauthenticated")


def test_a_follower_on_a_daily_digest_gets_the_stage_event_kept_not_a_notice(
    client: TestClient, db: str, drafter_token: str
) -> None:
    token = make_token(db, email="warga@example.id", role=Role.STAKEHOLDER)
    assert client.get(f"/api/v1/policies/{SLUG}/follow", headers=auth(token)).json() == {"following": False}
    assert client.put(f"/api/v1/policies/{SLUG}/follow", headers=auth(token)).json() == {"following": True}
    assert client.put(f"/api/v1/policies/{SLUG}/follow", headers=auth(token)).json() == {"following": True}
    assert client.get(f"/api/v1/policies/{SLUG}/follow", headers=auth(token)).json() == {"following": True}
    client.put("/api/v1/me/notice-preferences", headers=auth(token), json={"stage": "daily"})
    moved = client.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter_token), json={"to_stage": "workshop"}
    )
    assert moved.is_success, moved.text
    (event,) = client.get("/api/v1/me/digest-events", headers=auth(token)).json()
    assert (event["kind"], event["cadence"], event["digested_at"]) == ("stage", "daily", None)
    assert event["context"]["text"] == "Memasuki tahap Lokakarya." and event["context"]["slug"] == SLUG
    assert client.get("/api/v1/me/inbox", headers=auth(token)).json() == []  # no notice now
    assert client.delete(f"/api/v1/policies/{SLUG}/follow", headers=auth(token)).json() == {
        "following": False
    }
    problem_of(client.put(f"/api/v1/policies/{SLUG}/follow"), 401, "unauthenticated")
    problem_of(client.put("/api/v1/policies/tidak-ada/follow", headers=auth(token)), 404, "not-found")


def test_an_immediate_follower_gets_the_notice_in_the_inbox_at_once(
    client: TestClient, db: str, drafter_token: str
) -> None:
    token = make_token(db, email="warga@example.id", role=Role.STAKEHOLDER)
    client.put(f"/api/v1/policies/{SLUG}/follow", headers=auth(token))
    client.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter_token), json={"to_stage": "workshop"}
    )
    (message,) = client.get("/api/v1/me/inbox", headers=auth(token)).json()
    assert message["template"] == "policy_event" and "Memasuki tahap Lokakarya." in message["body"]
    assert client.get("/api/v1/me/digest-events", headers=auth(token)).json() == []
