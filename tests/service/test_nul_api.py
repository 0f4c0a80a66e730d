"""The API answers a NUL the domain refuses with a 4xx problem on every database, never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, problem_of
from tests.service.test_evaluation_api import evaluator_token, in_evaluation, open_with_population, sheet

__all__ = ["evaluator_token", "in_evaluation"]  # fixtures shared with the evaluation API tests

BAD = "teks\x00rusak"


def test_evaluation_texts_holding_nul_are_refused_as_problems(
    client: TestClient, in_evaluation: str, evaluator_token: str
) -> None:
    headers = auth(evaluator_token)
    rid, tokens = open_with_population(client, evaluator_token)
    made = client.post(
        f"/api/v1/policies/{SLUG}/indicators",
        headers=headers,
        json={"code": "baru", "name": BAD, "unit": "persen", "target": 1},
    )
    body = problem_of(made, 422, "invalid-input")
    assert body["errors"][0]["field"] == "name" and "NUL" in body["detail"]
    manual = next(
        i
        for i in client.get(f"/api/v1/policies/{SLUG}/indicators").json()["items"]
        if i["source"] == "manual"
    )
    noted = client.post(
        f"/api/v1/indicators/{manual['id']}/measurements", headers=headers, json={"value": 1, "note": BAD}
    )
    assert problem_of(noted, 422, "invalid-input")["errors"][0]["field"] == "note"
    accounts = client.post(f"/api/v1/rounds/{rid}/population/accounts", headers=headers, json={"unit": BAD})
    assert problem_of(accounts, 422, "invalid-input")["errors"][0]["field"] == "unit"
    questions = client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[0]}).json()["questions"]
    answers = sheet(questions, 3)
    free = next(q["code"] for q in questions if q["type"] == "text" and q["code"] != "unit")
    answers[free] = BAD
    sent = client.post("/api/v1/survey/responses", json={"token": tokens[0], "answers": answers})
    assert problem_of(sent, 422, "invalid-input")["errors"][0]["field"] == free
    problem_of(client.get(f"/api/v1/policies/{SLUG}%00/indicators"), 404, "not-found")
