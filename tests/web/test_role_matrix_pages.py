"""Every role against every page form: a form the role may not send is refused with a 403 page, never
a 500 (and never a 422 that would tell the refused caller about the form's fields)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from service.web.render import SESSION_COOKIE
from tests.conftest import app_for
from tests.service.conftest import UNIT, auth, make_token, open_consultation
from tests.web.conftest import DRAFT, SLUG, csrf_of, sign_in

# Forms anyone may send: signing in and up, the language, a survey answer or an email check carried
# by its token, and a survey receipt's check.
PUBLIC_FORMS = {
    "/login",
    "/register",
    "/lang",
    "/survei",
    "/survei/tanda-terima",
    "/verify-email",
    # "This was not me": anyone; the link sent to the comment's own address proves the owner.
    "/policies/{slug}/comments/{comment_id}/not-me",
    "/bukan-saya",
}
# Each page form: the address it posts to (path parameters filled in below) and what it sends.
FORMS: dict[str, dict[str, str]] = {
    "/policies/{slug}/edit": {"body": "# Judul\n## BAB I\n### Pasal 1\nIsi pasal.", "change_note": "Uji"},
    "/policies/{slug}/versions/{number}/publish": {},
    "/policies/{slug}/advance": {"to_stage": "socialization", "reason": "Uji"},
    "/policies/{slug}/workshops/{action}": {
        "title": "Lokakarya Uji",
        "starts_at": "2026-09-01T09:00",
        "location": "Aula",
    },
    "/policies/{slug}/triage/{target}/{item_id}": {"outcome": "accepted", "reason": "Diterima."},
    "/policies/{slug}/consultation/{window_action}": {"closes_at": "2030-01-01T09:00"},
    "/policies/{slug}/consultation/report/publish": {},
    "/moderation/{slug}/{comment_id}": {"reason": "Tidak pantas.", "hidden": "1"},
    "/policies/{slug}/versions/{number}/clauses/{key}/comments": {"body": "Masukan uji.", "stance": "for"},
    "/policies/{slug}/versions/{number}/clauses/{key}/replies": {"body": "Balasan uji."},
    "/policies/{slug}/versions/{number}/clauses/{key}/comments/{comment_id}/vote": {"value": "1"},
    "/policies/{slug}/versions/{number}/clauses/{key}/comments/{comment_id}/flag": {"reason": "Iklan."},
    "/inbox/{message_id}/read": {},
    "/policies/{slug}/acknowledge": {},
    # Without `confirmed` the adoption form only shows what would be recorded.
    "/policies/{slug}/adoption": {
        "version_number": "1",
        "instrument_type": "Peraturan Wali Kota",
        "number": "12 Tahun 2026",
        "adopted_on": "2026-09-30",
        "signed_by": "Wali Kota",
    },
    "/policies/{slug}/socialization/sessions": {"title": "Sosialisasi Uji", "held_on": "2026-09-01"},
    "/policies/{slug}/socialization/sessions/{session_id}/attendance": {"name": "Sari", "unit": "Dinas"},
    "/policies/{slug}/mentoring": {"mentor_name": "Ani", "mentee_name": "Budi", "started_on": "2026-09-01"},
    "/policies/{slug}/versions/{number}/edit": {
        "body": "# Judul\n## BAB I\n### Pasal 1\nIsi.",
        "change_note": "Uji",
    },
    "/policies/{slug}/versions/{number}/discard": {},
    # No file: the drafter's form answers with what is missing; anyone else is refused first.
    "/policies/{slug}/versions/import": {},
    "/policies/{slug}/evaluation/rounds": {"closes_at": "2030-01-01", "reminder_max": "3"},
    "/policies/{slug}/evaluation/rounds/population": {"round_id": "1"},
    "/policies/{slug}/evaluation/rounds/close": {"round_id": "1", "confirm": "1"},
    "/policies/{slug}/evaluation/recommendations": {"round_id": "1", "text": "Perluas pelatihan."},
    "/policies/{slug}/evaluation/followup": {"round_id": "1", "subject": "unsur", "code": "u8"},
    "/policies/{slug}/evaluation/followup/update": {"item_id": "1", "status": "done"},
    "/policies/{slug}/evaluation/rounds/publish": {"round_id": "1"},
    "/policies/{slug}/evaluation/indicators": {
        "code": "uji",
        "name": "Uji",
        "unit": "persen",
        "target": "80",
    },
    "/policies/{slug}/evaluation/measurements": {"indicator_id": "1", "value": "75,5"},
    "/policies/{slug}/evaluation/measurements/import": {},
    "/policies/{slug}/revision-notes": {"summary": "Catatan revisi uji."},
    "/policies/{slug}/changes/link": {"version_number": "1", "element_key": "e-uji"},
    "/policies/{slug}/changes/unchanged/{comment_id}": {"reason": "Teks tetap."},
    "/verify-email/resend": {},
    "/account/notifications": {"stage": "daily"},
    "/policies/{slug}/follow": {"follow": "1"},
    "/policies/{slug}/reacknowledge": {},
    "/policies/{slug}/element-scopes": {"element_key": "e-uji", "unit": "Dinas Pendidikan"},
    "/policies/{slug}/element-scopes/{scope_id}/remove": {},
    "/policies/{slug}/reacknowledgements": {},
    "/policies/{slug}/offline-inputs": {
        "source": "oral",
        "attributed_to": "Pak Made",
        "occasion": "sosialisasi",
        "occasion_on": "2026-01-05",
        "body": "Masukan lisan uji.",
    },
    "/policies/{slug}/offline-inputs/workshops": {},
    "/policies/{slug}/on-behalf": {"organisation": "KORPRI", "body": "Uji.", "signatories": "Ani"},
    "/moderation/not-me/{slug}/{report_id}": {"verdict": "upheld", "reason": "Uji."},
    "/admin/holidays": {"closed_on": "2026-10-02", "name": "Hari Jadi Kota", "kind": "regional"},
    "/admin/holidays/{holiday_id}/delete": {},
    "/admin/accounts": {
        "name": "Petugas Uji",
        "email": "petugas-uji@siklus.test",
        "password": "kata-sandi-uji-123",
        "role": "moderator",
    },
    "/admin/accounts/{account_id}": {"unit": "Dinas Uji", "position": "Analis Kebijakan", "active": "on"},
    "/logout": {},
}
# What every signed-in account may do for itself (its own inbox; reporting a comment to the moderators).
OWN_FORMS = {
    "/verify-email/resend",
    "/logout",
    "/inbox/{message_id}/read",
    "/policies/{slug}/versions/{number}/clauses/{key}/comments/{comment_id}/flag",
    "/account/notifications",
    "/policies/{slug}/follow",
}
OWNER_FORMS = {
    "/policies/{slug}/edit",
    "/policies/{slug}/versions/{number}/publish",
    "/policies/{slug}/advance",
    "/policies/{slug}/workshops/{action}",
    "/policies/{slug}/triage/{target}/{item_id}",
    "/policies/{slug}/adoption",
    "/policies/{slug}/socialization/sessions",
    "/policies/{slug}/socialization/sessions/{session_id}/attendance",
    "/policies/{slug}/mentoring",
    "/policies/{slug}/versions/{number}/edit",
    "/policies/{slug}/versions/{number}/discard",
    "/policies/{slug}/versions/import",
    "/policies/{slug}/consultation/{window_action}",
    "/policies/{slug}/consultation/report/publish",
    "/policies/{slug}/revision-notes",
    "/policies/{slug}/changes/link",
    "/policies/{slug}/changes/unchanged/{comment_id}",
    "/policies/{slug}/element-scopes",
    "/policies/{slug}/element-scopes/{scope_id}/remove",
    "/policies/{slug}/reacknowledgements",
    "/policies/{slug}/offline-inputs",
    "/policies/{slug}/offline-inputs/workshops",
}
# The evaluation's work: admins and the policy's unit's evaluators and drafters; a recommendation is the
# evaluators' (and admins') alone, since the drafter decides on it; so is publishing a round's results.
RECOMMEND = "/policies/{slug}/evaluation/recommendations"
PUBLISH = "/policies/{slug}/evaluation/rounds/publish"
EVALUATION_FORMS = {
    "/policies/{slug}/evaluation/rounds",
    "/policies/{slug}/evaluation/rounds/population",
    "/policies/{slug}/evaluation/rounds/close",
    "/policies/{slug}/evaluation/indicators",
    "/policies/{slug}/evaluation/measurements",
    "/policies/{slug}/evaluation/measurements/import",
    "/policies/{slug}/evaluation/followup",
    "/policies/{slug}/evaluation/followup/update",
}
ALLOWED: dict[str, set[str]] = {
    "stakeholder": {
        "/policies/{slug}/versions/{number}/clauses/{key}/comments",
        "/policies/{slug}/versions/{number}/clauses/{key}/replies",
        "/policies/{slug}/versions/{number}/clauses/{key}/comments/{comment_id}/vote",
        "/policies/{slug}/acknowledge",
        "/policies/{slug}/reacknowledge",
        "/policies/{slug}/on-behalf",
    }
    | OWN_FORMS,
    "moderator": {
        "/moderation/{slug}/{comment_id}",
        "/moderation/not-me/{slug}/{report_id}",
        "/policies/{slug}/offline-inputs",
    }
    | OWN_FORMS,
    "evaluator": EVALUATION_FORMS | {RECOMMEND, PUBLISH} | OWN_FORMS,
    "drafter_of_another_unit": OWN_FORMS,
    "drafter": OWNER_FORMS
    | EVALUATION_FORMS
    | {"/policies/{slug}/versions/{number}/clauses/{key}/replies"}
    | OWN_FORMS,
    "admin": set(FORMS)
    - {
        "/policies/{slug}/versions/{number}/clauses/{key}/comments",
        "/policies/{slug}/versions/{number}/clauses/{key}/comments/{comment_id}/vote",
        "/policies/{slug}/acknowledge",
        "/policies/{slug}/reacknowledge",
        "/policies/{slug}/on-behalf",
    },
}
ROLES = {
    "stakeholder": (Role.STAKEHOLDER, "Dinas Pendidikan"),
    "moderator": (Role.MODERATOR, ""),
    "evaluator": (Role.EVALUATOR, UNIT),
    "drafter_of_another_unit": (Role.DRAFTER, "BKPSDM Kabupaten Lampung Selatan"),
    "drafter": (Role.DRAFTER, UNIT),
    "admin": (Role.ADMIN, ""),
}


def page_forms(web: TestClient) -> set[str]:
    """Return the address of every form the pages take (POST outside the API)."""
    app = app_for(web.app.state.settings)  # type: ignore[attr-defined]
    return {
        route.path_format
        for route in iter_route_contexts(app.routes)
        if "POST" in (getattr(route, "methods", None) or ()) and not route.path_format.startswith("/api/")
    }


@pytest.fixture
def filled(web: TestClient, drafter: str, stakeholder: str) -> dict[str, Any]:
    """An open consultation with a comment; return the values of the forms' path parameters."""
    open_consultation(web, drafter)
    key = web.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    made = web.post(
        f"/api/v1/policies/{SLUG}/comments",
        headers=auth(stakeholder),
        json={"clause_key": key, "body": "Masukan pertama."},
    )
    assert made.status_code == 201, made.text
    comment = made.json()["id"]
    return {
        "slug": SLUG,
        "number": 1,
        "message_id": comment,  # nobody's message: each account's own inbox answers "not found"
        "key": key,
        "action": "schedule",
        "window_action": "extend",
        "target": "comment",
        "item_id": comment,
        "comment_id": comment,
        "parent_id": comment,
        "session_id": 1,
        "scope_id": 1,  # no scope exists: the owner is answered "not found", everyone else refused first
        "report_id": 1,
        "holiday_id": 1,  # the first cuti bersama the migration seeds
        "account_id": 1,
    }


def test_the_matrix_covers_every_page_form(web: TestClient) -> None:
    assert page_forms(web) == set(FORMS) | PUBLIC_FORMS


@pytest.mark.parametrize("reader", list(ROLES))
def test_every_role_against_every_page_form_is_refused_with_a_403_page_or_served(
    web: TestClient, db: str, filled: dict[str, Any], reader: str
) -> None:
    role, unit = ROLES[reader]
    token = make_token(db, email=f"{reader.replace('_', '-')}@siklus.test", role=role, unit=unit)
    # Signing out ends the session: it goes last.
    for form in sorted(FORMS, key=lambda f: f == "/logout"):
        web.cookies.delete(SESSION_COOKIE)
        sign_in(web, token)
        csrf = csrf_of(web, DRAFT)
        url = form.format(**filled)
        data = {"csrf_token": csrf, **FORMS[form]}
        if form.endswith("/replies"):
            data["parent_id"] = str(filled["parent_id"])
        sent = web.post(url, data=data, headers={"Accept": "text/html"}, follow_redirects=False)
        said = f"{reader} {form}: {sent.status_code} {sent.text[:300]}"
        assert sent.status_code < 500, said
        if form in ALLOWED[reader]:
            assert sent.status_code not in (401, 403), said
        else:
            assert sent.status_code == 403, said
            assert sent.headers["content-type"].startswith("text/html")
