"""Idempotency-Key on stage changes: replayed, never done twice, refused when reused differently."""

from __future__ import annotations

import threading

from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from service.idempotency import HEADER, IDEMPOTENT, IdempotentRoute
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

ADVANCE = f"/api/v1/policies/{SLUG}/advance"
HISTORY = f"/api/v1/policies/{SLUG}/history"


def _headers(token: str, key: str) -> dict[str, str]:
    return {**auth(token), "Idempotency-Key": key}


def test_retry_replays_the_first_response_and_changes_nothing(client: TestClient, drafter_token: str) -> None:
    body = {"to_stage": "workshop", "reason": "Siap"}
    first = client.post(ADVANCE, headers=_headers(drafter_token, "k-1"), json=body)
    retry = client.post(ADVANCE, headers=_headers(drafter_token, "k-1"), json=body)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json() and retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert [e["to_stage"] for e in client.get(HISTORY).json()] == ["drafting", "workshop"]


def test_same_key_with_another_request_is_422(client: TestClient, drafter_token: str) -> None:
    client.post(ADVANCE, headers=_headers(drafter_token, "k-2"), json={"to_stage": "workshop"})
    other = client.post(
        ADVANCE, headers=_headers(drafter_token, "k-2"), json={"to_stage": "withdrawn", "reason": "x"}
    )
    body = problem_of(other, 422, "invalid-input")
    assert body["errors"][0]["field"] == "Idempotency-Key" and "kunci baru" in body["detail"]


def test_a_refusal_is_not_stored_so_a_fixed_retry_succeeds(client: TestClient, drafter_token: str) -> None:
    withdraw = f"/api/v1/policies/{SLUG}/withdraw"
    client.post(ADVANCE, headers=auth(drafter_token), json={"to_stage": "workshop"})
    stale = client.post(ADVANCE, headers=_headers(drafter_token, "k-3"), json={"to_stage": "drafting"})
    problem_of(stale, 409, "transition-not-allowed")
    done = client.post(withdraw, headers=_headers(drafter_token, "k-4"), json={"reason": "Dibatalkan"})
    again = client.post(withdraw, headers=_headers(drafter_token, "k-4"), json={"reason": "Dibatalkan"})
    assert done.status_code == again.status_code == 200 and done.json() == again.json()


def test_keys_belong_to_one_account(client: TestClient, drafter_token: str, admin_token: str) -> None:
    body = {"to_stage": "workshop"}
    assert client.post(ADVANCE, headers=_headers(drafter_token, "same"), json=body).status_code == 200
    # The admin's identical key is a different request: it runs, and is refused by the stage machine.
    problem_of(
        client.post(ADVANCE, headers=_headers(admin_token, "same"), json=body), 409, "transition-not-allowed"
    )


def test_concurrent_twins_act_once(client: TestClient, drafter_token: str) -> None:
    results: list[tuple[int, dict[str, object]]] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        r = client.post(ADVANCE, headers=_headers(drafter_token, "twin"), json={"to_stage": "workshop"})
        results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in results] == [200, 200]
    assert results[0][1] == results[1][1]
    assert [e["to_stage"] for e in client.get(HISTORY).json()] == ["drafting", "workshop"]


def test_key_length_is_validated(client: TestClient, drafter_token: str) -> None:
    long = client.post(ADVANCE, headers=_headers(drafter_token, "k" * 201), json={"to_stage": "workshop"})
    body = problem_of(long, 422, "validation-error")
    assert body["errors"][0]["field"] == "Idempotency-Key"


def test_creating_posts_replay_too(client: TestClient, drafter_token: str) -> None:
    headers = _headers(drafter_token, "lokakarya-1")
    workshop = {"title": "Lokakarya I", "starts_at": "2026-09-01T09:00:00+07:00", "location": "Aula"}
    url = f"/api/v1/policies/{SLUG}/workshops"
    first = client.post(url, headers=headers, json=workshop)
    again = client.post(url, headers=headers, json=workshop)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert [w["id"] for w in client.get(url).json()] == [first.json()["id"]]
    version = {"body": "### Pasal 1\n\nTeks."}
    versions = f"/api/v1/policies/{SLUG}/versions"
    made = [client.post(versions, headers=_headers(drafter_token, "versi-2"), json=version) for _ in range(2)]
    assert [m.json()["number"] for m in made] == [2, 2]
    assert len(client.get(versions, headers=auth(drafter_token)).json()) == 2


def test_every_route_taking_the_key_can_replay(client: TestClient) -> None:
    routes = [c.original_route for c in iter_route_contexts(client.app.routes)]  # type: ignore[attr-defined]
    api = [r for r in routes if isinstance(r, APIRoute)]
    keyed = [r for r in api if any(p.alias == HEADER for p in get_flat_params(r.dependant))]
    assert len(keyed) >= 12
    for route in keyed:
        # The contained writes (a comment, a policy, an advance, a withdrawal) claim the key inside
        # their own unit of work (`run_idempotent`).
        uses_dependency = any(d.call is IDEMPOTENT.dependency for d in route.dependant.dependencies)
        assert uses_dependency or route.name in {"create", "advance_policy", "withdraw_policy"}, route.path
        assert not uses_dependency or isinstance(route, IdempotentRoute), route.path


def test_a_reply_replays_and_a_bad_body_claims_nothing(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    open_consultation(client, drafter_token)
    comments = f"/api/v1/policies/{SLUG}/comments"
    clause = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    made = client.post(
        comments, headers=auth(stakeholder_token), json={"clause_key": clause, "body": "Mohon."}
    )
    replies = f"{comments}/{made.json()['id']}/replies"
    headers = _headers(drafter_token, "balasan-1")
    problem_of(client.post(replies, headers=headers, json={"body": ""}), 422, "validation-error")
    problem_of(
        client.post(replies, json={"body": "Tanpa akun."}, headers={"Idempotency-Key": "x"}),
        401,
        "unauthenticated",
    )
    first = client.post(replies, headers=headers, json={"body": "Akan dirinci."})
    again = client.post(replies, headers=headers, json={"body": "Akan dirinci."})
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    replies_read = client.get(f"{comments}/{made.json()['id']}").json()["replies"]
    assert [r["body"] for r in replies_read] == ["Akan dirinci."]
