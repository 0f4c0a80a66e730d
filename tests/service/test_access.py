"""Every write of the OpenAPI document, walked: 401 without an account, 403 for the wrong role.

The operations come from the app's own OpenAPI document, so a new write is covered the day it is
added. Each request is valid enough to reach the role check: path ids name real rows of an open
consultation, and the body is the smallest instance of the operation's request schema.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.evaluation.models import Indicator, SurveyRespondent, SurveyRound
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

WRITES = ("post", "put", "patch", "delete")
# Writes anyone may send: signing up, verifying an email with the emailed token, signing in, a
# survey answer carried by its own token, and checking a survey receipt (a read sent as a POST so
# the code stays out of addresses and logs).
PUBLIC_WRITES = {
    "POST /api/v1/auth/register",
    "POST /api/v1/auth/verify-email",
    "POST /api/v1/auth/login",
    "POST /api/v1/survey/responses",
    "POST /api/v1/survey/receipts/check",
    # "This was not me": its confirmation goes to the comment's own address, which proves the owner.
    "POST /api/v1/policies/{slug}/comments/{comment_id}/not-me",
    "POST /api/v1/not-me/confirm",
}
# Writes about one's own account, whatever its role.
OWN_ACCOUNT_WRITES = {
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/verification",
    "POST /api/v1/me/inbox/{message_id}/read",
    # Any signed-in account may report a comment to the moderators.
    "POST /api/v1/policies/{slug}/comments/{comment_id}/flags",
    # Any signed-in account chooses how it hears about policies, and follows one.
    "PUT /api/v1/me/notice-preferences",
    "PUT /api/v1/policies/{slug}/follow",
    "DELETE /api/v1/policies/{slug}/follow",
}
STAKEHOLDER_WRITES = OWN_ACCOUNT_WRITES | {
    "POST /api/v1/policies/{slug}/comments",
    "POST /api/v1/policies/{slug}/comments/{comment_id}/replies",
    "PUT /api/v1/policies/{slug}/comments/{comment_id}/vote",
    "POST /api/v1/policies/{slug}/acknowledge",
    "POST /api/v1/policies/{slug}/comments/on-behalf",
}
MODERATOR_WRITES = OWN_ACCOUNT_WRITES | {
    "POST /api/v1/policies/{slug}/comments/{comment_id}/hide",
    "POST /api/v1/policies/{slug}/comments/{comment_id}/unhide",
    "POST /api/v1/policies/{slug}/not-me-reports/{report_id}/review",
    # Moderators record offline inputs too (and attach their scans).
    "POST /api/v1/policies/{slug}/offline-inputs",
    "PUT /api/v1/policies/{slug}/comments/{comment_id}/scan",
}
# The refusals an audit found untested; each must be among the operations walked below.
AUDITED = {
    "POST /api/v1/policies/{slug}/workshops/{workshop_id}/attendance",
    "POST /api/v1/policies/{slug}/workshops/{workshop_id}/minutes",
    "POST /api/v1/policies/{slug}/workshops/{workshop_id}/outcomes",
    "POST /api/v1/policies/{slug}/workshops/{workshop_id}/outcomes/{outcome_id}/comment",
    "POST /api/v1/policies/{slug}/consultation/close",
    "POST /api/v1/policies/{slug}/consultation/report/publish",
    "POST /api/v1/policies/{slug}/comments/{comment_id}/replies",
    "PUT /api/v1/policies/{slug}/comments/{comment_id}/vote",
    "POST /api/v1/policies/{slug}/comments/{comment_id}/hide",
    "POST /api/v1/policies/{slug}/comments/{comment_id}/unhide",
    "PUT /api/v1/policies/{slug}/comments/{comment_id}/disposition",
    "PUT /api/v1/policies/{slug}/campaigns/{campaign_id}/disposition",
    "POST /api/v1/policies/{slug}/versions/{number}/publish",
    "POST /api/v1/policies/{slug}/withdraw",
    "POST /api/v1/policies/{slug}/mentoring",
}
PATTERN_EXAMPLES = {"^[a-z0-9][a-z0-9-]*$": "kebijakan-uji", "^[a-z][a-z0-9_]*$": "kode_uji"}


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """Return the smallest instance of a JSON schema: required fields only, lower bounds, first choices."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(example(part, components))
        return merged
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return example(next(s for s in schema[key] if s.get("type") != "null"), components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example(props[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"], components) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-09-01"
    if schema.get("format") == "date-time":
        return "2026-09-01T09:00:00+07:00"
    if "pattern" in schema:
        return PATTERN_EXAMPLES[schema["pattern"]]
    return "uji" + "x" * max(schema.get("minLength", 1) - 3, 0)


@pytest.fixture
def ids(client: TestClient, drafter_token: str, stakeholder_token: str, db: str) -> dict[str, int | str]:
    """Open a consultation with a comment, a campaign and a workshop outcome; return their ids."""
    open_consultation(client, drafter_token)
    base = f"/api/v1/policies/{SLUG}"
    key = client.get(f"{base}/versions/1").json()["clauses"][0]["key"]
    comment = client.post(
        f"{base}/comments", headers=auth(stakeholder_token), json={"clause_key": key, "body": "Sama."}
    ).json()
    copy = {"clause_key": key, "body": "Sama."}
    client.post(f"{base}/comments", headers=auth(stakeholder_token), json=copy)
    workshop = client.get(f"{base}/workshops").json()[0]["id"]
    outcome = client.post(
        f"{base}/workshops/{workshop}/outcomes",
        headers=auth(drafter_token),
        json={"text": "Perlu masa transisi.", "clause_key": key},
    ).json()
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        indicator = s.exec(select(Indicator.id).where(Indicator.policy_id == policy.id)).first()
        # A survey round and a respondent of it, so the evaluation writes name real rows too.
        survey = SurveyRound(policy_id=policy.id, cycle=1, number=1, opens_at=NOW, closes_at=NOW)
        s.add(survey)
        s.flush()
        respondent = SurveyRespondent(round_id=survey.id, token_hash="0" * 64, nip="1" * 18, name="Responden")
        s.add(respondent)
        s.flush()
        round_id, respondent_id = survey.id, respondent.id
    return {
        "slug": SLUG,
        "number": 1,
        "workshop_id": workshop,
        "outcome_id": outcome["id"],
        "comment_id": comment["id"],
        "campaign_id": comment["campaign_id"] or 1,
        "indicator_id": indicator or 1,
        "round_id": round_id,
        "respondent_id": respondent_id,
        "message_id": 1,
        "report_id": 1,
        # No session exists: every caller here is refused before the session is looked up.
        "session_id": 1,
        # No element scope exists: a refused caller is refused before it is looked up.
        "scope_id": 1,
        # No follow-up item exists either: refused before it is looked up.
        "item_id": 1,
        "holiday_id": 1,  # the first cuti bersama the migration seeds
        "account_id": 1,  # the first account made: a caller other than an admin is refused first
    }


def writes(client: TestClient) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Return (label, method, path, operation) of every write of the OpenAPI document."""
    document = client.get("/api/v1/openapi.json").json()
    return [
        (f"{method.upper()} {path}", method, path, {**operation, "components": document["components"]})
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in WRITES
    ]


def send(
    client: TestClient,
    method: str,
    path: str,
    operation: dict[str, Any],
    ids: dict[str, Any],
    token: str | None,
) -> Any:
    """Send the operation with real path ids and the smallest valid body."""
    components = operation["components"]["schemas"]
    url = path.format(**{name: ids[name] for name in ids if "{" + name + "}" in path})
    headers = auth(token) if token else {}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example(content["application/json"]["schema"], components)
        return client.request(method, url, headers=headers, json=body)
    if "multipart/form-data" in content:
        upload = {"file": ("data.csv", b"nip\n", "text/csv")}
        return client.request(method, url, headers=headers, files=upload)
    return client.request(method, url, headers=headers)


def test_the_walk_covers_every_audited_refusal(client: TestClient) -> None:
    labels = {label for label, *_ in writes(client)}
    assert labels - PUBLIC_WRITES >= AUDITED
    assert labels >= PUBLIC_WRITES | STAKEHOLDER_WRITES | MODERATOR_WRITES  # no stale names


def test_every_write_without_an_account_is_401(client: TestClient, ids: dict[str, Any]) -> None:
    walked = 0
    for label, method, path, operation in writes(client):
        if label in PUBLIC_WRITES:
            continue
        for token in (None, "token-palsu"):
            response = send(client, method, path, operation, ids, token)
            assert response.status_code == 401, f"{label}: {response.status_code} {response.text}"
            problem_of(response, 401, "unauthenticated")
            assert response.headers["www-authenticate"] == "Bearer", label
        walked += 1
    assert walked >= 30


def _refuses_all_but(client: TestClient, ids: dict[str, Any], token: str, *, allowed: set[str]) -> None:
    """Send every write outside the public ones and `allowed` with `token`: each answers 403."""
    for label, method, path, operation in writes(client):
        if label in PUBLIC_WRITES | allowed:
            continue
        response = send(client, method, path, operation, ids, token)
        assert response.status_code == 403, f"{label}: {response.status_code} {response.text}"
        problem_of(response, 403, "forbidden")


def test_every_staff_write_refuses_a_stakeholder(
    client: TestClient, ids: dict[str, Any], stakeholder_token: str
) -> None:
    _refuses_all_but(client, ids, stakeholder_token, allowed=STAKEHOLDER_WRITES)


def test_a_moderator_only_moderates(client: TestClient, ids: dict[str, Any], moderator_token: str) -> None:
    _refuses_all_but(client, ids, moderator_token, allowed=MODERATOR_WRITES)


def test_a_drafter_of_another_unit_changes_nothing(
    client: TestClient, ids: dict[str, Any], other_drafter_token: str
) -> None:
    for label, method, path, operation in writes(client):
        if "{slug}" not in path or label in PUBLIC_WRITES | MODERATOR_WRITES | STAKEHOLDER_WRITES - {
            "POST /api/v1/policies/{slug}/comments/{comment_id}/replies"
        }:
            continue
        response = send(client, method, path, operation, ids, other_drafter_token)
        assert response.status_code == 403, f"{label}: {response.status_code} {response.text}"
        assert "BKPSDM Kota Tangerang Selatan" in problem_of(response, 403, "forbidden")["detail"], label
