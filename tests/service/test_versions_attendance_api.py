"""Over HTTP: an unpublished version is rewritten (PUT) or discarded (DELETE), a published one is a 409
problem; a socialization session's daftar hadir with its NIPs kept to the owning unit; the reach."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, open_consultation, problem_of

BASE = f"/api/v1/policies/{SLUG}"
TEXT = {"body": "# Perwal Uji\n## BAB I\n### Pasal 1\nIsi pertama.", "change_note": "Ditulis ulang"}
NIP = "198703152010011002"


def test_an_unpublished_version_is_rewritten_and_discarded_a_published_one_is_refused(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    headers = auth(drafter_token)
    problem_of(client.put(f"{BASE}/versions/1", headers=auth(stakeholder_token), json=TEXT), 403, "forbidden")
    edited = client.put(f"{BASE}/versions/1", headers=headers, json=TEXT)
    assert edited.status_code == 200 and edited.json()["number"] == 1
    assert [c["body"] for c in edited.json()["clauses"]] == ["Isi pertama."]
    assert client.post(f"{BASE}/versions", headers=headers, json=TEXT).json()["number"] == 2
    refused = problem_of(client.delete(f"{BASE}/versions/1", headers=headers), 409, "conflict")
    assert "buang versi 2 lebih dahulu" in str(refused["detail"])
    problem_of(client.delete(f"{BASE}/versions/2", headers=auth(stakeholder_token)), 403, "forbidden")
    assert client.delete(f"{BASE}/versions/2", headers=headers).status_code == 204
    assert [v["number"] for v in client.get(f"{BASE}/versions", headers=headers).json()] == [1]
    assert client.post(f"{BASE}/versions/1/publish", headers=headers).is_success
    frozen = problem_of(client.delete(f"{BASE}/versions/1", headers=headers), 409, "conflict")
    assert "sudah diterbitkan" in str(frozen["detail"])
    problem_of(client.put(f"{BASE}/versions/1", headers=headers, json=TEXT), 409, "conflict")


def test_session_attendance_and_the_reach(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    headers = auth(drafter_token)
    open_consultation(client, drafter_token)
    assert client.post(f"{BASE}/consultation/close", headers=headers).is_success
    assert client.post(f"{BASE}/consultation/report/publish", headers=headers).is_success
    adoption = {
        "version_number": 1,
        "instrument_type": "Peraturan Wali Kota",
        "number": "45",
        "adopted_on": "2026-09-10",
        "signed_by": "Wali Kota",
    }
    assert client.post(f"{BASE}/adoption", headers=headers, json=adoption).status_code == 201
    assert client.post(f"{BASE}/advance", headers=headers, json={"to_stage": "socialization"}).is_success
    # No headcount given: a session is scheduled first, its attendance taken when it is held.
    made = client.post(
        f"{BASE}/socialization/sessions",
        headers=headers,
        json={"title": "Sosialisasi", "held_on": "2026-09-20"},
    )
    assert made.status_code == 201 and made.json()["attendance_count"] == 0
    attendance = f"{BASE}/socialization/sessions/{made.json()['id']}/attendance"
    problem_of(
        client.post(attendance, headers=auth(stakeholder_token), json={"name": "Sari"}), 403, "forbidden"
    )
    bad = problem_of(
        client.post(attendance, headers=headers, json={"name": "Sari", "nip": "12"}), 422, "invalid-input"
    )
    assert "18 angka" in str(bad["detail"])
    added = client.post(attendance, headers=headers, json={"name": "Sari Dewi", "nip": NIP, "unit": "RSUD"})
    assert added.status_code == 201 and added.json()["nip"] == NIP
    assert client.get(f"{BASE}/socialization/sessions").json()[0]["attendance_count"] == 1
    theirs = client.get(attendance, headers=auth(stakeholder_token)).json()
    assert theirs == {"count": 1, "shown": "count", "people": []}
    mine = client.get(attendance, headers=headers).json()
    assert mine["shown"] == "full" and mine["people"][0]["nip"] == NIP
    problem_of(client.get(f"{BASE}/socialization/sessions/999/attendance"), 404, "not-found")
    assert client.post(f"{BASE}/acknowledge", headers=auth(stakeholder_token)).is_success
    reach = client.get(f"{BASE}/socialization/reach").json()
    assert reach["attendance_total"] == 1 and reach["acknowledgements"] == 1 and reach["met"] is False
    assert reach["reach"] == 1 / reach["audience_size"]
