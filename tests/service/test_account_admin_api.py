"""Admins list accounts and change a unit, jabatan or access over HTTP; everyone else is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import auth, problem_of


def _account_id(client: TestClient, token: str) -> int:
    return int(client.get("/api/v1/me", headers=auth(token)).json()["id"])


def test_an_admin_lists_accounts_and_moves_a_civil_servant(
    client: TestClient, admin_token: str, stakeholder_token: str
) -> None:
    listed = client.get("/api/v1/accounts", headers=auth(admin_token))
    assert listed.status_code == 200
    assert listed.json()[0]["role"] == "admin" and all("password_hash" not in a for a in listed.json())
    asn = _account_id(client, stakeholder_token)
    moved = client.patch(
        f"/api/v1/accounts/{asn}",
        headers=auth(admin_token),
        json={"unit": "Dinas Kesehatan", "position": "Kepala Puskesmas"},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["unit"], moved.json()["position"], moved.json()["active"]) == (
        "Dinas Kesehatan",
        "Kepala Puskesmas",
        True,
    )
    assert client.get("/api/v1/me", headers=auth(stakeholder_token)).json()["position"] == "Kepala Puskesmas"


def test_a_deactivated_account_is_signed_out_everywhere_at_once(
    client: TestClient, admin_token: str, stakeholder_token: str
) -> None:
    asn = _account_id(client, stakeholder_token)
    off = client.patch(f"/api/v1/accounts/{asn}", headers=auth(admin_token), json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    problem_of(client.get("/api/v1/me", headers=auth(stakeholder_token)), 401, "unauthenticated")
    client.patch(f"/api/v1/accounts/{asn}", headers=auth(admin_token), json={"active": True})
    assert client.get("/api/v1/me", headers=auth(stakeholder_token)).status_code == 200


def test_refusals_are_problems_a_person_can_act_on(
    client: TestClient, admin_token: str, drafter_token: str, stakeholder_token: str
) -> None:
    me = _account_id(client, admin_token)
    own = problem_of(
        client.patch(f"/api/v1/accounts/{me}", headers=auth(admin_token), json={"active": False}),
        409,
        "conflict",
    )
    assert "admin lain" in str(own["detail"])
    drafter = _account_id(client, drafter_token)
    empty = problem_of(
        client.patch(f"/api/v1/accounts/{drafter}", headers=auth(admin_token), json={"unit": ""}),
        422,
        "invalid-input",
    )
    assert "unit" in str(empty["detail"]).lower()
    problem_of(
        client.patch("/api/v1/accounts/99999", headers=auth(admin_token), json={"position": "A"}),
        404,
        "not-found",
    )
    problem_of(client.get("/api/v1/accounts", headers=auth(drafter_token)), 403, "forbidden")
    problem_of(
        client.patch(
            f"/api/v1/accounts/{drafter}", headers=auth(stakeholder_token), json={"position": "Kepala"}
        ),
        403,
        "forbidden",
    )
    problem_of(client.get("/api/v1/accounts"), 401, "unauthenticated")
