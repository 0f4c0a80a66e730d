"""Answering a survey through the one-time link of an invitation, and a round's report (once closed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from policies.core.secret_key import ensure_secret_key
from policies.evaluation.common import get_round, policy_of, runs_evaluation
from policies.evaluation.followup.progress import followup_section
from policies.evaluation.receipts import check_receipt
from policies.evaluation.report import render_report_parts
from policies.evaluation.responses import submit_response
from policies.evaluation.trends import trend_section
from policies.evaluation.views import questionnaire, round_counts
from service.api.params import IdPath
from service.deps import SessionDep
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    message_of,
    redirect,
    render,
    web_of,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# The address holds the respondent's token: it must not travel into the header's login link.
PRIVATE = {"login_next": False}
# The emailed link's token is traded at once for this cookie, so the questionnaire's address (and
# every later request, the language switch's return path included) carries no token into a log.
SURVEY_COOKIE = "siklus_survey"
SURVEY_PATH = "/survei"
SURVEY_SESSION_SECONDS = 2 * 60 * 60
# The receipt rides from the submission to the thanks page in a sealed cookie, never in an address
# (a log would keep it); it is shown once and the cookie is gone after.
RECEIPT_COOKIE = "siklus_receipt"
RECEIPT_SECONDS = 10 * 60
RECEIPT_PAGE = "/survei/tanda-terima"


def _sealer(request: Request, purpose: str = "siklus-survey-session") -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ensure_secret_key(web_of(request).settings), salt=purpose)


def _secure(request: Request) -> bool:
    return web_of(request).settings.base_url.startswith("https://")


def _session_token(request: Request) -> str:
    """Return the token of the visitor's survey session ("" when none, or when it has expired)."""
    sealed = request.cookies.get(SURVEY_COOKIE, "")
    if not sealed:
        return ""
    try:
        return str(_sealer(request).loads(sealed, max_age=SURVEY_SESSION_SECONDS))
    except BadData:
        return ""


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


def _no_referrer(response: Response) -> Response:
    # The address once held the respondent's key: never hand it to another site in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invalid(request: Request, exc: NotAuthenticated) -> Response:
    context = {"invalid": message_of(request, exc), **PRIVATE}
    return _no_referrer(render(request, "web/survey.html", context, status_code=404))


def _no_session(request: Request) -> Response:
    return _invalid(
        request,
        NotAuthenticated(
            "Sesi survei Anda tidak ada atau sudah berakhir. Buka lagi tautan pribadi dari undangan Anda.",
            en="Your survey session is missing or has expired. "
            "Open the personal link from your invitation again.",
        ),
    )


def _page(request: Request, session: Session, token: str, **extra: Any) -> Response:
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
        # The unit from the population list is chosen already; the respondent may correct it.
        "values": {"unit": form.unit} if form.unit else {},
    }
    context.update(PRIVATE, **extra)
    return _no_referrer(render(request, "web/survey.html", context, status_code=status))


@router.get("/survei", name="survey")
def survey_form(
    request: Request, session: PageReadSessionDep, actor: PageActorDep, token: str = ""
) -> Response:
    """Trade the invitation link's token for a survey session, or show the session's questionnaire."""
    if token:
        try:
            questionnaire(session, token=token)
        except NotAuthenticated as exc:
            return _invalid(request, exc)
        response = _no_referrer(redirect(request, SURVEY_PATH))
        response.set_cookie(
            SURVEY_COOKIE,
            _sealer(request).dumps(token),
            max_age=SURVEY_SESSION_SECONDS,
            path=SURVEY_PATH,
            httponly=True,
            # Lax, not strict: the first request comes from a link in an email (another site).
            samesite="lax",
            secure=_secure(request),
        )
        return response
    token = _session_token(request)
    if not token:
        return _no_session(request)
    return _page(request, session, token)


@router.post("/survei")
def submit(request: Request, form: FormDep, session: SessionDep, actor: PageActorDep) -> Response:
    """Save the answers once; a refusal shows the form again with every answer kept."""
    # A form rendered before the session existed sent the token itself; that keeps working.
    token = _session_token(request) or str(form.get("token", ""))
    if not token:
        return _no_session(request)
    try:
        opened = questionnaire(session, token=token)
    except NotAuthenticated as exc:
        return _invalid(request, exc)
    answers = _answers(opened.questions, form)
    try:
        done = submit_response(session, token=token, answers=answers)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        bad = set(exc.extra.get("questions") or ([exc.field] if getattr(exc, "field", None) else []))
        problem = message_of(request, exc)
        return _page(request, session, token, values=answers, problem=problem, bad=bad, status=422)
    # Redirected, so reloading the thanks page never sends the answers again; the session is done.
    response = redirect(request, "/survei/terima-kasih")
    response.delete_cookie(
        SURVEY_COOKIE, path=SURVEY_PATH, httponly=True, samesite="lax", secure=_secure(request)
    )
    response.set_cookie(
        RECEIPT_COOKIE,
        _sealer(request, "siklus-survey-receipt").dumps(done.receipt),
        max_age=RECEIPT_SECONDS,
        path=SURVEY_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


@router.get("/survei/terima-kasih", name="survey_thanks")
def thanks(request: Request, actor: PageActorDep) -> Response:
    """Thank the respondent once the answers are saved, and show their receipt this once."""
    receipt = ""
    sealed = request.cookies.get(RECEIPT_COOKIE, "")
    if sealed:
        try:
            receipt = str(_sealer(request, "siklus-survey-receipt").loads(sealed, max_age=RECEIPT_SECONDS))
        except BadData:
            receipt = ""
    context = {"thanks": True, "receipt": receipt, "receipt_page": RECEIPT_PAGE, **PRIVATE}
    response = _no_referrer(render(request, "web/survey.html", context))
    response.delete_cookie(
        RECEIPT_COOKIE, path=SURVEY_PATH, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


@router.get(RECEIPT_PAGE, name="survey_receipt")
def receipt_form(request: Request, actor: PageActorDep) -> Response:
    """Show the public page where a respondent checks that their answer was counted."""
    return render(request, "web/survey_receipt.html", {})


@router.post(RECEIPT_PAGE)
def receipt_check(
    request: Request, form: FormDep, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Tell whether an answer with this receipt was counted (the code comes in the form, never the URL)."""
    code = str(form.get("receipt", ""))
    try:
        found = check_receipt(session, code=code)
    except NotFound as exc:
        context = {"problem": message_of(request, exc), "code": code}
        return render(request, "web/survey_receipt.html", context, status_code=404)
    return render(request, "web/survey_receipt.html", {"found": found})


@router.get("/evaluation/rounds/{round_id}/report", name="evaluation_report")
def evaluation_report(
    round_id: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show a closed round's evaluation report (printable); a running round shows its totals only."""
    survey = get_round(session, round_id=round_id)
    if survey.report_published_at is None:
        policy = policy_of(session, survey=survey)
        context = {
            "survey": survey,
            "policy": policy,
            "counts": round_counts(session, round_id=round_id),
            # Those who run the evaluation get the way to its work (close the round, the population).
            "staff": runs_evaluation(actor, policy=policy),
        }
        return render(request, "web/evaluation_round.html", context)
    parts = render_report_parts(session, round_id=round_id, locale=locale_of(request))
    context = {
        "parts": parts,
        "title": parts.title,
        "round_id": round_id,
        "policy_id": survey.policy_id,
        # The report's two slots: the round's follow-up plans and the policy's trends across rounds.
        "followup": followup_section(session, round_id=round_id),
        "trends": trend_section(session, policy_id=survey.policy_id, up_to_round=survey.number),
    }
    return render(request, "web/evaluation/report.html", context)
