"""The survey rounds page: open a round, upload its population (previewed first), close it, results,
and the evaluator's own recommendations on a closed round."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import utcnow
from policies.core.errors import DomainError, NotFound
from policies.core.i18n import format_number
from policies.core.secret_key import ensure_secret_key
from policies.evaluation import population, queries, recommend, rounds, views
from policies.evaluation.common import require_evaluator
from policies.evaluation.followup.progress import followup_section
from policies.evaluation.models import SurveyRound
from policies.evaluation.sample import SampleAdequacy, adequacy_of
from policies.evaluation.trends import trend_section
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy
from service.api.evaluation.indicators import RecommendationIn
from service.api.evaluation.schemas import RoundIn
from service.api.params import MAX_ID
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.confirm import ask_first
from service.web.confirm import confirmed as confirmed_page
from service.web.evaluation.uploads import PREVIEWED, confirmed, read_upload
from service.web.forms import PageForm, errors_on, form_id, text
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    as_date,
    gettext,
    locale_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
TEMPLATE = "web/evaluation_rounds.html"
# Enough for every round a policy has had: one a year at the least, a handful a year at the most.
MAX_ROUNDS = 200
# The preview lists this many of the people to be added; the counts say how many in all.
PREVIEW_ROWS = 50
ROUND_FORM = PageForm(
    RoundIn,
    refusals={
        "closes_at": ("Isi tanggal tutup survei.", "Fill in the survey's closing date."),
        "reminder_max": ("Jumlah pengingat harus 0–10.", "Reminders per respondent must be 0–10."),
        "reminder_interval_days": (
            "Jarak pengingat harus 1–60 hari.",
            "Days between reminders must be 1–60.",
        ),
    },
)
RECOMMENDATION_FORM = PageForm(
    RecommendationIn,
    texts=(
        text(
            "text",
            "Rekomendasi",
            "The recommendation",
            blank=("Tulis rekomendasinya.", "Write the recommendation."),
        ),
        text("text_en", "Rekomendasi (Inggris)", "The English recommendation"),
    ),
)


def rounds_path(slug: str) -> str:
    """Return the address of a policy's survey rounds page."""
    return f"/policies/{slug}/evaluation/rounds"


def _local_end_of_day(value: str, *, tz: str) -> datetime | str:
    # A round closes at the end of the chosen day, in the local time the date was picked in.
    day = as_date(value)
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(tz)) if day else value


def _context(session: Session, *, policy: Policy, actor: Actor, tz: str) -> dict[str, Any]:
    """Return what the rounds page shows: the running round (totals only), the closed ones, the forms."""
    survey_rounds = views.rounds_page(session, slug=policy.slug, limit=MAX_ROUNDS)
    current = next((r for r in reversed(survey_rounds) if r.closed_at is None), None)
    closed = [r for r in reversed(survey_rounds) if r.closed_at is not None]
    now = utcnow()
    reminder_max, reminder_days = rounds.reminder_defaults(session, policy=policy)
    closes = rounds.default_closing(session, policy=policy, opens_at=now).astimezone(ZoneInfo(tz))
    return {
        "policy": policy,
        "current": current,
        "closed": closed,
        "counts": {r.id: views.round_counts(session, round_id=r.id) for r in survey_rounds},  # type: ignore[arg-type]
        "sample": adequacy_of(session, survey=current, policy=policy) if current else None,
        "recommendations": {r.id: queries.recommendation_of(session, round_id=r.id) for r in closed},  # type: ignore[arg-type]
        "reminders_sent": queries.reminders_sent_total(session, round_id=current.id) if current else 0,  # type: ignore[arg-type]
        "can_open": policy.stage == Stage.EVALUATION and current is None,
        "may_recommend": actor.role in (Role.EVALUATOR, Role.ADMIN),
        # Each closed round's follow-up plans (a form per weak unsur) and the trends across rounds.
        "followups": {r.id: followup_section(session, round_id=r.id) for r in closed},  # type: ignore[arg-type]
        "trends": trend_section(session, policy_id=policy.id),  # type: ignore[arg-type]
        # Publishing results for the public is the evaluators' (and admins') act, like recommending.
        "may_publish": actor.role in (Role.EVALUATOR, Role.ADMIN),
        "defaults": {
            "closes_at": closes.date().isoformat(),
            "days": (closes.date() - now.astimezone(ZoneInfo(tz)).date()).days,
            "reminder_max": reminder_max,
            "reminder_interval_days": reminder_days,
        },
        "form": None,
        "preview": None,
        "preview_rows": PREVIEW_ROWS,
    }


def staff(session: Session, *, slug: str, actor: Actor | None) -> tuple[Policy, Actor]:
    """Return the policy and the visitor, refusing anyone who does not run its evaluation (403)."""
    policy = get_policy(session, slug=slug)
    return policy, require_evaluator(signed_in(actor), policy=policy)


def _round_of(session: Session, *, policy: Policy, form: FormData) -> SurveyRound:
    """Return the round a form names, which must be the policy's."""
    survey = queries.round_by_id(session, round_id=form_id(form, "round_id"))
    if survey is None or survey.policy_id != policy.id:
        raise NotFound(
            "Formulir ini tidak menyebut putaran survei kebijakan ini: muat ulang halaman lalu coba lagi.",
            en="This form names no survey round of this policy: reload the page and try again.",
        )
    return survey


def _refused(
    request: Request,
    session: Session,
    exc: DomainError,
    *,
    policy: Policy,
    actor: Actor,
    form: dict[str, Any],
    values: dict[str, str],
    tz: str,
    fields: frozenset[str],
) -> Response:
    """Show the page again with the refusal next to its field (or above the form) and the values kept."""
    session.rollback()
    context = _context(session, policy=get_policy(session, slug=policy.slug), actor=actor, tz=tz)
    context.update(form=form, values=values, errors=errors_on(exc, locale=locale_of(request), fields=fields))
    return render(request, TEMPLATE, context, status_code=status_of(exc))


@router.get("/policies/{slug}/evaluation/rounds", name="evaluation_rounds")
def rounds_page(
    slug: str,
    request: Request,
    session: PageReadSessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
    added: int | None = Query(default=None, ge=0, le=MAX_ID),
    existing: int | None = Query(default=None, ge=0, le=MAX_ID),
) -> Response:
    """Show a policy's survey rounds to those who run its evaluation: counts only while one runs."""
    policy, me = staff(session, slug=slug, actor=actor)
    context = _context(session, policy=policy, actor=me, tz=settings.timezone)
    context["imported"] = {"added": added, "existing": existing or 0} if added is not None else None
    return render(request, TEMPLATE, context)


@router.post("/policies/{slug}/evaluation/rounds", name="evaluation_open_round")
def open_round(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Open the cycle's survey round, closing on the chosen day (the kind's default length is offered)."""
    policy, me = staff(session, slug=slug, actor=actor)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        closes = _local_end_of_day(values.get("closes_at", ""), tz=settings.timezone)
        payload = ROUND_FORM.parse(form, closes_at=closes)
        now = utcnow()
        rounds.open_round(
            session,
            actor=me,
            slug=slug,
            opens_at=now,
            closes_at=payload.closes_at,
            now=now,
            reminder_max=payload.reminder_max,
            reminder_interval_days=payload.reminder_interval_days,
        )
    except DomainError as exc:
        fields = frozenset({"closes_at", "reminder_max", "reminder_interval_days"})
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form={"action": "open"},
            values=values,
            tz=settings.timezone,
            fields=fields,
        )
    return redirect(request, f"{rounds_path(slug)}#current")


def _previewed(
    request: Request,
    session: Session,
    *,
    policy: Policy,
    actor: Actor,
    survey: SurveyRound,
    csv_text: str,
    tz: str,
) -> Response:
    """Show what the file would add and every row it would reject, with the form that imports it."""
    preview = population.preview_population_csv(session, actor=actor, round_id=survey.id, csv_text=csv_text)  # type: ignore[arg-type]
    context = _context(session, policy=policy, actor=actor, tz=tz)
    context.update(preview=preview, form={"action": "population"}, values={PREVIEWED: csv_text})
    return render(request, TEMPLATE, context)


@router.post("/policies/{slug}/evaluation/rounds/population", name="evaluation_population")
def upload_population(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Preview a population CSV (nothing saved), or import the previewed one's accepted rows."""
    policy, me = staff(session, slug=slug, actor=actor)
    try:
        survey = _round_of(session, policy=policy, form=form)
        csv_text = read_upload(form)
        if not confirmed(form):
            return _previewed(
                request,
                session,
                policy=policy,
                actor=me,
                survey=survey,
                csv_text=csv_text,
                tz=settings.timezone,
            )
        result = population.import_population_csv(
            session,
            actor=me,
            round_id=survey.id,  # type: ignore[arg-type]
            csv_text=csv_text,
            secret=ensure_secret_key(settings),
            skip_rejected=True,
        )
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form={"action": "population"},
            values={},
            tz=settings.timezone,
            fields=frozenset({"file"}),
        )
    added, existing = len(result.issued), len(result.skipped_existing)
    return redirect(request, f"{rounds_path(slug)}?added={added}&existing={existing}#current")


@router.post("/policies/{slug}/evaluation/rounds/close", name="evaluation_close_round")
def close_round(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Close the running round after its confirmation page; its results are published."""
    policy, me = staff(session, slug=slug, actor=actor)
    try:
        survey = _round_of(session, policy=policy, form=form)
        round_id, number, title = survey.id or 0, survey.number, policy.title
        # A round closed meanwhile (by its closing time or a colleague) has nothing left to confirm.
        already = survey.closed_at is not None
        counts = views.round_counts(session, round_id=round_id)
        sample = adequacy_of(session, survey=survey, policy=policy)
        rounds.close_round(session, actor=me, round_id=round_id)
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form={"action": "close"},
            values={},
            tz=settings.timezone,
            fields=frozenset(),
        )
    if not already and not confirmed_page(form):
        _ = gettext(request)
        locale = locale_of(request)
        return ask_first(
            request,
            session,
            title=_("Close survey round %(n)d of %(title)s?") % {"n": number, "title": title},
            consequence=_(
                "Closing computes the results and publishes the report at once; respondents can no "
                "longer answer and the round cannot be opened again."
            ),
            details=[
                _("%(answered)s answers of %(population)s (target sample %(target)s)")
                % {
                    "answered": format_number(counts.responses, locale=locale),
                    "population": format_number(counts.population, locale=locale),
                    "target": format_number(counts.target_sample, locale=locale),
                },
                *_sample_details(_, sample=sample, locale=locale),
            ],
            action=f"{rounds_path(slug)}/close",
            fields={"round_id": str(round_id)},
            button=_("Yes, close the round"),
            back=f"{rounds_path(slug)}#current",
        )
    return redirect(request, f"{rounds_path(slug)}#round-{round_id}")


def _sample_details(_: Any, *, sample: SampleAdequacy, locale: str) -> list[str]:
    """Return the confirmation's warning when the round would close below its minimum sample."""
    if sample.adequate:
        return []
    moe = sample.margin_of_error
    return [
        _(
            "Below the minimum sample: %(short)s more answers are needed to reach the Krejcie–Morgan "
            "minimum of %(minimum)s. The report will state the shortfall and its margin of error "
            "(± %(margin)s percentage points)."
        )
        % {
            "short": format_number(sample.shortfall, locale=locale),
            "minimum": format_number(sample.minimum, locale=locale),
            "margin": format_number(float(moe), locale=locale, digits=2) if moe is not None else "—",
        }
    ]


@router.post("/policies/{slug}/evaluation/recommendations", name="evaluation_recommend")
def add_recommendation(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Add the evaluator's own reason to revise to a closed round's recommendation."""
    policy = get_policy(session, slug=slug)
    me = recommend.require_recommender(signed_in(actor), policy=policy)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    survey_id = 0
    try:
        survey = _round_of(session, policy=policy, form=form)
        survey_id = survey.id or 0
        payload = RECOMMENDATION_FORM.parse(form)
        recommend.record_recommendation(session, actor=me, round_id=survey_id, **payload.model_dump())
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form={"action": "recommend", "round_id": survey_id},
            values=values,
            tz=settings.timezone,
            fields=frozenset({"text", "text_en"}),
        )
    return redirect(request, f"{rounds_path(slug)}#round-{survey_id}")
