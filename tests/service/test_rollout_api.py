"""Adoption and roll-out over HTTP: penetapan, sessions, mentoring, acknowledgements."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, open_consultation, problem_of

BASE = f"/api/v1/policies/{SLUG}"
ADOPTION = {
    "version_number": 1,
    "instrument_type": "Peraturan Wali Kota",
    "number": "45",
    "adopted_on": "2026-09-10",
    "signed_by": "Wali Kota Tangerang Selatan",
}
SESSION = {
    "title": "Sosialisasi Perwal",
    "held_on": "2026-09-20",
    "attendance_count": 7000,
    "location": "Puspemkot",
}
PAIR = {"mentor_name": "Dr. Sri Wahyuni", "mentee_name": "Andi Pratama", "started_on": "2026-10-01"}


def _adopted(client: TestClient, token: str) -> dict[str, object]:
    open_consultation(client, token)
    headers = auth(token)
    assert client.post(f"{BASE}/consultation/close", headers=headers).is_success
    assert client.post(f"{BASE}/consultation/report/publish", headers=headers).is_success
    adopted = client.post(f"{BASE}/adoption", headers=headers, json=ADOPTION)
    assert adopted.status_code == 201, adopted.text
    return adopted.json()


def test_adopt_socialize_mentor_and_acknowledge(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    adoption = _adopted(client, drafter_token)
    assert {k: adoption[k] for k in ADOPTION} == ADOPTION and adoption["cycle"] == 1
    assert client.get(f"{BASE}/adoption").json() == adoption
    moved = client.post(f"{BASE}/advance", headers=auth(drafter_token), json={"to_stage": "socialization"})
    assert moved.status_code == 200, moved.text

    made = client.post(f"{BASE}/socialization/sessions", headers=auth(drafter_token), json=SESSION)
    assert made.status_code == 201 and made.json()["attendance_count"] == 7000
    assert [s["title"] for s in client.get(f"{BASE}/socialization/sessions").json()] == [SESSION["title"]]

    pair = client.post(f"{BASE}/mentoring", headers=auth(drafter_token), json=PAIR)
    assert pair.status_code == 201 and pair.json()["ended_on"] is None
    mine = client.get(f"{BASE}/mentoring", headers=auth(drafter_token)).json()
    assert [p["mentee_name"] for p in mine["pairs"]] == ["Andi Pratama"] and mine["count"] == 1

    first = client.post(f"{BASE}/acknowledge", headers=auth(stakeholder_token))
    assert first.status_code == 200 and first.json()["version_number"] == 1
    assert client.post(f"{BASE}/acknowledge", headers=auth(stakeholder_token)).json() == first.json()
    staff = problem_of(client.post(f"{BASE}/acknowledge", headers=auth(drafter_token)), 403, "forbidden")
    assert "Hanya pemangku kepentingan" in staff["detail"] and "perancang" in staff["detail"]

    ready = client.post(f"{BASE}/advance", headers=auth(drafter_token), json={"to_stage": "evaluation"})
    assert ready.status_code == 200, ready.text


def test_adoption_refusals(
    client: TestClient, drafter_token: str, other_drafter_token: str, stakeholder_token: str
) -> None:
    problem_of(client.get(f"{BASE}/adoption"), 404, "not-found")
    problem_of(client.post(f"{BASE}/adoption", json=ADOPTION), 401, "unauthenticated")
    problem_of(
        client.post(f"{BASE}/adoption", headers=auth(stakeholder_token), json=ADOPTION), 403, "forbidden"
    )
    problem_of(
        client.post(f"{BASE}/adoption", headers=auth(other_drafter_token), json=ADOPTION), 403, "forbidden"
    )
    early = problem_of(
        client.post(f"{BASE}/adoption", headers=auth(drafter_token), json=ADOPTION), 409, "conflict"
    )
    assert "drafting" in early["detail"]
    bad = {**ADOPTION, "adopted_on": "10-09-2026", "number": ""}
    invalid = problem_of(
        client.post(f"{BASE}/adoption", headers=auth(drafter_token), json=bad), 422, "validation-error"
    )
    assert {e["field"] for e in invalid["errors"]} == {"adopted_on", "number"}
    _adopted(client, drafter_token)
    twice = problem_of(
        client.post(f"{BASE}/adoption", headers=auth(drafter_token), json=ADOPTION), 409, "conflict"
    )
    assert "sudah dicatat" in twice["detail"]


def test_rollout_refusals(client: TestClient, drafter_token: str, stakeholder_token: str) -> None:
    problem_of(client.post(f"{BASE}/socialization/sessions", json=SESSION), 401, "unauthenticated")
    problem_of(
        client.post(f"{BASE}/socialization/sessions", headers=auth(stakeholder_token), json=SESSION),
        403,
        "forbidden",
    )
    wrong_stage = client.post(f"{BASE}/socialization/sessions", headers=auth(drafter_token), json=SESSION)
    assert "tahap sosialisasi" in problem_of(wrong_stage, 409, "conflict")["detail"]
    negative = {**SESSION, "attendance_count": -1}
    body = problem_of(
        client.post(f"{BASE}/socialization/sessions", headers=auth(drafter_token), json=negative),
        422,
        "validation-error",
    )
    assert body["errors"][0]["field"] == "attendance_count"
    problem_of(client.post(f"{BASE}/mentoring", headers=auth(stakeholder_token), json=PAIR), 403, "forbidden")
    nameless = problem_of(
        client.post(f"{BASE}/mentoring", headers=auth(drafter_token), json={**PAIR, "mentor_name": ""}),
        422,
        "validation-error",
    )
    assert nameless["errors"][0]["field"] == "mentor_name"
    problem_of(client.post(f"{BASE}/acknowledge"), 401, "unauthenticated")
    not_adopted = problem_of(
        client.post(f"{BASE}/acknowledge", headers=auth(stakeholder_token)), 404, "not-found"
    )
    assert "belum ditetapkan" in not_adopted["detail"]
    problem_of(client.get("/api/v1/policies/tidak-ada/mentoring"), 404, "not-found")
