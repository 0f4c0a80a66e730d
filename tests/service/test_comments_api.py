"""The comment register over HTTP: each resource's happy path and each refusal as problem+json."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from policies.core.settings import Settings
from service.api.consultation.comments import CommentPage
from service.app import create_app
from tests.service.conftest import SLUG, auth, make_token, open_consultation, problem_of

URL = f"/api/v1/policies/{SLUG}/comments"


@pytest.fixture
def keys(client: TestClient, drafter_token: str) -> list[str]:
    """Open the catalogue policy's consultation over HTTP; return its clause keys."""
    open_consultation(client, drafter_token)
    return [c["key"] for c in client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"]]


def _post(client: TestClient, token: str, key: str, body: str, **extra: object) -> dict:
    made = client.post(URL, headers=auth(token), json={"clause_key": key, "body": body, **extra})
    assert made.status_code == 201, made.text
    return made.json()


def test_comment_reply_vote_and_read_without_an_account(
    client: TestClient, keys: list[str], stakeholder_token: str, drafter_token: str, db: str
) -> None:
    made = _post(client, stakeholder_token, keys[0], "Target 20 JP perlu dirinci.", stance="against")
    assert made["author_name"] == "Budi Santoso" and made["author_group"] == "asn"
    assert made["stance"] == "against" and made["campaign_id"] is None
    reply = client.post(
        f"{URL}/{made['id']}/replies", headers=auth(drafter_token), json={"body": "Akan dirinci."}
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == made["id"]
    sari = make_token(db, email="sari@warga.test", role=Role.STAKEHOLDER)
    voted = client.put(f"{URL}/{made['id']}/vote", headers=auth(sari), json={"value": 1})
    assert voted.status_code == 200 and voted.json()["support_count"] == 1
    one = client.get(f"{URL}/{made['id']}")  # no token: reading is public
    assert one.status_code == 200 and [r["body"] for r in one.json()["replies"]] == ["Akan dirinci."]
    page = client.get(URL, params={"stance": "against", "clause_key": keys[0]}).json()
    assert [c["id"] for c in page["items"]] == [made["id"]] and page["next_cursor"] is None


def test_idempotency_key_replays_the_first_comment(
    client: TestClient, keys: list[str], stakeholder_token: str
) -> None:
    headers = {**auth(stakeholder_token), "Idempotency-Key": "masukan-1"}
    payload = {"clause_key": keys[0], "body": "Sekali saja."}
    first = client.post(URL, headers=headers, json=payload)
    again = client.post(URL, headers=headers, json=payload)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert len(client.get(URL).json()["items"]) == 1


def test_refusals_are_problems(
    client: TestClient, keys: list[str], stakeholder_token: str, moderator_token: str, drafter_token: str
) -> None:
    body = {"clause_key": keys[0], "body": "Masukan."}
    assert "Bearer" in problem_of(client.post(URL, json=body), 401, "unauthenticated")["detail"]
    problem_of(client.post(URL, headers=auth("salah"), json=body), 401, "unauthenticated")
    unknown = problem_of(
        client.post(URL, headers=auth(stakeholder_token), json={**body, "clause_key": "pasal-99"}),
        422,
        "invalid-input",
    )
    assert unknown["errors"][0]["field"] == "clause_key" and "pasal-99" in unknown["detail"]
    missing = problem_of(
        client.post(URL, headers=auth(stakeholder_token), json={"body": "x"}), 422, "validation-error"
    )
    assert missing["errors"][0]["field"] == "clause_key"
    broken = problem_of(
        client.post(
            URL,
            headers={**auth(stakeholder_token), "content-type": "application/json"},
            content=b'{"body": "x",',
        ),
        422,
        "validation-error",
    )
    assert "bukan JSON yang sah" in broken["detail"] and broken["errors"][0]["location"] == "body"
    problem_of(
        client.post("/api/v1/policies/tidak-ada/comments", headers=auth(stakeholder_token), json=body),
        404,
        "not-found",
    )
    problem_of(client.get(f"{URL}/999999"), 404, "not-found")
    made = _post(client, stakeholder_token, keys[0], "Masukan asli.")
    hide = f"{URL}/{made['id']}/hide"
    problem_of(client.post(hide, headers=auth(stakeholder_token), json={"reason": "x"}), 403, "forbidden")
    answer = {"outcome": "accepted", "reason": "Ya."}
    problem_of(
        client.put(f"{URL}/{made['id']}/disposition", headers=auth(moderator_token), json=answer),
        403,
        "forbidden",
    )
    problem_of(client.get(URL, params={"cursor": "rusak"}), 422, "invalid-input")
    closed = client.post(f"/api/v1/policies/{SLUG}/consultation/close", headers=auth(drafter_token))
    assert closed.status_code == 200
    late = problem_of(client.post(URL, headers=auth(stakeholder_token), json=body), 409, "conflict")
    assert "sudah ditutup" in late["detail"]


def test_rate_limit_is_a_429(settings: Settings, catalog: None, drafter_token: str, db: str) -> None:
    limited = settings.model_copy(update={"comments_per_minute": 2, "comment_max_length": 50})
    with TestClient(create_app(limited)) as client:
        open_consultation(client, drafter_token)
        key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
        token = make_token(db, email="cepat@warga.test", role=Role.STAKEHOLDER)
        too_long = client.post(URL, headers=auth(token), json={"clause_key": key, "body": "x" * 51})
        assert problem_of(too_long, 422, "invalid-input")["errors"][0]["field"] == "body"
        for n in range(2):
            _post(client, token, key, f"Masukan {n}.")
        response = client.post(URL, headers=auth(token), json={"clause_key": key, "body": "Lagi."})
        refused = problem_of(response, 429, "rate-limited")
        assert "batas 2 per menit" in refused["detail"] and refused["retry_after"] == 60
        assert response.headers["retry-after"] == "60"
        english = client.post(
            URL, headers={**auth(token), "Accept-Language": "en"}, json={"clause_key": key, "body": "Again."}
        )
        assert "limit is 2 per minute" in problem_of(english, 429, "rate-limited")["detail"]


def test_moderation_disposition_campaign_and_exports(
    client: TestClient, keys: list[str], db: str, moderator_token: str, drafter_token: str
) -> None:
    letter = "Kami menolak kewajiban dua puluh jam pelajaran karena pelatihan tidak tersedia di daerah kami"
    tokens = [make_token(db, email=f"guru{n}@warga.test", role=Role.STAKEHOLDER) for n in range(3)]
    members = [_post(client, t, keys[1], letter + "!" * n) for n, t in enumerate(tokens)]
    rude = _post(client, tokens[0], keys[0], "Kata kasar.")
    hidden = client.post(f"{URL}/{rude['id']}/hide", headers=auth(moderator_token), json={"reason": "kasar"})
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    assert client.get(f"{URL}/{rude['id']}").json()["body"] == "[disembunyikan oleh moderator: kasar]"
    assert client.get(f"{URL}/{rude['id']}", headers=auth(moderator_token)).json()["body"] == "Kata kasar."
    groups = client.get(f"/api/v1/policies/{SLUG}/campaigns").json()
    assert len(groups) == 1 and groups[0]["size"] == 3
    assert {m["id"] for m in client.get(URL, params={"campaign_id": groups[0]["id"]}).json()["items"]} == {
        m["id"] for m in members
    }
    answer = {"outcome": "not_accepted", "reason": "Pelatihan daring tersedia.", "next_clause_key": None}
    done = client.put(
        f"/api/v1/policies/{SLUG}/campaigns/{groups[0]['id']}/disposition",
        headers=auth(drafter_token),
        json=answer,
    )
    assert done.status_code == 200 and done.json()["disposed"] == 3
    one = client.put(
        f"{URL}/{rude['id']}/disposition",
        headers=auth(drafter_token),
        json={"outcome": "noted", "reason": "Dicatat.", "next_clause_key": "pasal-2"},
    )
    assert one.status_code == 200 and one.json()["disposition"]["next_clause_key"] == "pasal-2"
    assert client.get(URL, params={"undisposed": True}).json()["items"] == []
    # The page is written by orjson from the domain's records: byte for byte what pydantic would
    # write for the CommentPage the OpenAPI document describes.
    for headers in ({}, auth(moderator_token)):
        listed = client.get(URL, headers=headers)
        assert listed.content == CommentPage.model_validate_json(listed.content).model_dump_json().encode()
        by_id = {c["id"]: c for c in listed.json()["items"]}
        assert by_id[rude["id"]]["disposition"]["next_clause_key"] == "pasal-2"
        assert (by_id[rude["id"]]["body"] == "Kata kasar.") is bool(headers)
    exported = client.get(f"/api/v1/policies/{SLUG}/comments.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 4 and {r["disposition"] for r in rows} == {"not_accepted", "noted"}
    assert "Kata kasar." not in exported.text
    records = client.get(f"/api/v1/policies/{SLUG}/comments.json", headers=auth(moderator_token)).json()
    assert len(records) == 4 and "Kata kasar." in {r["body"] for r in records}
    # Not published yet: only the owning unit reads the report, as a draft preview.
    report = client.get(f"/api/v1/policies/{SLUG}/consultation/report.html", headers=auth(drafter_token))
    assert report.status_code == 200 and "Pelatihan daring tersedia." in report.text
    markdown = client.get(f"/api/v1/policies/{SLUG}/consultation/report.md", headers=auth(drafter_token))
    assert markdown.status_code == 200 and markdown.text.startswith("# Laporan konsultasi publik")
    problem_of(client.get("/api/v1/policies/tidak-ada/comments.csv"), 404, "not-found")


def test_a_comment_is_flagged_for_the_moderators_with_a_reason(
    client: TestClient, keys: list[str], stakeholder_token: str, drafter_token: str
) -> None:
    made = _post(client, stakeholder_token, keys[0], "Beli obat murah di sini.")
    flags = f"{URL}/{made['id']}/flags"
    flagged = client.post(flags, headers=auth(drafter_token), json={"reason": "Iklan"})
    assert flagged.status_code == 201 and flagged.json()["reason"] == "Iklan"
    assert flagged.json()["comment_id"] == made["id"]
    blank = problem_of(
        client.post(flags, headers=auth(drafter_token), json={"reason": "   "}), 422, "invalid-input"
    )
    assert blank["detail"] == "Tulis alasan Anda melaporkan masukan ini kepada moderator."
    problem_of(client.post(flags, json={"reason": "Iklan"}), 401, "unauthenticated")
    problem_of(
        client.post(f"{URL}/999999/flags", headers=auth(drafter_token), json={"reason": "x"}),
        404,
        "not-found",
    )
