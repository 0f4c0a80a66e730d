"""Draft versions over HTTP: write, list, read with clauses, publish, diff, and refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.lifecycle.models import Policy, Stage
from tests.drafts import with_new_pasal
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

URL = f"/api/v1/policies/{SLUG}/versions"


def _second_version(client: TestClient, token: str) -> dict[str, object]:
    first = client.get(f"{URL}/1", headers=auth(token)).json()
    clauses = first["clauses"]
    # Rewrite the first clause's body, keep the rest, add one clause at the end.
    parts = [f"# {first['title']}"]
    chapter = ""
    for i, c in enumerate(clauses):
        if c["chapter"] != chapter:
            chapter = c["chapter"]
            parts.append(f"## {chapter}")
        body = c["body"] + " Ditambah kewajiban pelaporan triwulanan." if i == 0 else c["body"]
        parts.append(f"### {c['heading']}\n\n{body}" if c["heading"] != chapter else body)
    text = with_new_pasal("\n\n".join(parts), "Ketentuan peralihan berlaku sejak diundangkan.")
    response = client.post(URL, headers=auth(token), json={"body": text, "change_note": "Revisi"})
    assert response.status_code == 201, response.text
    return response.json()


def test_catalogue_version_reads_with_clauses(client: TestClient, drafter_token: str) -> None:
    listed = client.get(URL, headers=auth(drafter_token)).json()
    assert [v["number"] for v in listed] == [1] and listed[0]["frozen"] is False
    assert listed[0]["published_at"] is None  # the owners' mark of a draft not yet public
    one = client.get(f"{URL}/1", headers=auth(drafter_token)).json()
    assert one["clauses"] and set(one["clauses"][0]) == {"key", "heading", "chapter", "body"}
    assert one["body"].startswith("#")


def test_unpublished_versions_are_for_the_owning_unit_and_admins(
    client: TestClient,
    drafter_token: str,
    other_drafter_token: str,
    stakeholder_token: str,
    admin_token: str,
) -> None:
    _second_version(client, drafter_token)
    assert client.post(f"{URL}/1/publish", headers=auth(drafter_token)).status_code == 200
    diff = f"/api/v1/policies/{SLUG}/diff"
    for who in ({}, auth(stakeholder_token), auth(other_drafter_token)):
        assert [v["number"] for v in client.get(URL, headers=who).json()] == [1]
        assert client.get(f"{URL}/1", headers=who).status_code == 200
        hidden = problem_of(client.get(f"{URL}/2", headers=who), 404, "not-found")
        assert "belum diterbitkan" in hidden["detail"]
        problem_of(client.get(diff, headers=who, params={"from": 1, "to": 2}), 404, "not-found")
    for who in (auth(drafter_token), auth(admin_token)):
        listed = client.get(URL, headers=who).json()
        assert [(v["number"], v["published_at"] is None) for v in listed] == [(1, False), (2, True)]
        assert client.get(f"{URL}/2", headers=who).json()["number"] == 2
        assert client.get(diff, headers=who, params={"from": 1, "to": 2}).status_code == 200
    english = client.get(f"{URL}/2", headers={"Accept-Language": "en"}).json()
    assert english["detail"].startswith("Version 2 of this policy is not published yet")


def test_new_version_keeps_keys_and_diff_shows_word_ops(client: TestClient, drafter_token: str) -> None:
    old_keys = [c["key"] for c in client.get(f"{URL}/1", headers=auth(drafter_token)).json()["clauses"]]
    second = _second_version(client, drafter_token)
    assert second["number"] == 2 and second["change_note"] == "Revisi"
    # The new Pasal goes after the last one, before the Penutup: every other clause keeps its key.
    new_keys = [c["key"] for c in second["clauses"]]
    assert [k for k in new_keys if k in old_keys] == old_keys and len(new_keys) == len(old_keys) + 1

    diff = client.get(
        f"/api/v1/policies/{SLUG}/diff", headers=auth(drafter_token), params={"from": 1, "to": 2}
    ).json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    changes = [c["change"] for c in diff["clauses"]]
    assert changes[0] == "changed" and changes.count("changed") == 1 and changes.count("added") == 1
    assert changes[new_keys.index(next(k for k in new_keys if k not in old_keys))] == "added"
    assert set(changes) == {"changed", "added", "unchanged"}
    assert {"op": "insert", "text": "Ditambah kewajiban pelaporan triwulanan."} in [
        {"op": w["op"], "text": w["text"].strip()} for w in diff["clauses"][0]["words"]
    ]


def test_publish_freezes_and_is_idempotent(client: TestClient, drafter_token: str) -> None:
    first = client.post(f"{URL}/1/publish", headers=auth(drafter_token))
    assert first.status_code == 200 and first.json()["frozen"] is True
    again = client.post(f"{URL}/1/publish", headers=auth(drafter_token)).json()
    assert again["published_at"] == first.json()["published_at"]


def test_write_refusals(
    client: TestClient, drafter_token: str, other_drafter_token: str, stakeholder_token: str
) -> None:
    body = {"body": "### Pasal 1\n\nIsi."}
    problem_of(client.post(URL, json=body), 401, "unauthenticated")
    problem_of(client.post(URL, headers=auth(stakeholder_token), json=body), 403, "forbidden")
    problem_of(client.post(URL, headers=auth(other_drafter_token), json=body), 403, "forbidden")
    problem_of(client.post(f"{URL}/1/publish", headers=auth(other_drafter_token)), 403, "forbidden")
    problem_of(
        client.post("/api/v1/policies/tidak-ada/versions", headers=auth(drafter_token), json=body),
        404,
        "not-found",
    )
    empty = problem_of(
        client.post(URL, headers=auth(drafter_token), json={"body": ""}), 422, "validation-error"
    )
    assert empty["errors"][0]["field"] == "body"
    no_clause = problem_of(
        client.post(URL, headers=auth(drafter_token), json={"body": "# Judul saja"}), 422, "invalid-input"
    )
    assert no_clause["errors"][0]["field"] == "body"


def test_text_is_frozen_during_consultation(client: TestClient, drafter_token: str) -> None:
    open_consultation(client, drafter_token)
    body = {"body": "### Pasal 1\n\nIsi baru."}
    refused = problem_of(client.post(URL, headers=auth(drafter_token), json=body), 409, "conflict")
    assert "consultation" in refused["detail"]


def test_read_and_diff_refusals(client: TestClient, drafter_token: str) -> None:
    owner = auth(drafter_token)
    problem_of(client.get(f"{URL}/9", headers=owner), 404, "not-found")
    missing_version = client.get(f"/api/v1/policies/{SLUG}/diff", headers=owner, params={"from": 1, "to": 9})
    problem_of(missing_version, 404, "not-found")
    missing = problem_of(
        client.get(f"/api/v1/policies/{SLUG}/diff", params={"to": 0}), 422, "validation-error"
    )
    assert {e["field"] for e in missing["errors"]} == {"from", "to"}


def test_the_drafter_writes_a_revision_note_in_revision_and_reads_it_with_the_others(
    client: TestClient, db: str, drafter_token: str, other_drafter_token: str
) -> None:
    notes_url = f"/api/v1/policies/{SLUG}/revision-notes"
    early = client.post(notes_url, headers=auth(drafter_token), json={"summary": "Terlalu awal."})
    problem_of(early, 409, "conflict")
    with unit_of_work(db) as s:  # the drafter has taken the policy into revision (set up)
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)
    theirs = client.post(notes_url, headers=auth(other_drafter_token), json={"summary": "Bukan unit saya."})
    assert theirs.status_code == 403
    blank = client.post(notes_url, headers=auth(drafter_token), json={"summary": ""})
    assert blank.status_code == 422
    made = client.post(
        notes_url, headers=auth(drafter_token), json={"summary": "Selaraskan dengan PP 11/2017."}
    )
    assert made.status_code == 201, made.text
    note = made.json()
    assert (note["source"], note["cycle"], note["summary_en"]) == (
        "drafter",
        2,
        "Selaraskan dengan PP 11/2017.",
    )
    listed = client.get(notes_url, params={"cycle": 2}).json()["items"]
    assert [n["id"] for n in listed] == [note["id"]]
