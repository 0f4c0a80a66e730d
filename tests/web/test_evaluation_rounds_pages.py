"""The survey rounds page: who may see and send its forms, the population CSV's preview, closing, and
the evaluator's recommendation, each refusal next to its field with the values kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.evaluation import rounds
from policies.evaluation.models import SurveyRespondent, SurveyRound
from policies.lifecycle.models import Policy, Stage
from tests.service.conftest import OTHER_UNIT, UNIT, make_token
from tests.web.conftest import SLUG, csrf_of, sign_in, use_english

ROUNDS = f"/policies/{SLUG}/evaluation/rounds"
GOOD = "198703152010011002"
CSV = (
    "nip,nama,unit,email\n"
    f"{GOOD},Budi Santoso,Dinas Pendidikan,budi@asn.test\n"
    "12345,Salah Nip,Dinas Kesehatan,salah@asn.test\n"
    "198905202012012003,Sari Dewi,Dinas Kesehatan,sari@asn.test\n"
)


def in_evaluation(db: str) -> None:
    """Put the catalogue policy in evaluation (set up: the stages have their own tests)."""
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)


def population(db: str) -> int:
    """Return how many respondents the policy's rounds hold."""
    with unit_of_work(db) as s:
        return len(s.exec(select(SurveyRespondent)).all())


def the_round(db: str) -> SurveyRound:
    """Return the policy's one round."""
    with unit_of_work(db) as s:
        survey = s.exec(select(SurveyRound)).one()
        s.expunge(survey)
        return survey


def send(web: TestClient, path: str, data: dict[str, str], **kw: object):
    """Post a form of the rounds page with the page's own CSRF token."""
    token = csrf_of(web, "/login")
    return web.post(path, data={"csrf_token": token, **data}, headers={"Accept": "text/html"}, **kw)  # type: ignore[arg-type]


@pytest.fixture
def eva(web: TestClient, db: str) -> str:
    """An evaluator of the policy's unit, signed in on the client; returns the token."""
    in_evaluation(db)
    token = make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    sign_in(web, token)
    return token


def open_by_page(web: TestClient) -> None:
    """Open a round with the page's defaults."""
    page = web.get(ROUNDS)
    assert page.status_code == 200, page.text
    defaults = page.context["defaults"]  # type: ignore[attr-defined]
    sent = send(
        web,
        ROUNDS,
        {"closes_at": defaults["closes_at"], "reminder_max": "3", "reminder_interval_days": "7"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text


@pytest.mark.parametrize(
    "role,unit",
    [
        (Role.STAKEHOLDER, "Dinas Pendidikan"),
        (Role.MODERATOR, ""),
        (Role.EVALUATOR, OTHER_UNIT),
        (Role.DRAFTER, OTHER_UNIT),
    ],
)
def test_the_rounds_page_and_its_forms_are_refused_to_others_with_a_403_page(
    web: TestClient, db: str, role: Role, unit: str
) -> None:
    in_evaluation(db)
    sign_in(web, make_token(db, email="someone@siklus.test", role=role, unit=unit))
    page = web.get(ROUNDS)
    assert page.status_code == 403 and page.template.name == "web/error.html"  # type: ignore[attr-defined]
    for path in (
        ROUNDS,
        f"{ROUNDS}/population",
        f"{ROUNDS}/close",
        f"/policies/{SLUG}/evaluation/recommendations",
    ):
        sent = send(web, path, {"closes_at": "", "round_id": "1", "text": "x"})
        assert sent.status_code == 403, (path, sent.text[:300])
        assert sent.headers["content-type"].startswith("text/html")
    assert population(db) == 0


def test_an_anonymous_visitor_is_sent_to_the_login_form(web: TestClient, db: str) -> None:
    in_evaluation(db)
    page = web.get(ROUNDS, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_opening_offers_the_default_length_and_refuses_a_past_date_next_to_its_field(
    web: TestClient, db: str, eva: str
) -> None:
    page = web.get(ROUNDS)
    defaults = page.context["defaults"]  # type: ignore[attr-defined]
    assert defaults["days"] == 30 and f'value="{defaults["closes_at"]}"' in page.text
    past = (date.today() - timedelta(days=2)).isoformat()
    refused = send(web, ROUNDS, {"closes_at": past, "reminder_max": "2", "reminder_interval_days": "5"})
    assert refused.status_code == 422
    assert (
        '<p class="error" id="closes_at-error">' in refused.text
        and "Tanggal tutup survei harus setelah" in refused.text
    )
    assert f'value="{past}"' in refused.text and 'value="2"' in refused.text  # values kept
    many = send(
        web, ROUNDS, {"closes_at": defaults["closes_at"], "reminder_max": "99", "reminder_interval_days": "5"}
    )
    assert many.status_code == 422 and '<p class="error" id="reminder_max-error">' in many.text
    assert 'value="99"' in many.text
    both = send(web, ROUNDS, {"closes_at": "31-02", "reminder_max": "99", "reminder_interval_days": "0"})
    assert both.status_code == 422  # every bad field at once, with a summary linking to each
    assert set(both.context["errors"]) == {"closes_at", "reminder_max", "reminder_interval_days"}  # type: ignore[attr-defined]
    summary = both.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#reminder_max"' in summary and 'href="#reminder_interval_days"' in summary
    assert 'href="#closes_at"' in summary and 'value="0"' in both.text
    open_by_page(web)
    running = web.get(ROUNDS)
    assert running.context["current"] is not None and 'id="count-population">0<' in running.text  # type: ignore[attr-defined]
    assert the_round(db).closes_at.date() >= date.fromisoformat(defaults["closes_at"]) - timedelta(days=1)
    # The running round's own page leads its staff back to this work.
    assert f'href="{ROUNDS}"' in web.get(f"/evaluation/rounds/{the_round(db).id}/report").text


def test_a_population_csv_is_previewed_with_every_rejected_row_then_its_good_rows_imported(
    web: TestClient, db: str, eva: str
) -> None:
    open_by_page(web)
    round_id = str(the_round(db).id)
    token = csrf_of(web, ROUNDS)
    preview = web.post(
        f"{ROUNDS}/population",
        data={"csrf_token": token, "round_id": round_id},
        files={"file": ("populasi.csv", CSV.encode(), "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    shown = preview.context["preview"]  # type: ignore[attr-defined]
    assert [p["nip"] for p in shown.new] == [GOOD, "198905202012012003"]
    [bad] = shown.rejected
    assert bad.line == 3 and "18 angka" in bad.reason_text(locale="id")
    assert (
        '<table id="rejected-rows">' in preview.text and "NIP &#39;12345&#39; harus 18 angka" in preview.text
    )
    assert population(db) == 0  # a preview saves nothing
    confirm = web.post(
        f"{ROUNDS}/population",
        data={"csrf_token": token, "round_id": round_id, "confirm": "1", "csv_text": CSV},
        follow_redirects=False,
    )
    assert confirm.status_code == 303 and "added=2&existing=0" in confirm.headers["location"]
    assert population(db) == 2
    after = web.get(confirm.headers["location"])
    assert 'id="count-population">2<' in after.text and 'id="imported"' in after.text
    # Totals only: the page names nobody of the population once it is imported.
    assert "Budi Santoso" not in after.text and GOOD not in after.text
    assert 'id="count-invited">2<' in after.text and 'id="count-reminders">0<' in after.text
    with unit_of_work(db) as s:  # a week and a day later, the sweep reminds both (neither answered)
        rounds.queue_respondent_reminders(s, now=utcnow() + timedelta(days=8))
    assert 'id="count-reminders">2<' in web.get(ROUNDS).text


def test_an_upload_without_a_file_or_without_its_columns_is_refused_next_to_the_file_field(
    web: TestClient, db: str, eva: str
) -> None:
    open_by_page(web)
    round_id = str(the_round(db).id)
    empty = send(web, f"{ROUNDS}/population", {"round_id": round_id})
    assert empty.status_code == 422 and '<p class="error" id="file-error">' in empty.text
    token = csrf_of(web, ROUNDS)
    wrong = web.post(
        f"{ROUNDS}/population",
        data={"csrf_token": token, "round_id": round_id},
        files={"file": ("x.csv", b"kode,nilai\n1,2\n", "text/csv")},
    )
    assert wrong.status_code == 422 and "berkolom nip dan nama" in wrong.text
    assert 'aria-invalid="true"' in wrong.text


def test_closing_asks_for_confirmation_then_links_the_results_and_takes_a_recommendation(
    web: TestClient, db: str, eva: str, drafter: str
) -> None:
    open_by_page(web)
    survey = the_round(db)
    page = web.get(ROUNDS)
    assert 'type="checkbox" name="confirm"' not in page.text  # the shared confirmation page asks instead
    unconfirmed = send(web, f"{ROUNDS}/close", {"round_id": str(survey.id)})
    assert unconfirmed.status_code == 200 and unconfirmed.template.name == "web/confirm.html"  # type: ignore[attr-defined]
    assert "Tutup putaran survei 1 untuk" in unconfirmed.text and "0 jawaban dari 0" in unconfirmed.text
    assert (
        f'name="round_id" value="{survey.id}"' in unconfirmed.text
        and 'name="confirm" value="1"' in unconfirmed.text
    )
    assert the_round(db).closed_at is None  # asking first closes nothing
    closed = send(
        web, f"{ROUNDS}/close", {"round_id": str(survey.id), "confirm": "1"}, follow_redirects=False
    )
    assert closed.status_code == 303
    again = send(web, f"{ROUNDS}/close", {"round_id": str(survey.id)}, follow_redirects=False)
    assert again.status_code == 303  # already closed: nothing left to confirm
    page = web.get(ROUNDS)
    assert f'href="/evaluation/rounds/{survey.id}/report"' in page.text and page.context["can_open"]  # type: ignore[attr-defined]
    path = f"/policies/{SLUG}/evaluation/recommendations"
    blank = send(web, path, {"round_id": str(survey.id), "text": "   ", "text_en": "Kept"})
    assert blank.status_code == 422 and '<p class="error" id="text-error">' in blank.text
    assert ">Kept</textarea>" in blank.text
    made = send(
        web, path, {"round_id": str(survey.id), "text": "Perluas pelatihan daring."}, follow_redirects=False
    )
    assert made.status_code == 303
    shown = web.get(ROUNDS)
    assert "Perluas pelatihan daring." in shown.text and "evaluator Eva Evaluator" in shown.text
    # The drafter reads it on the same page, and may not write one: the drafter decides.
    sign_in(web, drafter)
    assert "Perluas pelatihan daring." in web.get(ROUNDS).text
    refused = send(web, path, {"round_id": str(survey.id), "text": "Sendiri."})
    assert refused.status_code == 403


def test_a_round_of_another_policy_is_not_found_from_this_page(web: TestClient, db: str, eva: str) -> None:
    open_by_page(web)
    sent = send(web, f"{ROUNDS}/close", {"round_id": "999999", "confirm": "1"})
    assert sent.status_code == 404 and 'id="problem"' in sent.text


def test_the_rounds_page_speaks_english_too(web: TestClient, db: str, eva: str) -> None:
    use_english(web)
    page = web.get(ROUNDS)
    assert '<h2 id="current-heading">Open a survey round</h2>' in page.text
    assert "Closes on (default: 30 days from today)" in page.text
    indicators = web.get(f"/policies/{SLUG}/evaluation/indicators")
    assert "Add an indicator" in indicators.text and "Import measurements (CSV)" in indicators.text


def test_in_revision_an_evaluators_recommendation_is_a_note_on_the_drafters_cockpit(
    web: TestClient, db: str, eva: str, drafter: str
) -> None:
    open_by_page(web)
    survey = the_round(db)
    send(web, f"{ROUNDS}/close", {"round_id": str(survey.id), "confirm": "1"})
    with unit_of_work(db) as s:  # the drafter has taken the policy into revision (set up)
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)
    made = send(
        web,
        f"/policies/{SLUG}/evaluation/recommendations",
        {"round_id": str(survey.id), "text": "Tambahkan pasal tentang pelatihan daring."},
        follow_redirects=False,
    )
    assert made.status_code == 303
    sign_in(web, drafter)
    cockpit = web.get(f"/policies/{SLUG}/cockpit")
    assert cockpit.status_code == 200 and "Tambahkan pasal tentang pelatihan daring." in cockpit.text
