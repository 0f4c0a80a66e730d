"""Answering a survey through the one-time token link of an invitation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from policies.core.errors import Conflict, InvalidInput, NotAuthenticated
from policies.evaluation.common import policy_of
from policies.evaluation.report import render_report as render_evaluation_report
from policies.evaluation.responses import submit_response
from policies.evaluation.views import questionnaire
from service.api.params import IdPath
from service.deps import SessionDep
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    message_of,
    printable,
    redirect,
    render,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# The address holds the respondent's token: it must not travel into the header's login link.
PRIVATE = {"login_next": False}


def _answers(questions: list[dict[str, Any]], form: FormData) -> dict[str, Any]:
    """Read typed answers out of the form (numbers as numbers, ticked boxes as a list)."""
    answers: dict[str, Any] = {}
    for q in questions:
        code = q["code"]
        if q["type"] == "multi":
            answers[code] = [str(v) for v in form.getlist(code)]
            continue
        raw = str(form.get(code, "")).strip()
        if q["type"] in ("scale", "number") and raw.lstrip("-").isdigit():
            answers[code] = int(raw)
        else:
            answers[code] = raw
    return answers


def _invalid(request: Request, exc: NotAuthenticated) -> Response:
    context = {"invalid": message_of(request, exc), **PRIVATE}
    response = render(request, "web/survey.html", context, status_code=404)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(request: Request, session: PageReadSessionDep, token: str, **extra: Any) -> Response:
    try:
        form = questionnaire(session, token=token)
    except NotAuthenticated as exc:
        return _invalid(request, exc)
    status = extra.pop("status", 200)
    context = {
        "survey": form.survey,
        "questions": form.questions,
        "policy": policy_of(session, survey=form.survey),
        "answered": form.answered,
        "token": token,
        # The unit from the population list is chosen already; the respondent may correct it.
        "values": {"unit": form.unit} if form.unit else {},
    }
    context.update(PRIVATE, **extra)
    response = render(request, "web/survey.html", context, status_code=status)
    # The token is the respondent's key: never leak it to another site through the Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/survei", name="survey")
def survey_form(
    request: Request, session: PageReadSessionDep, actor: PageActorDep, token: str = ""
) -> Response:
    """Show the questionnaire a token opens."""
    return _page(request, session, token)


@router.post("/survei")
def submit(request: Request, form: FormDep, session: SessionDep, actor: PageActorDep) -> Response:
    """Save the answers once; a refusal shows the form again with every answer kept."""
    token = str(form.get("token", ""))
    try:
        opened = questionnaire(session, token=token)
    except NotAuthenticated as exc:
        return _invalid(request, exc)
    answers = _answers(opened.questions, form)
    try:
        submit_response(session, token=token, answers=answers)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        bad = set(exc.extra.get("questions") or ([exc.field] if getattr(exc, "field", None) else []))
        problem = message_of(request, exc)
        return _page(request, session, token, values=answers, problem=problem, bad=bad, status=422)
    # Redirected, so reloading the thanks page never sends the answers again.
    return redirect(request, "/survei/terima-kasih")


@router.get("/survei/terima-kasih", name="survey_thanks")
def thanks(request: Request, actor: PageActorDep) -> Response:
    """Thank the respondent once the answers are saved."""
    return render(request, "web/survey.html", {"thanks": True})


@router.get("/evaluation/rounds/{round_id}/report", name="evaluation_report")
def evaluation_report(
    round_id: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show a survey round's evaluation report in the visitor's language (printable)."""
    html = render_evaluation_report(
        session, round_id=round_id, fmt="html", locale=locale_of(request), actor=actor
    )
    return HTMLResponse(printable(html))
