"""Positions over the API: an account's jabatan, scopes naming a unit or a position, reach per position."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import Account, Role, StakeholderGroup
from policies.core.db import unit_of_work
from tests.policies.reack_setup import HEALTH, SCHOOLS, adopt_twice
from tests.service.conftest import SLUG, auth, make_token, problem_of


def _reader(db: str, *, email: str, unit: str, position: str) -> tuple[str, Account]:
    token = make_token(db, email=email, role=Role.STAKEHOLDER, group=StakeholderGroup.ASN, unit=unit)
    with unit_of_work(db) as s:
        account = s.exec(select(Account).where(Account.email == email)).one()
        account.position = position
        s.add(account)
    return token, account


def test_a_position_scope_asks_only_its_holders_and_reach_counts_per_position(
    client: TestClient, db: str, drafter_token: str, other_drafter_token: str
) -> None:
    guru, guru_account = _reader(db, email="guru@asn.test", unit=SCHOOLS, position="")
    kepsek, kepsek_account = _reader(db, email="kepsek@asn.test", unit=HEALTH, position="Kepala Sekolah")
    made = adopt_twice(db, people={"guru": guru_account, "kepsek": kepsek_account}, scoped=False)
    url = f"/api/v1/policies/{SLUG}/element-scopes"
    key = made.keys["Pasal 1 ayat (1)"]

    both = problem_of(
        client.post(
            url, headers=auth(drafter_token), json={"element_key": key, "unit": SCHOOLS, "position": "Guru"}
        ),
        422,
        "invalid-input",
    )
    assert "bukan keduanya" in str(both["detail"])
    none = problem_of(
        client.post(url, headers=auth(drafter_token), json={"element_key": key}), 422, "invalid-input"
    )
    assert "unit kerja atau jabatan" in str(none["detail"])
    english = client.post(
        url,
        headers={**auth(drafter_token), "Accept-Language": "en"},
        json={"element_key": key, "position": " "},
    )
    assert english.status_code == 422 and "work unit or the position" in english.json()["detail"]
    too_long = client.post(url, headers=auth(drafter_token), json={"element_key": key, "position": "x" * 121})
    assert too_long.status_code == 422

    scope = {"element_key": key, "position": "kepala sekolah"}
    problem_of(client.post(url, headers=auth(guru), json=scope), 403, "forbidden")
    problem_of(client.post(url, headers=auth(other_drafter_token), json=scope), 403, "forbidden")
    problem_of(client.post(url, json=scope), 401, "unauthenticated")
    added = client.post(url, headers=auth(drafter_token), json=scope)
    assert added.status_code == 201 and (added.json()["unit"], added.json()["position"]) == (
        "",
        "kepala sekolah",
    )

    problem_of(
        client.post(f"/api/v1/policies/{SLUG}/reacknowledgements", headers=auth(kepsek)), 403, "forbidden"
    )
    asked = client.post(f"/api/v1/policies/{SLUG}/reacknowledgements", headers=auth(drafter_token))
    assert asked.json() == {"requested": 2}  # the head of school only, by email and inbox
    to_read = f"/api/v1/policies/{SLUG}/acknowledgement/to-read"
    assert [c["label"] for c in client.get(to_read, headers=auth(kepsek)).json()["changes"]] == [
        "Pasal 1 ayat (1)"
    ]
    assert client.get(to_read, headers=auth(guru)).json()["carried"]

    reach = client.get(f"/api/v1/policies/{SLUG}/socialization/reach/units").json()
    assert reach["positions"] == [
        {
            "position": "Kepala Sekolah",
            "audience": 1,
            "acknowledged": 0,
            "carried": 0,
            "asked_again": 1,
            "never": 0,
        }
    ]
    assert {u["unit"]: u["asked_again"] for u in reach["units"]} == {SCHOOLS: 0, HEALTH: 1}


def test_accounts_carry_a_position_from_sign_up_and_from_the_admin(
    client: TestClient, db: str, admin_token: str, stakeholder_token: str
) -> None:
    made = client.post(
        "/api/v1/accounts",
        headers=auth(admin_token),
        json={
            "email": "kabid@pemkot.test",
            "name": "Kabid Pendidikan",
            "password": "kata-sandi-panjang",
            "role": "stakeholder",
            "group": "asn",
            "nip": "198001012005011001",
            "unit": SCHOOLS,
            "position": "  Kepala Bidang  ",
        },
    )
    assert made.status_code == 201 and made.json()["position"] == "Kepala Bidang"
    problem_of(
        client.post(
            "/api/v1/accounts",
            headers=auth(stakeholder_token),
            json={"email": "x@pemkot.test", "name": "X", "password": "kata-sandi-panjang", "role": "admin"},
        ),
        403,
        "forbidden",
    )
    signed_up = client.post(
        "/api/v1/auth/register",
        json={
            "email": "sari@warga.test",
            "name": "Sari",
            "password": "kata-sandi-panjang",
            "position": "Lurah",
        },
    )
    assert signed_up.status_code == 202, signed_up.text
    with unit_of_work(db) as s:
        assert s.exec(select(Account.position).where(Account.email == "sari@warga.test")).one() == "Lurah"
    assert client.get("/api/v1/me", headers=auth(stakeholder_token)).json()["position"] == ""
