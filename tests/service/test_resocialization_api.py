"""Version-pinned acknowledgements over the API: the scope map, asking again, what to read, reach per unit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import Account, Role, StakeholderGroup
from policies.core.db import unit_of_work
from tests.policies.reack_setup import HEALTH, SCHOOLS, adopt_twice
from tests.service.conftest import SLUG, auth, make_token, problem_of


def _readers(db: str) -> tuple[dict[str, str], dict[str, Account]]:
    tokens = {
        unit: make_token(
            db, email=f"{n}@asn.test", role=Role.STAKEHOLDER, group=StakeholderGroup.ASN, unit=unit
        )
        for n, unit in enumerate((SCHOOLS, HEALTH))
    }
    with unit_of_work(db) as s:
        accounts = {a.unit: a for a in s.exec(select(Account).where(Account.email.endswith("@asn.test")))}  # type: ignore[attr-defined]
    return tokens, accounts


def test_the_owner_maps_elements_and_asks_again_only_the_unit_a_change_applies_to(
    client: TestClient, db: str, drafter_token: str, other_drafter_token: str
) -> None:
    tokens, accounts = _readers(db)
    made = adopt_twice(db, people=accounts, scoped=False)
    url = f"/api/v1/policies/{SLUG}/element-scopes"
    scope = {"element_key": made.keys["Pasal 1 ayat (1)"], "unit": SCHOOLS}
    added = client.post(url, headers=auth(drafter_token), json=scope)
    assert added.status_code == 201 and added.json()["unit"] == SCHOOLS
    problem_of(client.post(url, headers=auth(tokens[SCHOOLS]), json=scope), 403, "forbidden")
    problem_of(client.post(url, headers=auth(other_drafter_token), json=scope), 403, "forbidden")
    body = problem_of(
        client.post(url, headers=auth(drafter_token), json={"element_key": "e-tidakada", "unit": HEALTH}),
        422,
        "invalid-input",
    )
    assert "e-tidakada" in str(body["detail"])
    assert [r["element_key"] for r in client.get(url).json()] == [made.keys["Pasal 1 ayat (1)"]]

    asked = f"/api/v1/policies/{SLUG}/reacknowledgements"
    problem_of(client.post(asked, headers=auth(tokens[HEALTH])), 403, "forbidden")
    assert client.post(asked, headers=auth(drafter_token)).json() == {"requested": 2}

    to_read = f"/api/v1/policies/{SLUG}/acknowledgement/to-read"
    schools = client.get(to_read, headers=auth(tokens[SCHOOLS])).json()
    assert [(c["kind"], c["label"]) for c in schools["changes"]] == [("changed", "Pasal 1 ayat (1)")]
    assert "24 JP" in schools["changes"][0]["new_text"] and "20 JP" in schools["changes"][0]["old_text"]
    health = client.get(to_read, headers=auth(tokens[HEALTH])).json()
    assert health["carried"] and health["changes"] == []
    problem_of(client.get(to_read), 401, "unauthenticated")

    ack = client.post(f"/api/v1/policies/{SLUG}/acknowledge", headers=auth(tokens[SCHOOLS])).json()
    assert ack["version_number"] == made.v2.number and len(ack["content_hash"]) == 64
    reach = client.get(f"/api/v1/policies/{SLUG}/socialization/reach/units").json()
    units = {u["unit"]: u for u in reach["units"]}
    assert (units[SCHOOLS]["acknowledged"], units[HEALTH]["carried"]) == (1, 1)
    assert {"version_number": made.v2.number, "unit": SCHOOLS, "acknowledged": 1} in reach["versions"]

    scope_id = added.json()["id"]
    problem_of(client.delete(f"{url}/{scope_id}", headers=auth(tokens[SCHOOLS])), 403, "forbidden")
    assert client.delete(f"{url}/{scope_id}", headers=auth(drafter_token)).status_code == 204
    problem_of(client.delete(f"{url}/{scope_id}", headers=auth(drafter_token)), 404, "not-found")
