"""A NUL typed into a page's form or address gets a clear refusal (4xx) on every database, never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.core.settings import Settings
from tests.service.conftest import open_consultation
from tests.web.conftest import DRAFT, SLUG, comment, post_form, sign_in
from tests.web.test_survey import _token

BAD = "Masukan\x00rusak"


def test_a_comment_or_reply_holding_nul_comes_back_with_the_reason(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    first = comment(db, key=key, body="Satu.")
    sign_in(web, stakeholder)
    thread = f"{DRAFT}/clauses/{key}"
    said = post_form(web, f"{thread}/comments", {"body": BAD, "stance": "for"}, page=thread)
    assert said.status_code == 422 and said.template.name == "web/thread.html"  # type: ignore[attr-defined]
    assert "karakter yang tidak diizinkan (NUL)" in said.context["errors"]["body"]  # type: ignore[attr-defined]
    replied = post_form(web, f"{thread}/replies", {"parent_id": str(first), "body": BAD}, page=thread)
    assert replied.status_code == 422
    assert "(NUL)" in replied.context["errors"][f"reply-{first}"]  # type: ignore[attr-defined]
    assert [c.body for c in web.get(thread).context["thread"]] == ["Satu."]  # type: ignore[attr-defined]
    # A NUL in the address: no policy has it, so the page is a plain 404, not a failed query.
    assert web.get(f"/policies/{SLUG}%00").status_code == 404
    sign_in(web, drafter)
    filtered = web.get(f"/policies/{SLUG}/triage?clause=a%00")
    assert filtered.status_code == 422 and "Filter pasal" in filtered.text


def test_the_draft_editor_shows_a_nul_beside_the_field_that_holds_it(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    edit = f"/policies/{SLUG}/edit"
    body = "# Judul\n\n### Pasal 1\n\nSatu."
    note = post_form(web, edit, {"body": body, "change_note": "Catatan\x00", "save": "1"}, page=edit)
    assert note.status_code == 422 and note.template.name == "web/edit.html"  # type: ignore[attr-defined]
    errors = note.context["errors"]  # type: ignore[attr-defined]
    assert "Catatan perubahan memuat karakter yang tidak diizinkan (NUL)" in errors["change_note"]
    assert 'id="change_note-error"' in note.text and 'aria-describedby="change_note-error"' in note.text
    text = post_form(web, edit, {"body": f"{body}\x00", "change_note": "", "save": "1"}, page=edit)
    assert text.status_code == 422 and "Draf memuat karakter" in text.context["errors"]["body"]  # type: ignore[attr-defined]


def test_a_survey_answer_holding_nul_is_refused_with_the_answers_kept(
    web: TestClient, settings: Settings
) -> None:
    token, questions = _token(settings)
    answers = {"token": token, "golongan": "III", "years_of_service": "12", "saran_perbaikan": BAD}
    for q in questions:
        if q["type"] == "scale":
            answers[q["code"]] = "3"
        elif q["type"] == "single" and q["code"] != "golongan":
            answers[q["code"]] = q["options"][0]
    page = post_form(web, "/survei", answers, page=f"/survei?token={token}")
    assert page.status_code == 422 and page.template.name == "web/survey.html"  # type: ignore[attr-defined]
    assert "(NUL)" in page.context["problem"] and page.context["bad"] == {"saran_perbaikan"}  # type: ignore[attr-defined]
    assert page.context["values"]["u1"] == 3 and page.context["answered"] is False  # type: ignore[attr-defined]
