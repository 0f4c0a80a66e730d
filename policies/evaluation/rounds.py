"""Survey rounds: open (by hand or on the kind's cadence), close with results, remind."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts.access import SYSTEM, Actor
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.i18n import stage_name
from policies.evaluation import outreach, queries, sample
from policies.evaluation.common import (
    DEFAULT_ROUND_DAYS,
    MAX_CADENCE_MONTHS,
    add_months,
    get_round,
    policy_of,
    require_evaluator,
)
from policies.evaluation.indicators import compute_measurements
from policies.evaluation.models import SurveyRound
from policies.evaluation.recommend import recommend
from policies.evaluation.results import compute_results
from policies.evaluation.survey import template_for
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_kind, get_policy
from policies.outbox.notify import cancel_keyed

CLOSING_NOTICE_DAYS = 3
DUE_NOTICE_DAYS = 7
# Used when the kind's rules say nothing (LimeSurvey-like: N reminders, D days apart).
DEFAULT_REMINDER_MAX = 3
DEFAULT_REMINDER_INTERVAL_DAYS = 7
REMINDER_MAX_RANGE = (0, 10)
REMINDER_INTERVAL_RANGE = (1, 60)


def cadence_months(session: Session, *, policy: Policy) -> int:
    """Return the kind's evaluation cadence, never longer than a year."""
    kind = get_kind(session, kind_id=policy.kind_id)
    return min(int(kind.rules.get("evaluation_cadence_months", MAX_CADENCE_MONTHS)), MAX_CADENCE_MONTHS)


def reminder_defaults(session: Session, *, policy: Policy) -> tuple[int, int]:
    """Return the kind's respondent reminders: at most how many, at least how many days apart."""
    rules = get_kind(session, kind_id=policy.kind_id).rules
    return (
        int(rules.get("evaluation_reminder_max", DEFAULT_REMINDER_MAX)),
        int(rules.get("evaluation_reminder_interval_days", DEFAULT_REMINDER_INTERVAL_DAYS)),
    )


def _require_within(value: int, bounds: tuple[int, int], *, field: str, text: str, text_en: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInput(text.format(f"{low}–{high}"), en=text_en.format(f"{low}–{high}"), field=field)


def _check_reminders(reminder_max: int, interval_days: int) -> None:
    _require_within(
        reminder_max,
        REMINDER_MAX_RANGE,
        field="reminder_max",
        text="Jumlah pengingat per responden harus {}.",
        text_en="Reminders per respondent must be {}.",
    )
    _require_within(
        interval_days,
        REMINDER_INTERVAL_RANGE,
        field="reminder_interval_days",
        text="Jarak antarpengingat harus {} hari.",
        text_en="Days between reminders must be {}.",
    )


def open_round(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    opens_at: datetime,
    closes_at: datetime | None = None,
    now: datetime | None = None,
    reminder_max: int | None = None,
    reminder_interval_days: int | None = None,
) -> SurveyRound:
    """Open the cycle's next survey round with its questions frozen; an open one is returned.

    Without a closing time it runs the default length (`default_closing`).
    """
    now = now or utcnow()
    # The row lock queues two concurrent openings so the second finds the first.
    policy = get_policy(session, slug=slug, for_update=True)
    require_evaluator(actor, policy=policy)
    if policy.stage != Stage.EVALUATION:
        raise Conflict(
            f"Putaran survei dibuka pada tahap evaluasi, bukan pada tahap {stage_name(policy.stage)}.",
            en="Survey rounds open in the evaluation stage, not in the "
            f"{stage_name(policy.stage, locale='en').lower()} stage.",
        )
    current = queries.unclosed_round(session, policy_id=policy.id, cycle=policy.cycle)  # type: ignore[arg-type]
    if current is not None:
        return current
    if closes_at is None:
        closes_at = default_closing(session, policy=policy, opens_at=opens_at)
    if closes_at <= opens_at:
        raise InvalidInput(
            "Tanggal tutup survei harus setelah tanggal buka.",
            en="The survey must close after it opens.",
            field="closes_at",
        )
    if closes_at <= now:
        raise InvalidInput(
            "Tanggal tutup survei sudah lewat; pilih tanggal di masa depan.",
            en="The closing date has passed; choose one in the future.",
            field="closes_at",
        )
    default_max, default_days = reminder_defaults(session, policy=policy)
    reminder_max = default_max if reminder_max is None else reminder_max
    reminder_interval_days = default_days if reminder_interval_days is None else reminder_interval_days
    _check_reminders(reminder_max, reminder_interval_days)
    last = queries.latest_round(session, policy_id=policy.id)  # type: ignore[arg-type]
    kind = get_kind(session, kind_id=policy.kind_id)
    survey = SurveyRound(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        number=(last.number + 1) if last else 1,
        opens_at=opens_at,
        closes_at=closes_at,
        questions=template_for(kind),
        opened_by_id=actor.id,
        reminder_max=reminder_max,
        reminder_interval_days=reminder_interval_days,
        created_at=now,
    )
    session.add(survey)
    session.flush()
    # Imported here: the digest reads comments, whose concept reads evaluation's rounds.
    from policies.digest.events import announce, survey_context
    from policies.digest.models import EventKind

    announce(
        session,
        policy=policy,
        kind=EventKind.SURVEY,
        key=f"survey:{survey.id}",
        now=now,
        context=survey_context(round_number=survey.number, closes_on=survey.closes_at.date().isoformat()),
    )
    return survey


def default_closing(session: Session, *, policy: Policy, opens_at: datetime) -> datetime:
    """Return when a round opened then closes by default: 30 days on, before the next one is due."""
    days = min(DEFAULT_ROUND_DAYS, cadence_months(session, policy=policy) * 28)
    return opens_at + timedelta(days=days)


def next_due_at(session: Session, *, policy: Policy) -> datetime:
    """Return when the policy's next round is due: a cadence after the last opened, or now."""
    last = queries.latest_round(session, policy_id=policy.id)  # type: ignore[arg-type]
    if last is None or last.cycle != policy.cycle:
        return policy.stage_changed_at
    return add_months(last.opens_at, months=cadence_months(session, policy=policy))


def open_due_rounds(session: Session, *, now: datetime) -> list[SurveyRound]:
    """Open a round for every policy in evaluation whose cadence has come round."""
    opened = []
    for policy in queries.policies_in_evaluation(session):
        last = queries.latest_round(session, policy_id=policy.id)  # type: ignore[arg-type]
        if last is not None and last.cycle == policy.cycle and last.closed_at is None:
            continue
        if next_due_at(session, policy=policy) > now:
            continue
        opened.append(open_round(session, actor=SYSTEM, slug=policy.slug, opens_at=now, now=now))
    return opened


def close_round(session: Session, *, actor: Actor, round_id: int, now: datetime | None = None) -> SurveyRound:
    """Close a round: compute results and measurements, publish the report, recommend if needed."""
    now = now or utcnow()
    survey = get_round(session, round_id=round_id, for_update=True)
    policy = policy_of(session, survey=survey)
    require_evaluator(actor, policy=policy)
    if survey.closed_at is not None:
        return survey
    if now < survey.opens_at:
        raise Conflict(
            "Putaran survei belum dibuka, jadi belum dapat ditutup.",
            en="The survey round has not opened yet, so it cannot be closed.",
        )
    # Only a close by hand can be refused: at its closing time the round is over whatever it collected
    # (the report then states the shortfall and the wider margin of error).
    if actor is not SYSTEM:
        sample.require_adequate(sample.adequacy_of(session, survey=survey, policy=policy))
    # Stored again in random order with new ids: a dump of the closed round keeps no trace of which
    # sheet, participation or receipt came when (and so of who sent which).
    queries.remix_round(session, round_id=survey.id)  # type: ignore[arg-type]
    results = compute_results(session, survey=survey)
    survey.closed_at = now
    # Nothing owed to respondents goes out after the close: not even what is already queued.
    outreach.cancel_for_round(session, survey=survey)
    _cancel_closing_notices(session, survey=survey)
    survey.results = results.model_dump(mode="json")
    compute_measurements(session, survey=survey, results=results, now=now)
    # The report is rendered on demand from stored rows, so it is published the moment it closes.
    survey.report_published_at = now
    session.add(survey)
    session.flush()
    recommend(session, survey=survey, results=results, now=now)
    return survey


def close_due_rounds(session: Session, *, now: datetime) -> list[SurveyRound]:
    """Close every round whose closing time has passed."""
    due = queries.round_ids_to_close(session, now=now)
    return [close_round(session, actor=SYSTEM, round_id=rid, now=now) for rid in due]


def _cancel_closing_notices(session: Session, *, survey: SurveyRound) -> None:
    cancel_keyed(session, key_prefix=f"survey:{survey.id}:closing-soon:")


def queue_respondent_reminders(session: Session, *, now: datetime, policy_id: int | None = None) -> int:
    """Queue invitations and reminders to respondents, and the evaluators' notices (closing, next round)."""
    count = 0
    for survey in queries.rounds_open_at(session, now=now, policy_id=policy_id):
        policy = policy_of(session, survey=survey)
        # A population uploaded before the round opened is invited on the first pass after opening.
        count += outreach.invite_respondents(session, survey=survey, now=now)
        count += outreach.remind_respondents(session, survey=survey, now=now)
        if survey.closes_at - now <= timedelta(days=CLOSING_NOTICE_DAYS):
            answered = queries.answered_count(session, round_id=survey.id)  # type: ignore[arg-type]
            count += outreach.notify_staff(
                session,
                policy=policy,
                key=f"survey:{survey.id}:closing-soon",
                template="survey_closing_soon",
                now=now,
                round_id=survey.id,
                closes_at=survey.closes_at,
                responses=answered,
            )
    for policy in queries.policies_in_evaluation(session, policy_id=policy_id):
        last = queries.latest_round(session, policy_id=policy.id)  # type: ignore[arg-type]
        if last is None or last.closed_at is None or last.cycle != policy.cycle:
            continue
        due = next_due_at(session, policy=policy)
        if due - now <= timedelta(days=DUE_NOTICE_DAYS):
            count += outreach.notify_staff(
                session,
                policy=policy,
                key=f"policy:{policy.id}:round-due:{last.number + 1}",
                template="survey_round_due",
                now=now,
                next_round_number=last.number + 1,
                due_at=due,
            )
    session.flush()
    return count
