"""A role that takes no part in a consultation gets a problem saying so, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from tests.service.conftest import SLUG, auth, make_token, open_consultation, problem_of

URL = f"/api/v1/policies/{SLUG}/comments"
PARTS = {
    Role.ADMIN: "an admin manages accounts and policies",
    Role.DRAFTER: "a drafter answers comments through dispositions",
    Role.MODERATOR: "a moderator hides or shows comments",
    Role.EVALUATOR: "an evaluator runs the evaluation surveys",
}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.STAKEHOLDER])
def test_a_staff_comment_or_vote_is_a_problem_naming_what_the_role_does_instead(
    client: TestClient, drafter_token: str, stakeholder_token: str, db: str, role: Role
) -> None:
    open_consultation(client, drafter_token)
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    made = client.post(URL, headers=auth(stakeholder_token), json={"clause_key": key, "body": "Masukan."})
    assert made.status_code == 201, made.text
    staff = make_token(db, email=f"{role.value}-uji@siklus.test", role=role)
    english = {**auth(staff), "Accept-Language": "en"}
    said = problem_of(
        client.post(URL, headers=english, json={"clause_key": key, "body": "Masukan staf."}), 403, "forbidden"
    )
    assert said["detail"].startswith("Only stakeholders can send comments; ")
    assert PARTS[role] in said["detail"]
    voted = problem_of(
        client.put(f"{URL}/{made.json()['id']}/vote", headers=english, json={"value": 1}), 403, "forbidden"
    )
    assert PARTS[role] in voted["detail"]
