"""Survey anonymity over HTTP: other units' evaluators refused, forged cursors refused, the survey
endpoints' 401 and the answer sheet documented."""

from __future__ import annotations

import base64
import json

import jsonschema
import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from tests.service.conftest import OTHER_UNIT, SLUG, UNIT, auth, make_token, problem_of
from tests.service.test_evaluation_api import in_evaluation, open_with_population, sheet  # noqa: F401

PROBLEM = "application/problem+json"


@pytest.fixture
def evaluator_token(db: str) -> str:
    return make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)


@pytest.fixture
def stranger_token(db: str) -> str:
    """An evaluator of another unit (Lampung Selatan)."""
    return make_token(
        db, email="eko@lampung.test", name="Eko Evaluator", role=Role.EVALUATOR, unit=OTHER_UNIT
    )


@pytest.mark.usefixtures("in_evaluation")
def test_an_evaluator_of_another_unit_can_neither_run_nor_read_the_round(
    client: TestClient, evaluator_token: str, stranger_token: str, admin_token: str
) -> None:
    headers = auth(stranger_token)
    problem_of(client.post(f"/api/v1/policies/{SLUG}/rounds", headers=headers, json={}), 403, "forbidden")
    rid, _ = open_with_population(client, evaluator_token)
    people = client.get(f"/api/v1/rounds/{rid}/respondents", headers=auth(evaluator_token)).json()["items"]
    someone = people[0]["id"]
    for method, path, body in (
        ("get", f"/api/v1/rounds/{rid}/respondents", None),
        ("post", f"/api/v1/rounds/{rid}/population/accounts", {}),
        ("post", f"/api/v1/respondents/{someone}/token", {"reason": "Saya yang menjawab."}),
        ("get", f"/api/v1/respondents/{someone}/link-issues", None),
        ("post", f"/api/v1/rounds/{rid}/close", None),
    ):
        refused = client.request(method, path, headers=headers, json=body)
        assert "BKPSDM Kota Tangerang Selatan" in problem_of(refused, 403, "forbidden")["detail"]
    # An admin runs every unit's evaluation.
    assert client.get(f"/api/v1/rounds/{rid}/respondents", headers=auth(admin_token)).status_code == 200


def _forged(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED = [
    _forged({"id": "1 OR 1=1"}),
    _forged({"id": 1.5}),
    _forged({"id": 2**70}),
    _forged({"id": None}),
    _forged({"id": [1]}),
    _forged({"id": True}),
    _forged({"id": 0}),
    _forged(["id", 1]),
    _forged({"code": "\u0000"}),
    _forged({"on": "2026-13-45", "id": 1}),
    _forged({"on": "2026-08-17", "id": "9" * 30}),
    _forged({"on": "2026-08-17", "id": "12"}),
    _forged({"on": 5, "id": 1}),
    "bukan-kursor",
    "%%%",
]


@pytest.mark.usefixtures("in_evaluation")
def test_a_forged_cursor_is_a_problem_on_every_list(
    client: TestClient, evaluator_token: str, admin_token: str
) -> None:
    rid, _ = open_with_population(client, evaluator_token)
    indicator = client.get(f"/api/v1/policies/{SLUG}/indicators").json()["items"][0]["id"]
    lists = [
        (f"/api/v1/policies/{SLUG}/rounds", "after", {}),
        (f"/api/v1/rounds/{rid}/respondents", "after", auth(evaluator_token)),
        ("/api/v1/policies", "after", {}),
        (f"/api/v1/policies/{SLUG}/indicators", "cursor", {}),
        (f"/api/v1/indicators/{indicator}/measurements", "cursor", {}),
        (f"/api/v1/policies/{SLUG}/recommendations", "cursor", {}),
        (f"/api/v1/policies/{SLUG}/comments", "cursor", {}),
        ("/api/v1/outbox", "cursor", auth(admin_token)),
    ]
    for cursor in FORGED:
        for path, name, headers in lists:
            answered = client.get(path, params={name: cursor}, headers=headers)
            assert answered.status_code in (400, 422), (path, cursor, answered.status_code, answered.text)
            assert answered.headers["content-type"] == PROBLEM, path


def test_the_survey_endpoints_document_their_401_and_the_answer_sheet(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for method, path in (("get", "/api/v1/survey"), ("post", "/api/v1/survey/responses")):
        operation = paths[path][method]
        unauthorized = operation["responses"]["401"]
        assert unauthorized["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert "X-Survey-Token" in unauthorized["description"]
        assert {"SurveyToken": []} in operation["security"]
    scheme = document["components"]["securitySchemes"]["SurveyToken"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Survey-Token")
    for path in ("results", "report.html", "report.md"):
        assert "409" in paths[f"/api/v1/rounds/{{round_id}}/{path}"]["get"]["responses"]
    answers = document["components"]["schemas"]["ResponseIn"]["properties"]["answers"]
    assert answers["type"] == "object" and answers["additionalProperties"]["anyOf"], answers
    assert "1–4" in answers["description"]
    # The documented shape accepts a real answer sheet and refuses what no question takes.
    jsonschema.validate(answers["examples"][0], answers)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"u1": {"nested": True}}, answers)


@pytest.mark.usefixtures("in_evaluation")
def test_a_submission_with_no_token_is_the_documented_401(client: TestClient, evaluator_token: str) -> None:
    rid, tokens = open_with_population(client, evaluator_token)
    questions = client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[0]}).json()["questions"]
    body = problem_of(
        client.post("/api/v1/survey/responses", json={"answers": sheet(questions, 3)}), 401, "unauthenticated"
    )
    assert "X-Survey-Token" in body["detail"]
    done = client.post(
        "/api/v1/survey/responses",
        headers={"X-Survey-Token": tokens[0]},
        json={"answers": sheet(questions, 3)},
    )
    assert done.status_code == 201 and client.get(f"/api/v1/rounds/{rid}").json()["responses"] == 1
