"""Workshops over HTTP: schedule, attendance by account or by name, minutes, outcomes, comments."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.core.db import unit_of_work
from policies.drafting.queries import get_version
from policies.lifecycle.queries import get_policy
from tests.drafts import with_new_pasal
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

URL = f"/api/v1/policies/{SLUG}/workshops"
WHEN = "2026-09-01T09:00:00+07:00"


def _schedule(client: TestClient, token: str) -> int:
    response = client.post(
        URL,
        headers=auth(token),
        json={"title": "Lokakarya Pengembangan Kompetensi", "starts_at": WHEN, "location": "Aula BKPSDM"},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _first_clause(client: TestClient, token: str) -> str:
    # Read as the owning unit's drafter: before publication only its owners see the version.
    return client.get(f"/api/v1/policies/{SLUG}/versions/1", headers=auth(token)).json()["clauses"][0]["key"]


def test_workshop_with_attendance_minutes_and_outcomes(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    wid = _schedule(client, drafter_token)
    me = client.get("/api/v1/me", headers=auth(stakeholder_token)).json()
    by_account = client.post(
        f"{URL}/{wid}/attendance", headers=auth(drafter_token), json={"account_id": me["id"]}
    )
    assert by_account.status_code == 201
    assert by_account.json() == {
        "id": by_account.json()["id"],
        "account_id": me["id"],
        "name": "Budi Santoso",
        "nip": "198703152010011002",
        "unit": "Dinas Pendidikan",
    }
    by_name = client.post(
        f"{URL}/{wid}/attendance",
        headers=auth(drafter_token),
        json={"name": "Ahmad Fauzi", "nip": "199001012015031001", "unit": "Kecamatan Pamulang"},
    )
    assert by_name.status_code == 201 and by_name.json()["account_id"] is None

    minutes = client.post(
        f"{URL}/{wid}/minutes", headers=auth(drafter_token), json={"minutes": "Disepakati 20 JP."}
    )
    assert minutes.status_code == 200 and minutes.json()["minutes_recorded"] is True

    key = _first_clause(client, drafter_token)
    outcome = client.post(
        f"{URL}/{wid}/outcomes",
        headers=auth(drafter_token),
        json={"text": "Target JP perlu dirinci per jabatan.", "clause_key": key, "raised_by": "Ahmad Fauzi"},
    )
    assert outcome.status_code == 201 and outcome.json()["comment_id"] is None

    detail = client.get(f"{URL}/{wid}", headers=auth(drafter_token)).json()
    assert [a["name"] for a in detail["attendance"]] == ["Budi Santoso", "Ahmad Fauzi"]
    assert detail["minutes"] == "Disepakati 20 JP." and detail["outcomes"][0]["clause_key"] == key
    assert [w["id"] for w in client.get(URL).json()] == [wid]


def test_outcome_becomes_a_comment_of_the_open_window(client: TestClient, drafter_token: str) -> None:
    window = open_consultation(client, drafter_token)
    wid = client.get(URL).json()[0]["id"]
    key = _first_clause(client, drafter_token)
    oid = client.post(
        f"{URL}/{wid}/outcomes",
        headers=auth(drafter_token),
        json={"text": "Perlu masa transisi.", "clause_key": key},
    ).json()["id"]
    made = client.post(f"{URL}/{wid}/outcomes/{oid}/comment", headers=auth(drafter_token))
    assert made.status_code == 201
    comment = made.json()
    assert (comment["source"], comment["clause_key"], comment["window_id"]) == ("workshop", key, window["id"])
    again = client.post(f"{URL}/{wid}/outcomes/{oid}/comment", headers=auth(drafter_token)).json()
    assert again["id"] == comment["id"]
    assert client.get(f"{URL}/{wid}").json()["outcomes"][0]["comment_id"] == comment["id"]


def test_outcome_without_clause_cannot_become_a_comment(client: TestClient, drafter_token: str) -> None:
    wid = _schedule(client, drafter_token)
    oid = client.post(f"{URL}/{wid}/outcomes", headers=auth(drafter_token), json={"text": "Umum."}).json()[
        "id"
    ]
    body = problem_of(
        client.post(f"{URL}/{wid}/outcomes/{oid}/comment", headers=auth(drafter_token)), 422, "invalid-input"
    )
    assert body["errors"][0]["field"] == "clause_key"


def test_refusals(
    client: TestClient, drafter_token: str, other_drafter_token: str, stakeholder_token: str
) -> None:
    body = {"title": "Lokakarya", "starts_at": WHEN, "location": "Aula"}
    problem_of(client.post(URL, json=body), 401, "unauthenticated")
    problem_of(client.post(URL, headers=auth(stakeholder_token), json=body), 403, "forbidden")
    problem_of(client.post(URL, headers=auth(other_drafter_token), json=body), 403, "forbidden")
    naive = problem_of(
        client.post(URL, headers=auth(drafter_token), json={**body, "starts_at": "2026-09-01T09:00:00"}),
        422,
        "validation-error",
    )
    assert naive["errors"][0]["field"] == "starts_at"
    nowhere = problem_of(
        client.post(URL, headers=auth(drafter_token), json={**body, "location": ""}), 422, "invalid-input"
    )
    assert nowhere["errors"][0]["field"] == "location"

    wid = _schedule(client, drafter_token)
    problem_of(client.get(f"{URL}/999"), 404, "not-found")
    nameless = problem_of(
        client.post(f"{URL}/{wid}/attendance", headers=auth(drafter_token), json={}), 422, "invalid-input"
    )
    assert nameless["errors"][0]["field"] == "name"
    bad_nip = problem_of(
        client.post(f"{URL}/{wid}/attendance", headers=auth(drafter_token), json={"name": "A", "nip": "123"}),
        422,
        "invalid-input",
    )
    assert bad_nip["errors"][0]["field"] == "nip"
    ghost = client.post(f"{URL}/{wid}/attendance", headers=auth(drafter_token), json={"account_id": 999})
    problem_of(ghost, 404, "not-found")
    empty = problem_of(
        client.post(f"{URL}/{wid}/minutes", headers=auth(drafter_token), json={"minutes": ""}),
        422,
        "validation-error",
    )
    assert empty["errors"][0]["field"] == "minutes"
    bad_clause = problem_of(
        client.post(
            f"{URL}/{wid}/outcomes", headers=auth(drafter_token), json={"text": "x", "clause_key": "c-none"}
        ),
        422,
        "invalid-input",
    )
    assert bad_clause["errors"][0]["field"] == "clause_key"
    problem_of(
        client.post(f"{URL}/{wid}/outcomes/999/comment", headers=auth(drafter_token)), 404, "not-found"
    )


def test_outcome_waits_for_a_window_then_joins_it_on_the_windows_version(
    client: TestClient, drafter_token: str, db: str
) -> None:
    drafter = auth(drafter_token)
    wid = _schedule(client, drafter_token)
    key = _first_clause(client, drafter_token)
    oid = client.post(
        f"{URL}/{wid}/outcomes", headers=drafter, json={"text": "Perlu masa transisi.", "clause_key": key}
    ).json()["id"]
    early = problem_of(client.post(f"{URL}/{wid}/outcomes/{oid}/comment", headers=drafter), 409, "conflict")
    assert "Buka (jadwalkan) jendela konsultasi" in early["detail"] and "tetap tercatat" in early["detail"]
    english = client.post(
        f"{URL}/{wid}/outcomes/{oid}/comment", headers={**drafter, "Accept-Language": "en"}
    ).json()
    assert english["detail"].startswith("Open (schedule) the consultation window first")
    assert client.get(f"{URL}/{wid}").json()["outcomes"][0]["comment_id"] is None  # still recorded

    base = f"/api/v1/policies/{SLUG}"
    assert client.post(f"{base}/advance", headers=drafter, json={"to_stage": "workshop"}).is_success
    assert client.post(f"{base}/versions/1/publish", headers=drafter).is_success
    draft = with_new_pasal(client.get(f"{base}/versions/1").json()["body"], "Teks baru.")
    assert client.post(f"{base}/versions", headers=drafter, json={"body": draft}).status_code == 201
    window = client.post(f"{base}/consultation", headers=drafter, json={"version_number": 1}).json()
    made = client.post(f"{URL}/{wid}/outcomes/{oid}/comment", headers=drafter)
    assert made.status_code == 201, made.text
    comment = made.json()
    with unit_of_work(db) as s:
        policy_id = get_policy(s, slug=SLUG).id
        first_version = get_version(s, policy_id=policy_id, number=1).id
    assert (comment["window_id"], comment["version_id"]) == (window["id"], first_version)
    assert (comment["source"], comment["clause_key"]) == ("workshop", key)
    listed = client.get(f"{base}/comments").json()["items"]
    assert [(c["id"], c["source"]) for c in listed] == [(comment["id"], "workshop")]
    stats = client.get(f"{base}/consultation").json()["statistics"]
    assert stats["by_source"] == {"workshop": 1} and stats["unanswered"] == 1


def test_outcome_of_another_workshop_is_404(client: TestClient, drafter_token: str) -> None:
    window_holder = open_consultation(client, drafter_token)
    assert window_holder["is_open"]
    first, second = (w["id"] for w in client.get(URL).json()[:2])
    oid = client.post(
        f"{URL}/{first}/outcomes",
        headers=auth(drafter_token),
        json={"text": "Catatan lokakarya pertama.", "clause_key": _first_clause(client, drafter_token)},
    ).json()["id"]
    wrong = client.post(f"{URL}/{second}/outcomes/{oid}/comment", headers=auth(drafter_token))
    assert f"lokakarya {second}" in problem_of(wrong, 404, "not-found")["detail"]
    right = client.post(f"{URL}/{first}/outcomes/{oid}/comment", headers=auth(drafter_token))
    assert right.status_code == 201
