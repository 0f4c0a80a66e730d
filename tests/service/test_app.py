"""The bare service: health, policy reads, and problem+json for every error."""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import compile_path

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    # The tests' settings dispatch nothing to Prefect: its state is not asked for.
    assert response.json() == {"status": "ok", "database": "ok", "prefect": "disabled"}


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


def test_every_route_is_the_first_to_match_its_own_address(client: TestClient) -> None:
    # The routers are included hottest first (service/app.py): an order that let an earlier
    # route swallow a later one's address would make that later route unreachable.
    contexts = [c for c in iter_route_contexts(client.app.routes) if c.methods and c.path]  # type: ignore[attr-defined]
    assert len(contexts) > 100
    compiled = [(c, compile_path(c.path)[0]) for c in contexts]
    for context, _ in compiled:
        address = re.sub(r"\{[^}]+\}", "1", context.path)
        for method in context.methods:
            first = next(c for c, regex in compiled if method in c.methods and regex.match(address))
            assert first.endpoint is context.endpoint, (method, context.path, first.path)
