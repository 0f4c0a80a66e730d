"""An evaluator's own recommendation through the API: on a closed round only, never the drafter's."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import ACCOUNTS, SLUG, auth, make_token
from tests.web.test_evaluation_rounds_pages import in_evaluation


def test_an_evaluator_adds_a_recommendation_to_a_closed_round(
    client: TestClient, db: str, drafter_token: str
) -> None:
    in_evaluation(db)
    evaluator = make_token(db, **ACCOUNTS["evaluator"])
    opened = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(evaluator), json={})
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    path = f"/api/v1/rounds/{round_id}/recommendations"
    early = client.post(path, headers=auth(evaluator), json={"text": "Terlalu dini."})
    assert early.status_code == 409 and early.headers["content-type"] == "application/problem+json"
    assert client.post(f"/api/v1/rounds/{round_id}/close", headers=auth(evaluator)).status_code == 200
    refused = client.post(path, headers=auth(drafter_token), json={"text": "Sendiri."})
    assert refused.status_code == 403
    blank = client.post(path, headers=auth(evaluator), json={"text": ""})
    assert blank.status_code == 422
    made = client.post(path, headers=auth(evaluator), json={"text": "Perluas pelatihan daring."})
    assert made.status_code == 201, made.text
    assert made.json()["reasons"][-1]["text"] == "Perluas pelatihan daring."
    listed = client.get(f"/api/v1/policies/{SLUG}/recommendations").json()["items"]
    assert [r["id"] for r in listed] == [made.json()["id"]]
