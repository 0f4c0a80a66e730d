"""The OpenAPI document describes the problem+json answers, so clients and schemathesis can check them."""

from __future__ import annotations

import json

import jsonschema
from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, problem_of

PROBLEM = "application/problem+json"


def _document(client: TestClient) -> dict:
    return client.get("/api/v1/openapi.json").json()


def _refs(document: dict, schema: dict) -> dict:
    # OpenAPI refs point at #/components/...; a copy of the components at the root resolves them.
    return json.loads(json.dumps({**schema, "components": document["components"]}))


def test_no_operation_documents_fastapis_own_validation_error(client: TestClient) -> None:
    document = _document(client)
    assert "HTTPValidationError" not in json.dumps(document)
    validations = [
        op["responses"]["422"]
        for item in document["paths"].values()
        for op in item.values()
        if "422" in op.get("responses", {})
    ]
    assert len(validations) > 30
    expected = {PROBLEM: {"schema": {"$ref": "#/components/schemas/ValidationProblem"}}}
    assert all(response["content"] == expected for response in validations)


def test_each_operation_lists_the_problems_it_can_answer(client: TestClient) -> None:
    paths = _document(client)["paths"]
    comment_post = paths["/api/v1/policies/{slug}/comments"]["post"]["responses"]
    assert {"401", "403", "404", "409", "413", "422", "429"} <= set(comment_post)
    for status in ("401", "403", "404", "409", "429"):
        assert comment_post[status]["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "Retry-After" in comment_post["429"]["description"]
    kinds = paths["/api/v1/kinds"]["get"]["responses"]
    assert set(kinds) == {"200"}  # public, no parameters: nothing can go wrong but the server
    reading = paths["/api/v1/policies/{slug}/comments"]["get"]["responses"]
    assert {"404", "422"} <= set(reading) and "401" not in reading
    login = paths["/api/v1/auth/login"]["post"]["responses"]
    assert "401" in login and "403" not in login
    create = paths["/api/v1/policies"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(create)


def test_real_problems_match_the_documented_schemas(client: TestClient, drafter_token: str) -> None:
    document = _document(client)
    invalid = problem_of(
        client.post(f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter_token), json={}),
        422,
        "validation-error",
    )
    jsonschema.validate(invalid, _refs(document, {"$ref": "#/components/schemas/ValidationProblem"}))
    refused = problem_of(
        client.post(
            f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter_token), json={"to_stage": "consultation"}
        ),
        409,
        "transition-not-allowed",
    )
    jsonschema.validate(refused, _refs(document, {"$ref": "#/components/schemas/Problem"}))
    missing = problem_of(client.get("/api/v1/policies/tidak-ada"), 404, "not-found")
    jsonschema.validate(missing, _refs(document, {"$ref": "#/components/schemas/Problem"}))
    domain_422 = problem_of(
        client.get(f"/api/v1/policies/{SLUG}/comments", params={"cursor": "rusak"}), 422, "invalid-input"
    )
    jsonschema.validate(domain_422, _refs(document, {"$ref": "#/components/schemas/ValidationProblem"}))
    assert domain_422["errors"] == [{"field": "cursor", "message": domain_422["detail"]}]
