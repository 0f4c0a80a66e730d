"""The drafter's consultation on the pages: every unmet gate links to its page, windows opened, extended
and closed early, the report published after a confirmation, and a withdrawal that asks first."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.consultation.comments import dispose
from policies.consultation.models import ConsultationWindow, Outcome
from policies.core.db import unit_of_work, utcnow
from policies.lifecycle.gates import GATES, WHERE_SATISFIED
from policies.lifecycle.models import Policy, Stage
from service.web.lifecycle import SATISFY_PATHS
from tests.service.conftest import auth
from tests.web.conftest import DRAFTER, SLUG, clause_keys, comment, post_form, sign_in, use_english

COCKPIT = f"/policies/{SLUG}/cockpit"
WINDOWS = f"/policies/{SLUG}/consultation"
REPORT = f"/policies/{SLUG}/consultation/report"
TZ = ZoneInfo("Asia/Jakarta")


def _ready_for_a_window(web: TestClient, token: str, *, in_workshop: bool = False) -> None:
    """Take the catalogue policy to the workshop stage with its workshops held and version 1 published."""
    headers = auth(token)
    if not in_workshop:
        moved = web.post(f"/api/v1/policies/{SLUG}/advance", headers=headers, json={"to_stage": "workshop"})
        assert moved.is_success, moved.text
    for n in (1, 2):
        made = web.post(
            f"/api/v1/policies/{SLUG}/workshops",
            headers=headers,
            json={"title": f"Lokakarya {n}", "starts_at": utcnow().isoformat(), "location": "Aula"},
        )
        assert made.status_code == 201, made.text
        done = web.post(
            f"/api/v1/policies/{SLUG}/workshops/{made.json()['id']}/minutes",
            headers=headers,
            json={"minutes": f"Notula {n}."},
        )
        assert done.is_success, done.text
    assert web.post(f"/api/v1/policies/{SLUG}/versions/1/publish", headers=headers).is_success


def _window_count(db: str) -> int:
    with unit_of_work(db) as s:
        return len(s.exec(select(ConsultationWindow)).all())


def _window(db: str) -> ConsultationWindow:
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        s.expunge(window)
        return window


def _links(page: str) -> dict[str, str]:
    """Return each unmet gate's link on the cockpit: gate name -> address."""
    found = re.findall(
        r'<li class="fail" data-gate="(\w+)">.*?<a class="satisfy" href="([^"]+)">', page, re.S
    )
    return {gate: href.replace("&amp;", "&") for gate, href in found}


def test_every_gate_names_a_page_that_satisfies_it() -> None:
    assert {g.name for g in GATES} == set(WHERE_SATISFIED)
    assert set(WHERE_SATISFIED.values()) <= set(SATISFY_PATHS)


def test_each_unmet_gate_on_the_cockpit_links_to_its_page(web: TestClient, drafter: str, db: str) -> None:
    assert web.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter), json={"to_stage": "workshop"}
    ).is_success
    sign_in(web, drafter)
    page = web.get(COCKPIT).text
    assert _links(page) == {
        "workshops_held": f"/policies/{SLUG}/workshops",
        "version_published": f"/policies/{SLUG}/cockpit#versions",
        "window_long_enough": f"/policies/{SLUG}/consultation",
    }
    assert 'id="versions"' in page and ">Ke halaman lokakarya</a>" in page
    # Satisfied gates carry no link; the next unmet ones do.
    web.cookies.delete("siklus_session")
    _ready_for_a_window(web, drafter, in_workshop=True)
    sign_in(web, drafter)
    links = _links(web.get(COCKPIT).text)
    assert links == {"window_long_enough": f"/policies/{SLUG}/consultation"}
    assert web.post(
        f"/api/v1/policies/{SLUG}/consultation", headers=auth(drafter), json={"version_number": 1}
    ).is_success
    assert web.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter), json={"to_stage": "consultation"}
    ).is_success
    comment(db, key=clause_keys(db)[0], body="Mohon dirinci.")
    links = _links(web.get(COCKPIT).text)
    assert links == {
        "window_closed": f"/policies/{SLUG}/consultation",
        "every_comment_answered": f"/policies/{SLUG}/triage?undisposed=1",
        "report_published": f"/policies/{SLUG}/consultation/report",
        "adoption_recorded": f"/policies/{SLUG}/adoption",
    }
    use_english(web)
    assert ">Record the adoption</a>" in web.get(COCKPIT).text


def test_the_consultation_pages_are_for_the_owning_unit_and_admins(
    web: TestClient, drafter: str, other_drafter: str, stakeholder: str, moderator: str, admin: str
) -> None:
    assert web.get(WINDOWS, follow_redirects=False).headers["location"] == f"/login?next={WINDOWS}"
    for token in (stakeholder, other_drafter, moderator):
        sign_in(web, token)
        for path in (WINDOWS, REPORT):
            page = web.get(path)
            assert page.status_code == 403 and page.template.name == "web/error.html", path  # type: ignore[attr-defined]
        for action, data in (("open", {"version_number": "1", "days": "21"}), ("close", {"reason": "x"})):
            refused = post_form(web, f"{WINDOWS}/{action}", data, page="/")
            assert refused.status_code == 403 and refused.template.name == "web/error.html"  # type: ignore[attr-defined]
        assert post_form(web, f"{REPORT}/publish", {}, page="/").status_code == 403
    for token in (drafter, admin):
        sign_in(web, token)
        assert web.get(WINDOWS).status_code == 200 and web.get(REPORT).status_code == 200


def test_opening_a_window_prefills_and_enforces_the_kinds_minimum(
    web: TestClient, drafter: str, db: str
) -> None:
    _ready_for_a_window(web, drafter)
    sign_in(web, drafter)
    page = web.get(WINDOWS)
    assert (
        'id="days" name="days" type="number" inputmode="numeric" min="21" max="365" value="21"' in page.text
    )
    short = post_form(
        web, f"{WINDOWS}/open", {"version_number": "1", "days": "7", "opens_at": ""}, page=WINDOWS
    )
    assert short.status_code == 422 and short.template.name == "web/consultation.html"  # type: ignore[attr-defined]
    error = short.text.split('id="days-error"', 1)[1].split("</p>", 1)[0]
    assert "minimal 21 hari" in error
    # The error stands next to the field, which keeps what was typed.
    assert 'value="7" aria-invalid="true" aria-describedby="days-error"' in short.text
    bad_date = post_form(
        web, f"{WINDOWS}/open", {"version_number": "1", "days": "21", "opens_at": "besok"}, page=WINDOWS
    )
    assert (
        bad_date.status_code == 422
        and 'id="opens_at-error"' in bad_date.text
        and 'value="besok"' in bad_date.text
    )
    done = post_form(
        web,
        f"{WINDOWS}/open",
        {"version_number": "1", "days": "21", "opens_at": ""},
        page=WINDOWS,
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"{WINDOWS}#windows"
    window = _window(db)
    assert window.closes_at - window.opens_at == timedelta(days=21)
    again = post_form(web, f"{WINDOWS}/open", {"version_number": "1", "days": "30"}, page=WINDOWS)
    assert again.status_code == 409 and "belum berakhir" in again.text
    use_english(web)
    english = web.get(WINDOWS).text
    assert "<h1>Consultation windows: " in english and "Extend the window" in english
    assert "at least 21 days" in english


def test_opening_a_window_shows_every_bad_field_at_once_with_a_summary(
    web: TestClient, drafter: str, db: str
) -> None:
    _ready_for_a_window(web, drafter)
    sign_in(web, drafter)
    bad = post_form(
        web, f"{WINDOWS}/open", {"version_number": "1", "days": "sebulan", "opens_at": "besok"}, page=WINDOWS
    )
    assert bad.status_code == 422
    assert set(bad.context["errors"]) == {"days", "opens_at"}  # type: ignore[attr-defined]
    assert 'id="days-error"' in bad.text and 'id="opens_at-error"' in bad.text
    summary = bad.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#days"' in summary and 'href="#opens_at"' in summary
    assert 'value="sebulan"' in bad.text and 'value="besok"' in bad.text  # values kept
    assert _window_count(db) == 0


def test_extending_and_closing_early_from_the_page(web: TestClient, drafter: str, db: str) -> None:
    _ready_for_a_window(web, drafter)
    sign_in(web, drafter)
    post_form(web, f"{WINDOWS}/open", {"version_number": "1", "days": "21"}, page=WINDOWS)
    planned = _window(db).closes_at
    typed = (planned - timedelta(days=2)).astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
    earlier = post_form(web, f"{WINDOWS}/extend", {"closes_at": typed}, page=WINDOWS)
    assert earlier.status_code == 422 and 'id="closes_at-error"' in earlier.text
    assert f'value="{typed}" aria-invalid="true" aria-describedby="closes_at-error"' in earlier.text
    later = (planned + timedelta(days=7)).astimezone(TZ).replace(second=0, microsecond=0)
    moved = post_form(
        web,
        f"{WINDOWS}/extend",
        {"closes_at": later.strftime("%Y-%m-%dT%H:%M")},
        page=WINDOWS,
        follow_redirects=False,
    )
    assert moved.status_code == 303 and _window(db).closes_at == later
    blank = post_form(web, f"{WINDOWS}/close", {"reason": "   "}, page=WINDOWS)
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text and _window(db).closed_at is None
    assert "Tuliskan alasan menutup konsultasi lebih awal" in blank.text
    closed = post_form(
        web, f"{WINDOWS}/close", {"reason": "Rancangan dikaji ulang."}, page=WINDOWS, follow_redirects=False
    )
    assert closed.status_code == 303
    window = _window(db)
    assert window.closed_at is not None and window.close_reason == "Rancangan dikaji ulang."
    listed = web.get(WINDOWS).text.split('id="windows"', 1)[1]
    row = listed.split(f'id="window-{window.id}"', 1)[1].split("</tr>", 1)[0]
    # The actual close, then the planned end it came before, and the reason.
    assert "Ditutup lebih awal: Rancangan dikaji ulang." in row and "lebih awal; rencana penutupan" in row
    assert f"{later.day} " in row and "terbuka sampai" not in row


def test_the_report_is_published_after_a_confirmation(web: TestClient, drafter: str, db: str) -> None:
    _ready_for_a_window(web, drafter)
    sign_in(web, drafter)
    post_form(web, f"{WINDOWS}/open", {"version_number": "1", "days": "21"}, page=WINDOWS)
    moved = post_form(web, f"/policies/{SLUG}/advance", {"to_stage": "consultation"}, page=COCKPIT)
    assert moved.status_code == 200 and moved.url.path == COCKPIT
    made = comment(db, key=clause_keys(db)[0], body="Mohon dirinci.")
    early = post_form(web, f"{REPORT}/publish", {}, page=REPORT)
    assert early.status_code == 409 and "setelah konsultasi ditutup" in early.text
    post_form(web, f"{WINDOWS}/close", {"reason": "Cukup masukan."}, page=WINDOWS)
    page = web.get(REPORT).text
    assert (
        "1 masukan masih menunggu tindak lanjut." in page
        and f'href="/policies/{SLUG}/triage?undisposed=1"' in page
    )
    unanswered = post_form(web, f"{REPORT}/publish", {}, page=REPORT)
    assert unanswered.status_code == 409 and "belum diberi tindak lanjut" in unanswered.text
    with unit_of_work(db) as s:
        dispose(s, actor=DRAFTER, slug=SLUG, comment_id=made, outcome=Outcome.NOTED, reason="Dicatat.")
    assert f'href="/policies/{SLUG}/report" id="preview"' in web.get(REPORT).text
    asked = post_form(web, f"{REPORT}/publish", {}, page=REPORT)
    assert asked.status_code == 200 and asked.template.name == "web/confirm.html"  # type: ignore[attr-defined]
    assert "Tindakan ini tidak dapat dibatalkan." in asked.text and 'name="confirm" value="1"' in asked.text
    # What is about to become public, counted.
    assert "1 masukan, 1 sudah dijawab, 0 disembunyikan moderator." in asked.text
    assert _window(db).report_published_at is None
    done = post_form(web, f"{REPORT}/publish", {"confirm": "1"}, page=REPORT, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/policies/{SLUG}/report"
    assert _window(db).report_published_at is not None
    assert "Baca laporan yang diterbitkan" in web.get(REPORT).text


@pytest.mark.parametrize("english", [False, True])
def test_withdrawing_from_the_cockpit_asks_first(
    web: TestClient, drafter: str, db: str, english: bool
) -> None:
    sign_in(web, drafter)
    if english:
        use_english(web)
    data = {"to_stage": "withdrawn", "reason": "Digantikan peraturan baru."}
    asked = post_form(web, f"/policies/{SLUG}/advance", data, page=COCKPIT)
    assert asked.status_code == 200 and asked.template.name == "web/confirm.html"  # type: ignore[attr-defined]
    said = (
        ("This cannot be undone.", "Reason: Digantikan")
        if english
        else ("tidak dapat dibatalkan", "Alasan: Digantikan")
    )
    assert all(s in asked.text for s in said)
    assert 'name="reason" value="Digantikan peraturan baru."' in asked.text

    def stage() -> Stage:
        with unit_of_work(db) as s:
            return Stage(s.exec(select(Policy.stage).where(Policy.slug == SLUG)).one())

    assert stage() is Stage.DRAFTING
    done = post_form(
        web, f"/policies/{SLUG}/advance", {**data, "confirm": "1"}, page=COCKPIT, follow_redirects=False
    )
    assert done.status_code == 303 and stage() is Stage.WITHDRAWN


def test_a_window_scheduled_later_reads_as_scheduled(web: TestClient, drafter: str, db: str) -> None:
    _ready_for_a_window(web, drafter)
    sign_in(web, drafter)
    opens = (utcnow() + timedelta(days=2)).astimezone(TZ).replace(hour=9, minute=0, second=0, microsecond=0)
    done = post_form(
        web,
        f"{WINDOWS}/open",
        {"version_number": "1", "days": "21", "opens_at": opens.strftime("%Y-%m-%dT%H:%M")},
        page=WINDOWS,
        follow_redirects=False,
    )
    assert done.status_code == 303
    window = _window(db)
    assert window.opens_at == opens and window.closes_at == opens + timedelta(days=21)
    page = web.get(WINDOWS).text
    assert "<strong>Terjadwal</strong>" in page
    row = page.split(f'id="window-{window.id}"', 1)[1].split("</tr>", 1)[0]
    assert "dibuka " in row and "pukul 09.00 WIB" in row
