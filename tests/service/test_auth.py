"""Accounts over HTTP: register, login, me, logout, admin-created accounts, and each refusal."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, UNIT, auth, problem_of

NIP = "198703152010011002"


def _register(client: TestClient, **kw: object) -> object:
    body: dict[str, object] = {"email": "siti@example.id", "name": "Siti Aminah", "password": "rahasia-123"}
    body.update(kw)
    return client.post("/api/v1/auth/register", json=body)


def test_register_login_me_logout(client: TestClient) -> None:
    made = _register(client, group="asn", nip=NIP, unit="Dinas Kesehatan")
    assert made.status_code == 202  # type: ignore[attr-defined]
    assert made.json()["email"] == "siti@example.id"  # type: ignore[attr-defined]

    login = client.post("/api/v1/auth/login", json={"email": "siti@example.id", "password": "rahasia-123"})
    assert login.status_code == 200
    token = login.json()
    assert token["token_type"] == "bearer" and token["expires_at"]

    me = client.get("/api/v1/me", headers=auth(token["access_token"]))
    assert me.status_code == 200 and me.json()["email"] == "siti@example.id"
    account = me.json()
    assert account["role"] == "stakeholder" and account["group"] == "asn" and "password_hash" not in account
    assert account["email_verified_at"] is None  # until the emailed link is opened

    assert client.post("/api/v1/auth/logout", headers=auth(token["access_token"])).status_code == 204
    body = problem_of(client.get("/api/v1/me", headers=auth(token["access_token"])), 401, "unauthenticated")
    assert "dicabut" in body["detail"]


def test_me_without_token_is_401_with_how_to(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    body = problem_of(response, 401, "unauthenticated")
    assert "Authorization: Bearer" in body["detail"]
    assert response.headers["www-authenticate"] == "Bearer"
    problem_of(client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401, "unauthenticated")


def test_wrong_password_is_401(client: TestClient) -> None:
    _register(client)
    wrong = client.post("/api/v1/auth/login", json={"email": "siti@example.id", "password": "salah-sekali"})
    assert "Email atau kata sandi salah" in problem_of(wrong, 401, "unauthenticated")["detail"]


def test_a_registered_email_gets_the_same_answer_as_a_new_one(client: TestClient) -> None:
    new = _register(client)
    again = _register(client, email="SITI@example.id", password="kata-sandi-lain-9")
    assert (again.status_code, again.json()) == (new.status_code, new.json())  # type: ignore[attr-defined]
    assert new.status_code == 202  # type: ignore[attr-defined]


def test_asn_without_nip_names_the_field(client: TestClient) -> None:
    body = problem_of(_register(client, group="asn", unit="Dinas Kesehatan"), 422, "invalid-input")
    assert body["errors"] == [{"field": "nip", "message": body["detail"]}]


def test_validation_errors_name_every_field(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/register", json={"email": "x@y.id", "password": "pendek", "group": "x"}
    )
    body = problem_of(response, 422, "validation-error")
    assert {e["field"] for e in body["errors"]} == {"name", "password", "group"}
    assert "name" in body["detail"] and "password" in body["detail"]


def test_admin_creates_a_drafter(client: TestClient, admin_token: str) -> None:
    response = client.post(
        "/api/v1/accounts",
        headers=auth(admin_token),
        json={
            "email": "dewi@bkpsdm.id",
            "name": "Dewi",
            "password": PASSWORD,
            "role": "drafter",
            "unit": UNIT,
        },
    )
    assert response.status_code == 201
    assert (response.json()["role"], response.json()["unit"]) == ("drafter", UNIT)
    login = client.post("/api/v1/auth/login", json={"email": "dewi@bkpsdm.id", "password": PASSWORD})
    assert login.status_code == 200


def test_only_admins_create_accounts(client: TestClient, drafter_token: str, stakeholder_token: str) -> None:
    body = {"email": "x@y.id", "name": "X", "password": PASSWORD, "role": "admin"}
    problem_of(client.post("/api/v1/accounts", json=body), 401, "unauthenticated")
    for token in (drafter_token, stakeholder_token):
        refused = problem_of(
            client.post("/api/v1/accounts", headers=auth(token), json=body), 403, "forbidden"
        )
        assert "admin" in refused["detail"]


def test_drafter_account_needs_a_unit(client: TestClient, admin_token: str) -> None:
    response = client.post(
        "/api/v1/accounts",
        headers=auth(admin_token),
        json={"email": "d@y.id", "name": "D", "password": PASSWORD, "role": "drafter"},
    )
    assert problem_of(response, 422, "invalid-input")["errors"][0]["field"] == "unit"
