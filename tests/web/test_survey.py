"""Answering a survey through its token link: answers kept on error, saved once, the token kept private."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.evaluation.models import SurveyRespondent, SurveyResponse
from policies.evaluation.population import import_population_csv
from policies.evaluation.rounds import open_round
from policies.lifecycle.models import Policy, Stage
from tests.web.conftest import SLUG, post_form, use_english


def _token(settings: Settings) -> tuple[str, list[dict]]:
    evaluator = Actor(id=None, name="Eva", role=Role.ADMIN)
    now = utcnow()
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(
            s,
            actor=evaluator,
            slug=SLUG,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=30),
        )
        issued = import_population_csv(
            s,
            actor=evaluator,
            round_id=survey.id,  # type: ignore[arg-type]
            csv_text="nip,nama,unit\n198703152010011002,Budi,Dinas Pendidikan\n",
            secret=ensure_secret_key(settings),
        )
        return issued.issued[0].token, survey.questions


def open_link(web: TestClient, token: str) -> None:
    """Open the invitation's link: its token is traded for a session cookie and the address loses it."""
    traded = web.get(f"/survei?token={token}", follow_redirects=False)
    assert traded.status_code == 303 and traded.headers["location"] == "/survei"
    assert traded.headers["referrer-policy"] == "no-referrer"
    cookie = traded.headers["set-cookie"]
    assert cookie.startswith("siklus_survey=") and token not in cookie  # sealed, not the token itself
    assert "HttpOnly" in cookie and "Path=/survei" in cookie and "samesite=lax" in cookie.lower()


def test_survey_keeps_answers_on_error_saves_once_and_redirects(web: TestClient, settings: Settings) -> None:
    token, questions = _token(settings)
    open_link(web, token)
    page = web.get("/survei")
    assert page.template.name == "web/survey.html" and page.headers["referrer-policy"] == "no-referrer"  # type: ignore[attr-defined]
    # The population names its units: the respondent picks one (their own is chosen already).
    [unit] = [q for q in page.context["questions"] if q["code"] == "unit"]  # type: ignore[attr-defined]
    assert (unit["type"], unit["options"]) == ("single", ["Dinas Pendidikan"])
    assert '<option value="Dinas Pendidikan" selected>' in page.text
    partial = post_form(web, "/survei", {"u1": "3"}, page="/survei")
    assert partial.status_code == 422 and partial.context["values"]["u1"] == 3  # type: ignore[attr-defined]
    assert 'fieldset class="question invalid" id="q-u2" aria-describedby="err-u2"' in partial.text
    assert '<p class="error" id="err-u2">' in partial.text
    answers = {"golongan": "III", "years_of_service": "12"}
    for q in questions:
        if q["type"] == "scale":
            answers[q["code"]] = "3"
        elif q["type"] == "single" and q["code"] != "golongan":
            answers[q["code"]] = q["options"][0]
    done = post_form(web, "/survei", answers, page="/survei", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/survei/terima-kasih"
    assert 'siklus_survey=""' in done.headers["set-cookie"]  # the survey session ends with the answers
    thanks = web.get("/survei/terima-kasih")
    assert thanks.context["thanks"] is True and '<form method="post" action="/survei"' not in thanks.text  # type: ignore[attr-defined]
    web.get("/survei/terima-kasih")  # reloading the thanks page sends nothing again
    with unit_of_work(settings.database_url) as s:
        assert len(s.exec(select(SurveyResponse)).all()) == 1
    assert web.get("/survei").status_code == 404  # no session any more: open the link again
    open_link(web, token)
    assert web.get("/survei").context["answered"] is True  # type: ignore[attr-defined]
    assert web.get("/survei?token=salah").status_code == 404


def test_a_form_that_still_carries_the_token_is_accepted(web: TestClient, settings: Settings) -> None:
    # Pages rendered before the survey session existed posted the token in a hidden field.
    token, questions = _token(settings)
    answers = {"token": token, "golongan": "III", "years_of_service": "12"}
    for q in questions:
        if q["type"] == "scale":
            answers[q["code"]] = "4"
        elif q["type"] == "single" and q["code"] != "golongan":
            answers[q["code"]] = q["options"][0]
    done = post_form(web, "/survei", answers, page="/survei/terima-kasih", follow_redirects=False)
    assert done.status_code == 303


def test_an_expired_or_forged_survey_session_opens_nothing(web: TestClient, settings: Settings) -> None:
    token, _ = _token(settings)
    web.cookies.set("siklus_survey", token, path="/survei")  # the bare token is not a sealed session
    refused = web.get("/survei")
    assert refused.status_code == 404 and "Buka lagi tautan pribadi" in refused.text


def test_the_token_stays_out_of_addresses_and_pages_and_bounds_come_from_the_question(
    web: TestClient, settings: Settings
) -> None:
    token, questions = _token(settings)
    open_link(web, token)
    page = web.get("/survei")
    assert '<a href="/login">' in page.text and "/login?next" not in page.text
    # Neither the form, nor the language switch's return path, nor any link holds the token now.
    assert token not in page.text and 'name="token"' not in page.text
    years = next(q for q in questions if q["code"] == "years_of_service")
    assert f'type="number" inputmode="numeric" min="{years["min"]}" max="{years["max"]}"' in page.text
    wrong = web.get("/survei?token=salah")
    assert wrong.headers["referrer-policy"] == "no-referrer" and "/login?next" not in wrong.text
    use_english(web)
    english = web.get("/survei")
    assert "Round 1 · closes" in english.text


def test_the_survey_page_holds_nothing_secret(web: TestClient, settings: Settings) -> None:
    token, _ = _token(settings)
    with unit_of_work(settings.database_url) as s:
        person = s.exec(select(SurveyRespondent)).one()
        secrets = {token, person.token_salt, person.token_hash, ensure_secret_key(settings)}
    open_link(web, token)
    page = web.get("/survei")
    shown = repr(page.context) + page.text  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert all(secret and secret not in shown for secret in secrets)
    assert not any(isinstance(v, SurveyRespondent) for v in page.context.values())  # type: ignore[attr-defined]
