"""The bare service: health, policy reads, and problem+json for every error."""

from __future__ import annotations

from fastapi.testclient import TestClient

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_list_and_read_policy_with_gates(client: TestClient) -> None:
    listed = client.get("/api/v1/policies").json()["items"]
    assert SLUG in [p["slug"] for p in listed]
    body = client.get(f"/api/v1/policies/{SLUG}").json()
    assert body["stage"] == "drafting"
    steps = {s["stage"]: s for s in body["next_stages"]}
    assert steps["workshop"]["ready"] is True
    assert steps["workshop"]["gates"][0]["gate"] == "draft_exists"
    assert steps["withdrawn"]["gates"] == []


def test_history_starts_with_creation(client: TestClient) -> None:
    history = client.get(f"/api/v1/policies/{SLUG}/history").json()
    assert [(e["from_stage"], e["to_stage"]) for e in history] == [(None, "drafting")]


def test_unknown_policy_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/v1/policies/tidak-ada")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/not-found")
    assert "tidak-ada" in problem["detail"]


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_openapi_is_served(client: TestClient) -> None:
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Siklus"
