"""The citizen's way in: the read-and-comment action, the inbox and its notice, votes, reports to the
moderators, my comments by pasal, a sent comment's notice, and forms that show every error at once."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from policies.consultation.comments import dispose
from policies.consultation.models import Outcome
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import Settings
from tests.service.conftest import auth, open_consultation
from tests.web.conftest import DRAFT, DRAFTER, SLUG, comment, post_form, sign_in


def _key(web: TestClient) -> str:
    return web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]


def _heading(web: TestClient) -> str:
    return web.get(DRAFT).context["chapters"][0][1][0].heading  # type: ignore[attr-defined]


def _my_comment(web: TestClient, token: str, key: str, body: str) -> int:
    made = web.post(
        f"/api/v1/policies/{SLUG}/comments", headers=auth(token), json={"clause_key": key, "body": body}
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_the_policy_page_leads_to_the_draft_and_the_home_card_leads_there(
    web: TestClient, drafter: str
) -> None:
    before = web.get(f"/policies/{SLUG}")
    assert 'id="take-part"' not in before.text  # no consultation, no action
    open_consultation(web, drafter)
    home = web.get("/")
    assert f'href="/policies/{SLUG}#take-part"' in home.text and "Baca dan beri masukan" in home.text
    page = web.get(f"/policies/{SLUG}")
    action = re.search(
        r'<p class="notice" id="take-part"><a class="button" href="([^"]+)">([^<]+)</a>', page.text
    )
    assert action and action.group(1) == DRAFT and action.group(2) == "Baca dan beri masukan"


def test_an_answer_to_my_comment_arrives_in_my_inbox_with_the_unread_count(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    key, heading = _key(web), _heading(web)
    mine = _my_comment(web, stakeholder, key, "Mohon dirinci per jabatan.")
    sign_in(web, stakeholder)
    # The receipt came first: the tracking number, unread until read.
    [receipt] = web.get("/inbox").context["messages"]  # type: ignore[attr-defined]
    assert receipt["subject"].startswith("[Siklus] Tanda terima SKL-")
    assert receipt["link"].startswith("/track/SKL-")
    post_form(web, f"/inbox/{receipt['id']}/read", {"go": "0"}, page="/inbox")
    assert 'class="badge"' not in web.get("/").text
    with unit_of_work(db) as s:
        dispose(s, actor=DRAFTER, slug=SLUG, comment_id=mine, outcome=Outcome.ACCEPTED, reason="Dirinci.")
    home = web.get("/")
    assert re.search(
        r'href="/inbox">Kotak masuk <span class="badge">1<span class="visually-hidden"> belum dibaca',
        home.text,
    )
    inbox = web.get("/inbox")
    message, _receipt = inbox.context["messages"]  # type: ignore[attr-defined]
    assert message["subject"].startswith("[Siklus] Masukan Anda sudah dijawab") and not message["read"]
    assert heading in message["body"]
    assert message["link"] == f"{DRAFT}/clauses/{key}#comment-{mine}"
    opened = post_form(
        web, f"/inbox/{message['id']}/read", {"go": "1"}, page="/inbox", follow_redirects=False
    )
    assert opened.status_code == 303 and opened.headers["location"] == message["link"]
    assert 'class="badge"' not in web.get("/").text
    assert web.get("/inbox").context["messages"][0]["read"]  # type: ignore[attr-defined]
    # Someone else's message is not in my inbox.
    sign_in(web, drafter)
    other = post_form(web, f"/inbox/{message['id']}/read", {}, page="/inbox")
    assert other.status_code == 404


def test_a_stakeholder_supports_and_opposes_a_comment_from_the_thread(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = _key(web)
    theirs = comment(db, key=key, body="Jam pelatihan terlalu sedikit.")
    thread = f"{DRAFT}/clauses/{key}"
    sign_in(web, stakeholder)
    voted = post_form(
        web, f"{thread}/comments/{theirs}/vote", {"value": "1"}, page=thread, follow_redirects=False
    )
    assert voted.status_code == 303 and voted.headers["location"] == f"{thread}#comment-{theirs}"
    page = web.get(thread)
    assert "Didukung 1, ditolak 0" in page.text
    assert re.search(r'name="value" value="0" class="secondary" aria-pressed="true">Dukung', page.text)
    post_form(web, f"{thread}/comments/{theirs}/vote", {"value": "-1"}, page=thread)
    assert "Didukung 0, ditolak 1" in web.get(thread).text
    refused = post_form(web, f"{thread}/comments/{theirs}/vote", {"value": "5"}, page=thread)
    assert refused.status_code == 422
    assert refused.context["errors"] == {f"vote-{theirs}": "Pilih mendukung atau menolak."}  # type: ignore[attr-defined]


def test_a_reader_reports_a_comment_and_the_moderators_list_it(
    web: TestClient, drafter: str, stakeholder: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = _key(web)
    spam = comment(db, key=key, body="Beli obat murah di sini.")
    thread = f"{DRAFT}/clauses/{key}"
    sign_in(web, stakeholder)
    blank = post_form(web, f"{thread}/comments/{spam}/flag", {"reason": "  "}, page=thread)
    assert blank.status_code == 422
    assert blank.context["errors"] == {  # type: ignore[attr-defined]
        f"flag-{spam}": "Tulis alasan Anda melaporkan masukan ini kepada moderator."
    }
    assert (
        '<details class="flag" open>' in blank.text and f'aria-describedby="flag-{spam}-error"' in blank.text
    )
    sent = post_form(
        web, f"{thread}/comments/{spam}/flag", {"reason": "Iklan obat"}, page=thread, follow_redirects=False
    )
    assert sent.headers["location"] == f"{thread}?flagged={spam}#comment-{spam}"
    assert 'id="flag-notice"' in web.get(sent.headers["location"]).text
    sign_in(web, moderator)
    queue = web.get("/moderation?tab=flagged")
    [item] = queue.context["page"].items  # type: ignore[attr-defined]
    assert item.id == spam and item.flags == ("Iklan obat",)
    assert "Dilaporkan 1 kali. Alasan:" in queue.text and "<li>Iklan obat</li>" in queue.text


def test_my_comments_name_the_pasal_never_its_key(web: TestClient, drafter: str, stakeholder: str) -> None:
    open_consultation(web, drafter)
    clauses = [c for _, chapter in web.get(DRAFT).context["chapters"] for c in chapter]  # type: ignore[attr-defined]
    key, heading = next((c.key, c.heading) for c in clauses if c.heading.startswith("Pasal"))
    _my_comment(web, stakeholder, key, "Mohon dirinci.")
    sign_in(web, stakeholder)
    page = web.get("/me/comments")
    assert f"— {heading}</a>" in page.text and heading.startswith("Pasal")
    assert f">{key}<" not in page.text and f" {key}" not in page.text.replace(f"/clauses/{key}", "")


def test_a_sent_comment_is_announced_and_takes_the_focus(
    web: TestClient, drafter: str, stakeholder: str
) -> None:
    open_consultation(web, drafter)
    key = _key(web)
    thread = f"{DRAFT}/clauses/{key}"
    sign_in(web, stakeholder)
    sent = post_form(
        web,
        f"{thread}/comments",
        {"body": "Perlu masa transisi.", "stance": "against"},
        page=thread,
        follow_redirects=False,
    )
    location = sent.headers["location"]
    made = int(location.rsplit("-", 1)[1])
    assert location == f"{thread}?sent={made}#comment-{made}"
    page = web.get(location)
    assert 'id="sent-notice"' in page.text and "masukan Anda terkirim" in page.text
    assert f'<li id="comment-{made}" class="comment just-sent" tabindex="-1">' in page.text


def test_a_comment_form_shows_every_error_at_once_with_a_summary_and_keeps_the_text(
    web: TestClient, drafter: str, stakeholder: str
) -> None:
    open_consultation(web, drafter)
    key = _key(web)
    thread = f"{DRAFT}/clauses/{key}"
    sign_in(web, stakeholder)
    typed = "Panjang sekali. " * 6_300  # past the model's 100.000 characters
    page = post_form(web, f"{thread}/comments", {"body": typed, "stance": "maybe"}, page=thread)
    assert page.status_code == 422
    errors = page.context["errors"]  # type: ignore[attr-defined]
    assert set(errors) == {"stance", "body"}
    assert errors["stance"] == "Pilih sikap: setuju, netral atau tidak setuju."
    assert errors["body"].startswith("Masukan paling panjang 100.000 karakter")
    summary = page.text[
        page.text.index('id="error-summary"') : page.text.index(
            "</div>", page.text.index('id="error-summary"')
        )
    ]
    assert 'href="#stance-for"' in summary and 'href="#body"' in summary
    assert typed.strip() in page.text  # the text is kept
    assert 'aria-describedby="body-error"' in page.text and 'id="stance-error"' in page.text


def test_numbers_read_the_indonesian_way_in_a_refusal(
    web: TestClient, drafter: str, stakeholder: str, settings: Settings
) -> None:
    open_consultation(web, drafter)
    key = _key(web)
    thread = f"{DRAFT}/clauses/{key}"
    sign_in(web, stakeholder)
    typed = "x" * (settings.comment_max_length + 50)
    page = post_form(web, f"{thread}/comments", {"body": typed, "stance": "for"}, page=thread)
    said = page.context["errors"]["body"]  # type: ignore[attr-defined]
    assert said == "Masukan terlalu panjang (10.050 karakter): maksimal 10.000 karakter."


def test_register_shows_every_error_at_once_and_keeps_all_but_the_password(web: TestClient) -> None:
    page = post_form(
        web,
        "/register",
        {
            "name": "",
            "email": "budi@example.test",
            "password": "rahasia-sekali-123",
            "group": "nobody",
            "unit": "Dinas",
        },
        page="/register",
    )
    assert page.status_code == 422
    errors = page.context["errors"]  # type: ignore[attr-defined]
    assert set(errors) == {"name", "group"}
    assert errors["group"] == "Pilih kelompok pemangku kepentingan."
    assert all(name not in said for said in errors.values() for name in ("name", "group", "account_id"))
    assert 'id="error-summary"' in page.text and 'href="#name"' in page.text and 'href="#group"' in page.text
    assert 'value="budi@example.test"' in page.text and 'value="Dinas"' in page.text
    assert "rahasia-sekali-123" not in page.text


def test_minutes_of_a_workshop_still_to_come_are_refused_on_the_page(web: TestClient, drafter: str) -> None:
    workshops = f"/policies/{SLUG}/workshops"
    sign_in(web, drafter)
    later = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT09:00")
    post_form(
        web,
        f"{workshops}/schedule",
        {"title": "Lokakarya 1", "starts_at": later, "location": "Aula"},
        page=workshops,
    )
    workshop = web.get(workshops).context["workshops"][0][0]  # type: ignore[attr-defined]
    refused = post_form(
        web,
        f"{workshops}/minutes",
        {"workshop_id": str(workshop.id), "minutes": "Disepakati."},
        page=workshops,
    )
    assert refused.status_code == 422
    [said] = refused.context["errors"].values()  # type: ignore[attr-defined]
    assert "belum dimulai" in said and refused.context["values"]["minutes"] == "Disepakati."  # type: ignore[attr-defined]


def test_the_signed_in_draft_has_no_comment_form_per_clause(
    web: TestClient, drafter: str, stakeholder: str
) -> None:
    open_consultation(web, drafter)
    key = _key(web)
    signed_out = web.get(DRAFT)
    sign_in(web, stakeholder)
    signed_in = web.get(DRAFT)
    assert "<textarea" not in signed_in.text and 'class="comment-form"' not in signed_in.text
    assert f'<a href="{DRAFT}/clauses/{key}#comment-form">Beri masukan</a>' in signed_in.text
    # The signed-in page costs about what the signed-out one does (the header's few links more).
    assert len(signed_in.content) - len(signed_out.content) < 1_500
