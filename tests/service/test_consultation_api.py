"""Consultation windows over HTTP: open (minimum from the kind), statistics, close, report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.models import ConsultationWindow, Outcome, Stance
from policies.consultation.windows import is_open
from policies.core.db import unit_of_work, utcnow
from tests.conftest import DRAFTER
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

URL = f"/api/v1/policies/{SLUG}/consultation"
COMMENTS = f"/api/v1/policies/{SLUG}/comments"
ASN = Actor(id=None, name="Budi", role=Role.STAKEHOLDER, group="asn")
PUBLIC = Actor(id=None, name="Warga", role=Role.STAKEHOLDER, group="public")


def _ready_for_window(client: TestClient, token: str) -> None:
    headers = auth(token)
    client.post(f"/api/v1/policies/{SLUG}/advance", headers=headers, json={"to_stage": "workshop"})
    client.post(f"/api/v1/policies/{SLUG}/versions/1/publish", headers=headers)


def _open_with_a_comment(
    client: TestClient, drafter_token: str, stakeholder_token: str, body: str
) -> tuple[dict[str, object], str, dict[str, Any]]:
    """Open the consultation and comment on its first clause; return the window, the key and the comment."""
    window = open_consultation(client, drafter_token)
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    made = client.post(COMMENTS, headers=auth(stakeholder_token), json={"clause_key": key, "body": body})
    assert made.status_code == 201, made.text
    return window, key, made.json()


def test_open_defaults_to_the_kinds_minimum(client: TestClient, drafter_token: str) -> None:
    window = open_consultation(client, drafter_token)
    length = datetime.fromisoformat(window["closes_at"]) - datetime.fromisoformat(window["opens_at"])
    days = length / timedelta(days=1)
    assert round(days, 6) == 21 and window["is_open"] is True and window["version_number"] == 1


def test_statistics_count_by_stance_clause_group_and_answer(
    client: TestClient, drafter_token: str, db: str
) -> None:
    window = open_consultation(client, drafter_token)
    keys = [c["key"] for c in client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"]]
    with unit_of_work(db) as s:
        first = comments.create_comment(
            s, actor=ASN, slug=SLUG, clause_key=keys[0], body="Setuju.", stance=Stance.FOR
        )
        comments.create_comment(
            s, actor=PUBLIC, slug=SLUG, clause_key=keys[0], body="Tidak setuju.", stance=Stance.AGAINST
        )
        comments.create_comment(s, actor=PUBLIC, slug=SLUG, clause_key=keys[1], body="Perlu dirinci.")
        comments.dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=first.id, outcome=Outcome.ACCEPTED, reason="Ya."
        )
    body = client.get(URL).json()
    assert body["window"]["id"] == window["id"]
    stats = body["statistics"]
    assert (stats["comments"], stats["answered"], stats["unanswered"], stats["campaigns"]) == (3, 1, 2, 0)
    assert stats["by_stance"] == {"against": 1, "for": 1, "neutral": 1}
    assert stats["by_clause"] == {keys[0]: 2, keys[1]: 1}
    assert stats["by_group"] == {"asn": 1, "public": 2}
    assert stats["by_outcome"] == {"accepted": 1}


def test_close_and_publish_report_once_every_comment_is_answered(
    client: TestClient, drafter_token: str, db: str
) -> None:
    open_consultation(client, drafter_token)
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    with unit_of_work(db) as s:
        comment_id = comments.create_comment(s, actor=PUBLIC, slug=SLUG, clause_key=key, body="Masukan.").id
    early = problem_of(client.post(f"{URL}/report/publish", headers=auth(drafter_token)), 409, "conflict")
    assert "setelah konsultasi ditutup" in early["detail"]
    closed = client.post(f"{URL}/close", headers=auth(drafter_token))
    assert closed.status_code == 200 and closed.json()["closed_at"] and closed.json()["is_open"] is False
    unanswered = problem_of(
        client.post(f"{URL}/report/publish", headers=auth(drafter_token)), 409, "conflict"
    )
    assert unanswered["missing"] == 1 and "belum diberi tindak lanjut" in unanswered["detail"]
    with unit_of_work(db) as s:
        comments.dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, outcome=Outcome.NOTED, reason="Dicatat."
        )
    published = client.post(f"{URL}/report/publish", headers=auth(drafter_token))
    assert published.status_code == 200 and published.json()["report_published_at"]


def test_open_refusals(
    client: TestClient, drafter_token: str, other_drafter_token: str, stakeholder_token: str
) -> None:
    body = {"version_number": 1}
    problem_of(client.post(URL, json=body), 401, "unauthenticated")
    problem_of(client.post(URL, headers=auth(stakeholder_token), json=body), 403, "forbidden")
    problem_of(client.post(URL, headers=auth(other_drafter_token), json=body), 403, "forbidden")
    drafting = problem_of(client.post(URL, headers=auth(drafter_token), json=body), 409, "conflict")
    assert "drafting" in drafting["detail"]
    client.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter_token), json={"to_stage": "workshop"}
    )
    unpublished = problem_of(client.post(URL, headers=auth(drafter_token), json=body), 422, "invalid-input")
    assert unpublished["errors"][0]["field"] == "version_number"
    _ready_for_window(client, drafter_token)
    short = problem_of(
        client.post(URL, headers=auth(drafter_token), json={**body, "days": 7}), 422, "invalid-input"
    )
    assert short["errors"][0]["field"] == "closes_at" and "minimal 21 hari" in short["detail"]
    both = {**body, "days": 30, "closes_at": (utcnow() + timedelta(days=30)).isoformat()}
    assert (
        problem_of(client.post(URL, headers=auth(drafter_token), json=both), 422, "invalid-input")["errors"][
            0
        ]["field"]
        == "days"
    )
    invalid = problem_of(
        client.post(URL, headers=auth(drafter_token), json={"version_number": 0, "days": 0}),
        422,
        "validation-error",
    )
    assert {e["field"] for e in invalid["errors"]} == {"version_number", "days"}
    problem_of(client.post(URL, headers=auth(drafter_token), json={"version_number": 5}), 404, "not-found")


def test_reading_without_a_window_is_404_and_close_without_one_is_409(
    client: TestClient, drafter_token: str
) -> None:
    problem_of(client.get(URL), 404, "not-found")
    problem_of(client.post(f"{URL}/close", headers=auth(drafter_token)), 409, "conflict")
    problem_of(client.post(f"{URL}/close"), 401, "unauthenticated")
    problem_of(client.get("/api/v1/policies/tidak-ada/consultation"), 404, "not-found")


def test_a_second_window_does_not_bypass_the_first_ones_comments(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    first, _, made = _open_with_a_comment(client, drafter_token, stakeholder_token, "Rinci target JP.")
    drafter = auth(drafter_token)
    assert client.post(f"{URL}/close", headers=drafter).status_code == 200
    second = client.post(URL, headers=drafter, json={"version_number": 1})
    assert second.status_code == 201, second.text
    assert client.post(f"{URL}/close", headers=drafter).status_code == 200
    refused = problem_of(client.post(f"{URL}/report/publish", headers=drafter), 409, "conflict")
    assert refused["missing"] == 1 and "semua jendela" in refused["detail"]
    english = client.post(f"{URL}/report/publish", headers={**drafter, "Accept-Language": "en"}).json()
    assert "every consultation window" in english["detail"]
    gates = problem_of(
        client.post(f"/api/v1/policies/{SLUG}/advance", headers=drafter, json={"to_stage": "socialization"}),
        409,
        "gates-not-met",
    )
    unanswered = next(g for g in gates["unmet_gates"] if g["gate"] == "every_comment_answered")
    assert "1 masukan yang tampil" in unanswered["reason"]
    assert "disembunyikan moderator" in unanswered["reason"]
    read = client.get(URL).json()
    assert [w["id"] for w in read["windows"]] == [first["id"], second.json()["id"]]
    assert read["window"]["id"] == second.json()["id"] and read["statistics"]["unanswered"] == 1
    assert [c["id"] for c in client.get(COMMENTS).json()["items"]] == [made["id"]]
    assert client.get(COMMENTS, params={"window_id": second.json()["id"]}).json()["items"] == []
    assert client.get(COMMENTS, params={"window_id": first["id"]}).json()["items"][0]["id"] == made["id"]
    problem_of(client.get(COMMENTS, params={"window_id": 999_999}), 404, "not-found")
    assert "Rinci target JP." in client.get(f"/api/v1/policies/{SLUG}/comments.csv").text
    assert "Rinci target JP." in client.get(f"{URL}/report.md", headers=drafter).text  # a draft preview
    answer = {"outcome": "noted", "reason": "Dicatat."}
    answered = client.put(f"{COMMENTS}/{made['id']}/disposition", headers=drafter, json=answer)
    assert answered.status_code == 200
    assert client.post(f"{URL}/report/publish", headers=drafter).status_code == 200


def test_open_checks_the_role_before_the_dates(client: TestClient, stakeholder_token: str) -> None:
    odd = {"version_number": 1, "days": 30, "closes_at": "2026-09-30T00:00:00+07:00"}
    problem_of(client.post(URL, headers=auth(stakeholder_token), json=odd), 403, "forbidden")
    problem_of(client.post(URL, json=odd), 401, "unauthenticated")


def test_comments_need_the_consultation_stage_and_an_open_window(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    drafter = auth(drafter_token)
    _ready_for_window(client, drafter_token)
    assert client.post(URL, headers=drafter, json={"version_number": 1}).status_code == 201
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    early = problem_of(
        client.post(
            f"/api/v1/policies/{SLUG}/comments",
            headers=auth(stakeholder_token),
            json={"clause_key": key, "body": "Terlalu awal."},
        ),
        409,
        "conflict",
    )
    assert "tahap konsultasi publik" in early["detail"] and "Lokakarya" in early["detail"]
    english = client.post(
        f"/api/v1/policies/{SLUG}/comments",
        headers={**auth(stakeholder_token), "Accept-Language": "en"},
        json={"clause_key": key, "body": "Too early."},
    ).json()
    assert "public consultation" in english["detail"] and "workshop" in english["detail"].lower()
    reply = client.post(
        f"/api/v1/policies/{SLUG}/comments/1/replies", headers=auth(stakeholder_token), json={"body": "x"}
    )
    assert "tahap konsultasi publik" in problem_of(reply, 409, "conflict")["detail"]


def test_withdrawing_closes_the_open_window_and_stops_comments(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    window, key, made = _open_with_a_comment(client, drafter_token, stakeholder_token, "Sebelum dicabut.")
    withdrawn = client.post(
        f"/api/v1/policies/{SLUG}/withdraw", headers=auth(drafter_token), json={"reason": "Digantikan."}
    )
    assert withdrawn.status_code == 200
    closed = client.get(URL).json()["window"]
    assert closed["id"] == window["id"] and closed["closed_at"] and closed["is_open"] is False
    late = client.post(
        COMMENTS, headers=auth(stakeholder_token), json={"clause_key": key, "body": "Sesudah dicabut."}
    )
    assert "Dicabut" in problem_of(late, 409, "conflict")["detail"]
    reply = client.post(
        f"{COMMENTS}/{made['id']}/replies", headers=auth(stakeholder_token), json={"body": "Sayang."}
    )
    problem_of(reply, 409, "conflict")


def test_the_report_is_for_its_owners_until_published(
    client: TestClient, drafter_token: str, other_drafter_token: str, stakeholder_token: str, db: str
) -> None:
    open_consultation(client, drafter_token)
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    with unit_of_work(db) as s:
        comment_id = comments.create_comment(s, actor=PUBLIC, slug=SLUG, clause_key=key, body="Rinci JP.").id
        comments.dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, outcome=Outcome.NOTED, reason="Dicatat."
        )
    owner = auth(drafter_token)
    assert client.post(f"{URL}/close", headers=owner).status_code == 200
    mark = "DRAF — laporan ini belum diterbitkan"
    for path in ("report", "report.html", "report.md"):
        for who in ({}, auth(stakeholder_token), auth(other_drafter_token)):
            hidden = problem_of(client.get(f"{URL}/{path}", headers=who), 404, "not-found")
            assert "belum diterbitkan" in hidden["detail"]
        preview = client.get(f"{URL}/{path}", headers=owner)
        assert preview.status_code == 200 and mark in preview.text and "Rinci JP." in preview.text
    assert client.post(f"{URL}/report/publish", headers=owner).status_code == 200
    for path in ("report.html", "report.md"):
        public = client.get(f"{URL}/{path}")
        assert public.status_code == 200 and "Rinci JP." in public.text and mark not in public.text
        assert mark not in client.get(f"{URL}/{path}", headers=owner).text


def test_a_window_is_open_from_its_opening_until_its_end_or_its_closing() -> None:
    opens = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
    window = ConsultationWindow(
        policy_id=1, cycle=1, version_id=1, opens_at=opens, closes_at=opens + timedelta(days=30)
    )
    assert not is_open(None, now=opens)
    assert not is_open(window, now=opens - timedelta(microseconds=1))
    assert is_open(window, now=opens) and is_open(window, now=window.closes_at - timedelta(microseconds=1))
    assert not is_open(window, now=window.closes_at)
    window.closed_at = opens + timedelta(days=1)
    assert not is_open(window, now=opens + timedelta(hours=1))


def test_extend_moves_the_close_later_and_close_keeps_the_early_reason(
    client: TestClient, drafter_token: str, other_drafter_token: str
) -> None:
    window = open_consultation(client, drafter_token)
    closes_at = datetime.fromisoformat(str(window["closes_at"]))
    later = (closes_at + timedelta(days=7)).isoformat()
    problem_of(
        client.post(f"{URL}/extend", headers=auth(other_drafter_token), json={"closes_at": later}),
        403,
        "forbidden",
    )
    earlier = (closes_at - timedelta(days=1)).isoformat()
    refused = problem_of(
        client.post(f"{URL}/extend", headers=auth(drafter_token), json={"closes_at": earlier}),
        422,
        "invalid-input",
    )
    assert "harus setelah" in str(refused["detail"])
    moved = client.post(f"{URL}/extend", headers=auth(drafter_token), json={"closes_at": later})
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["closes_at"]) == closes_at + timedelta(days=7)
    assert moved.json()["is_open"] is True
    closed = client.post(
        f"{URL}/close", headers=auth(drafter_token), json={"reason": "Rancangan dikaji ulang."}
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["close_reason"] == "Rancangan dikaji ulang." and closed.json()["is_open"] is False
    ended = problem_of(
        client.post(f"{URL}/extend", headers=auth(drafter_token), json={"closes_at": later}), 409, "conflict"
    )
    assert "tidak dapat diperpanjang" in str(ended["detail"])
    assert client.get(URL).json()["window"]["close_reason"] == "Rancangan dikaji ulang."
