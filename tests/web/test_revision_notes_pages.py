"""The drafter's own revision note, written on the cockpit in the revision stage: refused to others with
a 403 page, every bad field at once with the values kept, and the note listed with the attached ones."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.drafting.models import RevisionNote
from policies.lifecycle.models import Policy, Stage
from tests.web.conftest import SLUG, post_form, sign_in

COCKPIT = f"/policies/{SLUG}/cockpit"
NOTES = f"/policies/{SLUG}/revision-notes"


def in_revision(db: str) -> None:
    """Put the catalogue policy in revision, cycle 2 (set up: the stages have their own tests)."""
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)


def note_count(db: str) -> int:
    """Return how many revision notes the database holds."""
    with unit_of_work(db) as s:
        return len(s.exec(select(RevisionNote)).all())


def test_the_note_form_shows_only_in_revision_and_refuses_other_roles(
    web: TestClient, db: str, drafter: str, other_drafter: str, stakeholder: str
) -> None:
    sign_in(web, drafter)
    assert f'action="{NOTES}"' not in web.get(COCKPIT).text  # no note before revision
    early = post_form(web, NOTES, {"summary": "Terlalu awal."}, page=COCKPIT)
    assert early.status_code == 409 and "hanya dapat ditulis pada tahap revisi" in early.text
    in_revision(db)
    assert f'action="{NOTES}"' in web.get(COCKPIT).text
    for token in (other_drafter, stakeholder):
        sign_in(web, token)
        refused = post_form(web, NOTES, {"summary": "Bukan hak saya."}, page="/")
        assert refused.status_code == 403 and refused.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert note_count(db) == 0


def test_a_bad_note_comes_back_with_every_error_and_a_good_one_is_listed(
    web: TestClient, db: str, drafter: str
) -> None:
    in_revision(db)
    sign_in(web, drafter)
    bad = post_form(
        web,
        NOTES,
        {"summary": " ", "summary_en": "Kept in English", "clause_key": "c-tidakada"},
        page=COCKPIT,
    )
    assert bad.status_code == 422 and bad.template.name == "web/cockpit.html"  # type: ignore[attr-defined]
    assert '<p class="error" id="summary-error">' in bad.text and "Tulis catatan revisinya." in bad.text
    assert ">Kept in English</textarea>" in bad.text  # values kept
    assert note_count(db) == 0
    bad_clause = post_form(web, NOTES, {"summary": "Perjelas.", "clause_key": "c-tidakada"}, page=COCKPIT)
    assert bad_clause.status_code == 422 and '<p class="error" id="clause_key-error">' in bad_clause.text
    assert 'href="#clause_key"' in bad_clause.text and ">Perjelas.</textarea>" in bad_clause.text
    made = post_form(
        web,
        NOTES,
        {"summary": "Selaraskan dengan PP 11/2017.", "summary_en": ""},
        page=COCKPIT,
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"].startswith(f"{COCKPIT}#note-")
    cockpit = web.get(COCKPIT).text
    assert "Selaraskan dengan PP 11/2017." in cockpit and "Catatan perancang sendiri" in cockpit
    assert "Dicatat oleh perancang" in cockpit
