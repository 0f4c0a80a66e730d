"""Every role against every write of the API: a write the role may not send is a 403 problem, and no
role meets a 500 anywhere (the walk covers each write the OpenAPI document lists)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from tests.service.conftest import UNIT, make_token, problem_of
from tests.service.test_access import (
    MODERATOR_WRITES,
    OWN_ACCOUNT_WRITES,
    PUBLIC_WRITES,
    STAKEHOLDER_WRITES,
    ids,  # noqa: F401 (the fixture of real path ids)
    send,
    writes,
)

LOGOUT = "POST /api/v1/auth/logout"
# Writes only an admin sends: accounts (made and changed), new policies, settling an email of
# unknown outcome, the calendar of regional holidays the answer clocks skip.
ADMIN_ONLY = {
    "POST /api/v1/accounts",
    "POST /api/v1/policies",
    "POST /api/v1/outbox/{message_id}/resolve",
    "POST /api/v1/holidays",
    "DELETE /api/v1/holidays/{holiday_id}",
    "PATCH /api/v1/accounts/{account_id}",
}
# A stakeholder's own voice: no staff role comments, votes or acknowledges.
STAKEHOLDER_ONLY = (
    STAKEHOLDER_WRITES - OWN_ACCOUNT_WRITES - {"POST /api/v1/policies/{slug}/comments/{comment_id}/replies"}
)
# The evaluators' own reason to revise: the drafter decides on a recommendation, never writes one;
# nor does the drafter publish the results that judge the policy.
EVALUATOR_ONLY = {"POST /api/v1/rounds/{round_id}/recommendations", "POST /api/v1/rounds/{round_id}/publish"}
# Moderation's own writes; offline inputs and their scans are the owning drafter's work as much.
MODERATION_ONLY = (
    MODERATOR_WRITES
    - OWN_ACCOUNT_WRITES
    - {
        "POST /api/v1/policies/{slug}/offline-inputs",
        "PUT /api/v1/policies/{slug}/comments/{comment_id}/scan",
    }
)
ROLES = {
    "stakeholder": (Role.STAKEHOLDER, "Dinas Pendidikan"),
    "moderator": (Role.MODERATOR, ""),
    "evaluator": (Role.EVALUATOR, UNIT),
    "drafter": (Role.DRAFTER, UNIT),
    "admin": (Role.ADMIN, ""),
}


def refused(reader: str, label: str, tags: list[str]) -> bool:
    """Tell whether `reader` must be refused the write `label` (with the operation's tags)."""
    if label in OWN_ACCOUNT_WRITES:
        return False
    if reader == "admin":
        return label in STAKEHOLDER_ONLY
    if reader == "stakeholder":
        return label not in STAKEHOLDER_WRITES
    if reader == "moderator":
        return label not in MODERATOR_WRITES
    if reader == "evaluator":
        return "evaluation" not in tags
    # The owning unit's drafter: everything of its policies but moderation and the stakeholders' voice.
    return label in ADMIN_ONLY | STAKEHOLDER_ONLY | EVALUATOR_ONLY | MODERATION_ONLY


def test_the_matrix_names_only_writes_that_exist(client: TestClient) -> None:
    labels = {label for label, *_ in writes(client)}
    assert ADMIN_ONLY | STAKEHOLDER_ONLY | EVALUATOR_ONLY | {LOGOUT} <= labels


@pytest.mark.parametrize("reader", list(ROLES))
def test_every_role_against_every_write_is_a_403_problem_or_served_never_a_500(
    client: TestClient,
    db: str,
    ids: dict[str, Any],  # noqa: F811
    reader: str,
) -> None:
    role, unit = ROLES[reader]
    token = make_token(db, email=f"{reader}-matrix@siklus.test", role=role, unit=unit)
    walked = refusals = 0
    # Signing out revokes the token: it goes last.
    for label, method, path, operation in sorted(writes(client), key=lambda w: w[0] == LOGOUT):
        if label in PUBLIC_WRITES:
            continue
        response = send(client, method, path, operation, ids, token)
        assert response.status_code < 500, f"{reader} {label}: {response.status_code} {response.text}"
        if refused(reader, label, operation.get("tags", [])):
            assert response.status_code == 403, f"{reader} {label}: {response.status_code} {response.text}"
            problem_of(response, 403, "forbidden")
            refusals += 1
        else:
            assert response.status_code not in (401, 403), f"{reader} {label}: {response.text}"
        walked += 1
    assert walked >= 30 and (refusals > 0 or reader == "admin")
