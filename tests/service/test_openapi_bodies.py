"""The OpenAPI document tells the 400 of an unreadable body and the Markdown of the `.md` documents."""

from __future__ import annotations

import json

import jsonschema
from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, open_consultation, problem_of

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_every_operation_with_a_body_documents_the_400(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    with_body = [
        (path, method, op)
        for path, item in paths.items()
        for method, op in item.items()
        if "requestBody" in op
    ]
    assert len(with_body) > 20
    for path, method, op in with_body:
        assert op["responses"].get("400", {}).get("content") == PROBLEM, f"{method} {path}"
        assert "JSON" in op["responses"]["400"]["description"]
    without = paths["/api/v1/kinds"]["get"]["responses"]
    assert "400" not in without


def test_a_body_that_is_not_json_text_is_the_documented_400_in_both_languages(
    client: TestClient, drafter_token: str
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    url = f"/api/v1/policies/{SLUG}/advance"
    headers = {**auth(drafter_token), "Content-Type": "application/json"}
    latin1 = '{"to_stage": "workshop", "reason": "Tahap berikut é"}'.encode("latin-1")
    said = problem_of(client.post(url, headers=headers, content=latin1), 400, "http-400")
    schema = json.loads(json.dumps({"$ref": "#/components/schemas/Problem", **document}))
    jsonschema.validate(said, schema)
    assert said["title"] == "Isi permintaan tidak dapat dibaca" and "UTF-8" in said["detail"]
    english = client.post(url, headers={**headers, "Accept-Language": "en"}, content=latin1)
    assert "send JSON encoded as UTF-8" in problem_of(english, 400, "http-400")["detail"]


def test_the_markdown_documents_are_documented_and_served_as_text_markdown(
    client: TestClient, drafter_token: str
) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    markdown = [path for path in paths if path.endswith(".md")]
    assert {"/api/v1/policies/{slug}/consultation/report.md", "/api/v1/rounds/{round_id}/report.md"} <= set(
        markdown
    )
    for path in markdown:
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert list(content) == ["text/markdown"], path
    open_consultation(client, drafter_token)
    report = client.get(f"/api/v1/policies/{SLUG}/consultation/report.md", headers=auth(drafter_token))
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/markdown")
